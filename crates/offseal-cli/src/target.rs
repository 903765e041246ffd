//! Deciding what a value is sealed for: flags first, then what the file recorded.

use anyhow::{Result, anyhow};
use offseal_core::{Error, Retarget, Scope, Target};

use crate::cli::TargetArgs;

/// The changes the target flags ask for.
pub(crate) fn retarget(args: &TargetArgs) -> Retarget {
    Retarget::new(
        args.scope.map(Scope::from),
        args.namespace.as_deref(),
        args.name.as_deref(),
    )
}

/// The target from the flags, each missing part taken from `recorded` (a provenance comment).
/// `example` is the start of a command line, shown with the flags the scope needs when parts
/// are missing.
pub(crate) fn resolve(
    args: &TargetArgs,
    recorded: Option<&Target>,
    example: &str,
) -> Result<Target> {
    explain(retarget(args).apply(recorded), args, recorded, example)
}

/// Turns a missing-part error into one that names the flags and shows `example`.
pub(crate) fn explain(
    result: offseal_core::Result<Target>,
    args: &TargetArgs,
    recorded: Option<&Target>,
    example: &str,
) -> Result<Target> {
    result.map_err(|e| {
        let has_name = args.name.is_some() || recorded.and_then(Target::name).is_some();
        let (scope, missing) = match e {
            Error::MissingNamespace { scope } if scope == Scope::Strict && !has_name => {
                (scope, "--namespace and --name")
            }
            Error::MissingNamespace { scope } => (scope, "--namespace"),
            Error::MissingName { scope } => (scope, "--name"),
            other => return other.into(),
        };
        let flags = match scope {
            Scope::NamespaceWide => "--scope namespace-wide --namespace tenant-a",
            _ => "--namespace tenant-a --name azure-keyvault-credentials",
        };
        anyhow!(
            "a {scope} target needs {missing}, and no provenance comment records one; for example:\n  {example} {flags}"
        )
    })
}

/// kubeseal's raw-mode rules and messages.
pub(crate) fn raw(args: &TargetArgs) -> Result<Target> {
    let scope = args.scope.map(Scope::from).unwrap_or_default();
    Target::new(scope, args.namespace.as_deref(), args.name.as_deref()).map_err(|e| match e {
        Error::MissingNamespace { scope } => {
            anyhow!("must provide the --namespace flag with --raw and --scope {scope}")
        }
        Error::MissingName { scope } => {
            anyhow!("must provide the --name flag with --raw and --scope {scope}")
        }
        other => other.into(),
    })
}

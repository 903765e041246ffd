//! Deciding what a value is sealed for: flags first, then what the file recorded.

use anyhow::{Result, anyhow};
use offseal_core::{Error, Scope, Target};

use crate::cli::TargetArgs;

/// The target from the flags, each missing part taken from `recorded` (a provenance comment).
/// `example` is a command line shown when parts are missing.
pub(crate) fn resolve(
    args: &TargetArgs,
    recorded: Option<&Target>,
    example: &str,
) -> Result<Target> {
    if !args.any()
        && let Some(recorded) = recorded
    {
        return Ok(recorded.clone());
    }
    let scope = args
        .scope
        .map(Scope::from)
        .or(recorded.map(Target::scope))
        .unwrap_or_default();
    let namespace = args
        .namespace
        .as_deref()
        .or(recorded.and_then(Target::namespace));
    let name = args.name.as_deref().or(recorded.and_then(Target::name));
    Target::new(scope, namespace, name).map_err(|e| {
        let missing = match e {
            Error::MissingNamespace { .. } if scope == Scope::Strict && name.is_none() => {
                "--namespace and --name"
            }
            Error::MissingNamespace { .. } => "--namespace",
            Error::MissingName { .. } => "--name",
            other => return other.into(),
        };
        anyhow!(
            "a {scope} target needs {missing}, and no provenance comment records one; for example:\n  {example}"
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

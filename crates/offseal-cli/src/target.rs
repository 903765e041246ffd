//! The target flags, and what to say when they are not enough.

use anyhow::anyhow;
use offseal_core::{Error, Retarget, Scope, Target};

use crate::cli::TargetArgs;

/// The changes the target flags ask for (over what a file recorded).
pub(crate) fn retarget(args: &TargetArgs) -> Retarget {
    Retarget::new(
        args.scope.map(Scope::from),
        args.namespace.as_deref(),
        args.name.as_deref(),
    )
}

/// Turns a missing-part error into one that names the flags and shows `example` (the start of
/// a command line) with the flags the scope needs; other errors pass through.
pub(crate) fn explain(error: Error, args: &TargetArgs, example: &str) -> anyhow::Error {
    let (scope, missing) = match error {
        Error::MissingNamespace { scope } if scope == Scope::Strict && args.name.is_none() => {
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
}

/// How a raw value's names are held to Kubernetes' rules.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Names {
    /// Refused when the API server would refuse them (offseal's own commands).
    Checked,
    /// Sealed with a warning, as kubeseal does.
    Warned,
    /// Taken as they are: opening needs only the label.
    Unchecked,
}

/// kubeseal's raw-mode rules and messages.
pub(crate) fn raw(args: &TargetArgs, names: Names) -> anyhow::Result<Target> {
    raw_target(
        args.scope.map(Scope::from).unwrap_or_default(),
        args.namespace.as_deref(),
        args.name.as_deref(),
        names,
    )
}

/// kubeseal's raw-mode rules and messages, for a scope, namespace and name however given.
pub(crate) fn raw_target(
    scope: Scope,
    namespace: Option<&str>,
    name: Option<&str>,
    names: Names,
) -> anyhow::Result<Target> {
    let target = match Target::new(scope, namespace, name) {
        Err(err @ Error::InvalidName { .. }) if names != Names::Checked => {
            if names == Names::Warned {
                crate::write::to_stderr(&format!(
                    "warning: {err}; sealed as kubeseal does, but the API server will reject \
                     a Secret of that name"
                ));
            }
            Target::new_unchecked(scope, namespace, name)
        }
        other => other,
    };
    target.map_err(|e| match e {
        Error::MissingNamespace { scope } => {
            anyhow!("must provide the --namespace flag with --raw and --scope {scope}")
        }
        Error::MissingName { scope } => {
            anyhow!("must provide the --name flag with --raw and --scope {scope}")
        }
        other => other.into(),
    })
}

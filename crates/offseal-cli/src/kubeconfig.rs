//! The kubeconfig files kubectl would read, for the namespace kubeseal seals for. Read only;
//! no cluster is ever contacted.

use std::io;
use std::path::{Path, PathBuf};

use offseal_core::kubeconfig::{DEFAULT_NAMESPACE, Kubeconfig};

use crate::{input, write};

/// The namespace of `context` (or the current context) in the kubeconfig kubectl would read:
/// `explicit` (`--kubeconfig`), else every file of `KUBECONFIG`, else `~/.kube/config`. `None`
/// when there is no kubeconfig at all. Problems with the files are warnings, never errors.
pub(crate) fn namespace(explicit: Option<&str>, context: Option<&str>) -> Option<String> {
    let paths: Vec<PathBuf> = match explicit.filter(|p| !p.is_empty()) {
        Some(path) => vec![PathBuf::from(path)],
        None => match std::env::var_os("KUBECONFIG").filter(|v| !v.is_empty()) {
            Some(list) => std::env::split_paths(&list)
                .filter(|p| !p.as_os_str().is_empty())
                .collect(),
            None => std::env::home_dir()
                .map(|home| home.join(".kube").join("config"))
                .into_iter()
                .collect(),
        },
    };
    let mut files = Vec::new();
    for path in &paths {
        let shown = path.display().to_string();
        match read(path, &shown) {
            Ok(Some(bytes)) => files.push((shown, bytes)),
            // kubectl skips missing files of a KUBECONFIG list.
            Ok(None) if explicit.is_none() => {}
            Ok(None) => write::to_stderr(&format!(
                "warning: --kubeconfig {shown}: no such file; sealing for namespace {DEFAULT_NAMESPACE:?} unless the Secret or -n names one"
            )),
            Err(err) => {
                write::to_stderr(&format!("warning: kubeconfig {shown} is not used: {err:#}"))
            }
        }
    }
    if files.is_empty() {
        return explicit.map(|_| DEFAULT_NAMESPACE.to_owned());
    }
    let merged = Kubeconfig::merge(
        files
            .iter()
            .map(|(name, bytes)| (name.as_str(), &bytes[..])),
    );
    for name in &merged.unreadable {
        write::to_stderr(&format!(
            "warning: kubeconfig {name} is not used: it is not kubeconfig YAML"
        ));
    }
    Some(merged.namespace(context).unwrap_or_else(|missing| {
        write::to_stderr(&format!(
            "warning: the kubeconfig defines no context {missing:?}; using namespace {DEFAULT_NAMESPACE:?}"
        ));
        DEFAULT_NAMESPACE.to_owned()
    }))
}

/// The file's bytes, `None` if it does not exist.
fn read(path: &Path, shown: &str) -> anyhow::Result<Option<zeroize::Zeroizing<Vec<u8>>>> {
    match std::fs::metadata(path) {
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(None),
        _ => Ok(Some(input::read_file(
            path,
            input::Limit::KUBECONFIG,
            shown,
        )?)),
    }
}

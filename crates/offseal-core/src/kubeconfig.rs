//! The namespace kubectl (and so kubeseal) would use, read from kubeconfig files offline.
//!
//! kubeseal seals a Secret that declares no namespace for the current context's namespace, or
//! `default`. Only `current-context` and the contexts' namespaces are read; clusters, users and
//! their credentials are skipped and never shown. Nothing here contacts a cluster.

use std::collections::BTreeMap;

use serde::Deserialize;
use serde::de::IgnoredAny;

/// The namespace when no context names one, as kubectl's.
pub const DEFAULT_NAMESPACE: &str = "default";

/// What the kubeconfig files say, merged as kubectl merges a `KUBECONFIG` list.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Kubeconfig {
    /// `current-context` from the first file that sets it.
    pub current_context: Option<String>,
    /// Context name -> its namespace, from the first file that defines the context.
    pub contexts: BTreeMap<String, Option<String>>,
    /// Files that could not be read as kubeconfig YAML (by name; never their content).
    pub unreadable: Vec<String>,
}

/// The part of a kubeconfig file this reads.
#[derive(Deserialize, Default)]
#[serde(default)]
struct File {
    #[serde(rename = "current-context")]
    current_context: Option<String>,
    contexts: Option<Vec<NamedContext>>,
    // Everything else (clusters, users and their credentials) is skipped.
    #[serde(flatten)]
    _rest: BTreeMap<String, IgnoredAny>,
}

#[derive(Deserialize)]
struct NamedContext {
    #[serde(default)]
    name: Option<String>,
    #[serde(default)]
    context: Option<Context>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct Context {
    namespace: Option<String>,
    #[serde(flatten)]
    _rest: BTreeMap<String, IgnoredAny>,
}

impl Kubeconfig {
    /// Merges the files in order: the first file that sets `current-context` wins, and the
    /// first file that defines a context name wins (kubectl's rules for a `KUBECONFIG` list).
    /// An empty file counts as empty; one that is not kubeconfig YAML is listed in
    /// [`Kubeconfig::unreadable`] and otherwise ignored.
    pub fn merge<'a>(files: impl IntoIterator<Item = (&'a str, &'a [u8])>) -> Kubeconfig {
        let mut merged = Kubeconfig::default();
        for (name, bytes) in files {
            let Some(file) = parse(bytes) else {
                merged.unreadable.push(name.to_owned());
                continue;
            };
            if merged.current_context.is_none() {
                merged.current_context = file.current_context.filter(|c| !c.is_empty());
            }
            for context in file.contexts.unwrap_or_default() {
                let Some(context_name) = context.name.filter(|n| !n.is_empty()) else {
                    continue;
                };
                let namespace = context
                    .context
                    .and_then(|c| c.namespace)
                    .filter(|n| !n.is_empty());
                merged.contexts.entry(context_name).or_insert(namespace);
            }
        }
        merged
    }

    /// The namespace of `context` (or the current context): its own, or `default` when it
    /// names none. `Err` names a context that is not defined (then `default` applies too).
    ///
    /// # Errors
    /// The name of a context that no file defines.
    pub fn namespace(&self, context: Option<&str>) -> Result<String, String> {
        let Some(name) = context
            .filter(|c| !c.is_empty())
            .or(self.current_context.as_deref())
        else {
            return Ok(DEFAULT_NAMESPACE.to_owned());
        };
        match self.contexts.get(name) {
            Some(namespace) => Ok(namespace
                .clone()
                .unwrap_or_else(|| DEFAULT_NAMESPACE.to_owned())),
            None => Err(name.to_owned()),
        }
    }
}

fn parse(bytes: &[u8]) -> Option<File> {
    let text = std::str::from_utf8(bytes).ok()?;
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    if text.trim().is_empty() {
        return Some(File::default());
    }
    // No snippet: an error must not quote the file, which holds credentials.
    let options = serde_saphyr::options! { with_snippet: false };
    let file: Option<File> = serde_saphyr::from_str_with_options(text, options).ok()?;
    Some(file.unwrap_or_default())
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    const A: &str = "apiVersion: v1
kind: Config
current-context: dev
contexts:
- name: dev
  context: {cluster: c, user: u, namespace: team-a}
- name: bare
  context: {cluster: c}
users:
- name: u
  user: {token: SECRET-TOKEN, client-key-data: [not, a, string]}
";
    const B: &str = "current-context: prod
contexts:
- name: dev
  context: {namespace: overridden}
- name: prod
  context: {namespace: team-p}
";

    #[test]
    fn the_current_context_names_the_namespace() {
        let one = Kubeconfig::merge([("a", A.as_bytes())]);
        assert_eq!(one.namespace(None).unwrap(), "team-a");
        assert_eq!(one.namespace(Some("bare")).unwrap(), "default");
        assert_eq!(one.namespace(Some("gone")).unwrap_err(), "gone");
        assert!(one.unreadable.is_empty());
    }

    #[test]
    fn a_list_merges_first_wins() {
        let ab = Kubeconfig::merge([("a", A.as_bytes()), ("b", B.as_bytes())]);
        assert_eq!(ab.current_context.as_deref(), Some("dev"));
        assert_eq!(ab.namespace(None).unwrap(), "team-a");
        assert_eq!(ab.namespace(Some("prod")).unwrap(), "team-p");
        let ba = Kubeconfig::merge([("b", B.as_bytes()), ("a", A.as_bytes())]);
        assert_eq!(ba.namespace(None).unwrap(), "team-p");
        assert_eq!(ba.namespace(Some("dev")).unwrap(), "overridden");
        // A file without current-context leaves it to the next one.
        let no_current = "contexts: [{name: x, context: {namespace: nx}}]\n";
        let merged = Kubeconfig::merge([("n", no_current.as_bytes()), ("b", B.as_bytes())]);
        assert_eq!(merged.namespace(None).unwrap(), "team-p");
    }

    #[test]
    fn empty_and_unreadable_files() {
        let empty = Kubeconfig::merge([("e", b"".as_slice()), ("n", b"null\n".as_slice())]);
        assert_eq!(empty.namespace(None).unwrap(), "default");
        assert!(empty.unreadable.is_empty());
        let bad = Kubeconfig::merge([
            ("bad", b"contexts: {{{\n".as_slice()),
            ("list", b"- 1\n".as_slice()),
            ("bin", b"\xff\xfe".as_slice()),
            ("a", A.as_bytes()),
        ]);
        assert_eq!(bad.unreadable, ["bad", "list", "bin"]);
        assert_eq!(bad.namespace(None).unwrap(), "team-a");
    }
}

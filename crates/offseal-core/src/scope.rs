//! Scopes and targets: what a value is sealed for, and the OAEP label that binds it.
//!
//! The controller derives the label from the SealedSecret that carries the value: strict binds
//! it to `namespace/name`, namespace-wide to `namespace`, cluster-wide to nothing.

use std::fmt;
use std::str::FromStr;

use crate::error::{Error, Result};

/// Annotation that makes a SealedSecret namespace-wide.
pub const NAMESPACE_WIDE_ANNOTATION: &str = "sealedsecrets.bitnami.com/namespace-wide";
/// Annotation that makes a SealedSecret cluster-wide.
pub const CLUSTER_WIDE_ANNOTATION: &str = "sealedsecrets.bitnami.com/cluster-wide";

/// How far a sealed value may travel within the cluster.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Scope {
    /// Only a Secret of this exact namespace and name may hold it (kubeseal's default).
    #[default]
    Strict,
    /// Any Secret in this namespace may hold it.
    NamespaceWide,
    /// Any Secret in any namespace may hold it.
    ClusterWide,
}

impl Scope {
    /// All scopes, strictest first.
    pub const ALL: [Scope; 3] = [Scope::Strict, Scope::NamespaceWide, Scope::ClusterWide];

    /// The name kubeseal uses on its command line.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Scope::Strict => "strict",
            Scope::NamespaceWide => "namespace-wide",
            Scope::ClusterWide => "cluster-wide",
        }
    }

    /// The scope annotations declare, as the controller reads them: cluster-wide is checked
    /// first, and only the exact value `"true"` counts.
    pub fn from_annotations<'a>(mut get: impl FnMut(&str) -> Option<&'a str>) -> Scope {
        if get(CLUSTER_WIDE_ANNOTATION) == Some("true") {
            Scope::ClusterWide
        } else if get(NAMESPACE_WIDE_ANNOTATION) == Some("true") {
            Scope::NamespaceWide
        } else {
            Scope::Strict
        }
    }

    /// The annotation that declares this scope, if any (strict has none).
    #[must_use]
    pub fn annotation(self) -> Option<&'static str> {
        match self {
            Scope::Strict => None,
            Scope::NamespaceWide => Some(NAMESPACE_WIDE_ANNOTATION),
            Scope::ClusterWide => Some(CLUSTER_WIDE_ANNOTATION),
        }
    }
}

impl fmt::Display for Scope {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Scope {
    type Err = Error;

    fn from_str(s: &str) -> Result<Scope> {
        Scope::ALL
            .into_iter()
            .find(|scope| scope.as_str() == s)
            .ok_or_else(|| Error::UnknownScope(s.to_owned()))
    }
}

/// What a value is sealed for: a scope and the namespace and name it needs.
///
/// Built only through [`Target::new`], which checks that the scope has what it needs and that
/// Kubernetes would accept the names — a value sealed for an impossible name can never be opened.
///
/// ```
/// use offseal_core::{Error, Scope, Target};
///
/// // The scope is the OAEP label the controller opens the value with.
/// assert_eq!(Target::strict("tenant-a", "creds")?.label(), b"tenant-a/creds");
/// assert_eq!(Target::namespace_wide("tenant-a")?.label(), b"tenant-a");
/// assert_eq!(Target::cluster_wide().label(), b"");
///
/// assert!(matches!(Target::new(Scope::Strict, Some("tenant-a"), None), Err(Error::MissingName { .. })));
/// assert!(matches!(Target::strict("Tenant_A", "creds"), Err(Error::InvalidName { .. })));
/// # Ok::<(), offseal_core::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Target {
    scope: Scope,
    namespace: Option<String>,
    name: Option<String>,
}

impl Target {
    /// A target for `scope`.
    ///
    /// Strict needs a namespace and a name, namespace-wide a namespace, cluster-wide neither.
    /// Names the scope does not need are kept (a SealedSecret still has a name) and validated
    /// all the same. Empty strings count as missing.
    ///
    /// # Errors
    /// [`Error::MissingNamespace`] (checked first, as kubeseal does), [`Error::MissingName`], or
    /// [`Error::InvalidName`] for a namespace that is not a DNS-1123 label or a name that is not
    /// a DNS-1123 subdomain.
    pub fn new(scope: Scope, namespace: Option<&str>, name: Option<&str>) -> Result<Target> {
        let namespace = namespace.filter(|s| !s.is_empty());
        let name = name.filter(|s| !s.is_empty());
        if scope != Scope::ClusterWide && namespace.is_none() {
            return Err(Error::MissingNamespace { scope });
        }
        if scope == Scope::Strict && name.is_none() {
            return Err(Error::MissingName { scope });
        }
        if let Some(namespace) = namespace {
            check_dns1123_label("namespace", namespace)?;
        }
        if let Some(name) = name {
            check_dns1123_subdomain("name", name)?;
        }
        Ok(Target {
            scope,
            namespace: namespace.map(str::to_owned),
            name: name.map(str::to_owned),
        })
    }

    /// As [`Target::new`], without checking the names' syntax: kubeseal seals for names the
    /// API server would refuse, and a SealedSecret with such a name still opens.
    ///
    /// # Errors
    /// [`Error::MissingNamespace`] or [`Error::MissingName`], as [`Target::new`].
    pub fn new_unchecked(
        scope: Scope,
        namespace: Option<&str>,
        name: Option<&str>,
    ) -> Result<Target> {
        let target = Target::unchecked(scope, namespace, name);
        if scope != Scope::ClusterWide && target.namespace.is_none() {
            return Err(Error::MissingNamespace { scope });
        }
        if scope == Scope::Strict && target.name.is_none() {
            return Err(Error::MissingName { scope });
        }
        Ok(target)
    }

    /// A target whose names are not checked: kubeseal seals for names the API server would
    /// refuse. Empty strings count as missing.
    pub(crate) fn unchecked(scope: Scope, namespace: Option<&str>, name: Option<&str>) -> Target {
        let given = |s: Option<&str>| s.filter(|s| !s.is_empty()).map(str::to_owned);
        Target {
            scope,
            namespace: given(namespace),
            name: given(name),
        }
    }

    /// A strict target for `namespace/name`.
    ///
    /// # Errors
    /// As [`Target::new`].
    pub fn strict(namespace: &str, name: &str) -> Result<Target> {
        Target::new(Scope::Strict, Some(namespace), Some(name))
    }

    /// A namespace-wide target.
    ///
    /// # Errors
    /// As [`Target::new`].
    pub fn namespace_wide(namespace: &str) -> Result<Target> {
        Target::new(Scope::NamespaceWide, Some(namespace), None)
    }

    /// The cluster-wide target.
    #[must_use]
    pub fn cluster_wide() -> Target {
        Target {
            scope: Scope::ClusterWide,
            namespace: None,
            name: None,
        }
    }

    /// The scope.
    #[must_use]
    pub fn scope(&self) -> Scope {
        self.scope
    }

    /// The namespace, when one was given.
    #[must_use]
    pub fn namespace(&self) -> Option<&str> {
        self.namespace.as_deref()
    }

    /// The name, when one was given.
    #[must_use]
    pub fn name(&self) -> Option<&str> {
        self.name.as_deref()
    }

    /// The RSA-OAEP label the controller will use to open a value sealed for this target.
    #[must_use]
    pub fn label(&self) -> Vec<u8> {
        label_for(
            self.scope,
            self.namespace.as_deref().unwrap_or_default(),
            self.name.as_deref().unwrap_or_default(),
        )
    }
}

/// Changes to a target: each part given replaces the base target's; parts not given are kept.
///
/// This is how flags meet what a file recorded: `--namespace new` on a value recorded as
/// `strict old/app` gives `strict new/app`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct Retarget {
    /// A new scope.
    pub scope: Option<Scope>,
    /// A new namespace.
    pub namespace: Option<String>,
    /// A new name.
    pub name: Option<String>,
}

impl Retarget {
    /// Changes from optional parts; empty strings count as not given.
    #[must_use]
    pub fn new(scope: Option<Scope>, namespace: Option<&str>, name: Option<&str>) -> Retarget {
        let given = |s: Option<&str>| s.filter(|s| !s.is_empty()).map(str::to_owned);
        Retarget {
            scope,
            namespace: given(namespace),
            name: given(name),
        }
    }

    /// Each part from `self`, else from `fallback` (flags over a policy rule).
    #[must_use]
    pub fn or(&self, fallback: &Retarget) -> Retarget {
        Retarget {
            scope: self.scope.or(fallback.scope),
            namespace: self
                .namespace
                .clone()
                .or_else(|| fallback.namespace.clone()),
            name: self.name.clone().or_else(|| fallback.name.clone()),
        }
    }

    /// Whether nothing changes.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.scope.is_none() && self.namespace.is_none() && self.name.is_none()
    }

    /// The target `base` becomes (strict when neither gives a scope).
    ///
    /// # Errors
    /// As [`Target::new`]: a part the scope needs is missing, or a name is invalid.
    pub fn apply(&self, base: Option<&Target>) -> Result<Target> {
        if self.is_empty()
            && let Some(base) = base
        {
            return Ok(base.clone());
        }
        let scope = self.scope.or(base.map(Target::scope)).unwrap_or_default();
        Target::new(
            scope,
            self.namespace
                .as_deref()
                .or(base.and_then(Target::namespace)),
            self.name.as_deref().or(base.and_then(Target::name)),
        )
    }
}

/// The label as the controller computes it from a SealedSecret's metadata, unchecked.
pub(crate) fn label_for(scope: Scope, namespace: &str, name: &str) -> Vec<u8> {
    match scope {
        Scope::Strict => format!("{namespace}/{name}").into_bytes(),
        Scope::NamespaceWide => namespace.as_bytes().to_vec(),
        Scope::ClusterWide => Vec::new(),
    }
}

impl fmt::Display for Target {
    /// `strict tenant-a/app`, `namespace-wide tenant-a`, `cluster-wide`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let namespace = self.namespace.as_deref().unwrap_or_default();
        match self.scope {
            Scope::Strict => write!(
                f,
                "strict {namespace}/{}",
                self.name.as_deref().unwrap_or_default()
            ),
            Scope::NamespaceWide => write!(f, "namespace-wide {namespace}"),
            Scope::ClusterWide => f.write_str("cluster-wide"),
        }
    }
}

fn invalid(what: &'static str, value: &str, reason: impl Into<String>) -> Error {
    Error::InvalidName {
        what,
        value: value.to_owned(),
        reason: reason.into(),
    }
}

/// One DNS-1123 label: `[a-z0-9]([-a-z0-9]*[a-z0-9])?`, at most 63 characters.
fn check_label_chars(what: &'static str, whole: &str, label: &str) -> Result<()> {
    if label.is_empty() {
        return Err(invalid(what, whole, "it has an empty part between dots"));
    }
    if let Some(c) = label
        .chars()
        .find(|c| !(c.is_ascii_lowercase() || c.is_ascii_digit() || *c == '-'))
    {
        return Err(invalid(
            what,
            whole,
            format!(
                "{c:?} is not allowed; use lower-case letters, digits and '-'{}",
                if what == "name" { " and '.'" } else { "" }
            ),
        ));
    }
    if label.starts_with('-') || label.ends_with('-') {
        return Err(invalid(
            what,
            whole,
            "it must start and end with a letter or digit",
        ));
    }
    Ok(())
}

/// Namespaces are DNS-1123 labels.
pub(crate) fn check_dns1123_label(what: &'static str, value: &str) -> Result<()> {
    if value.len() > 63 {
        return Err(invalid(what, value, "it is longer than 63 characters"));
    }
    check_label_chars(what, value, value)
}

/// Secret names are DNS-1123 subdomains: dot-separated labels, at most 253 characters.
pub(crate) fn check_dns1123_subdomain(what: &'static str, value: &str) -> Result<()> {
    if value.len() > 253 {
        return Err(invalid(what, value, "it is longer than 253 characters"));
    }
    value
        .split('.')
        .try_for_each(|label| check_label_chars(what, value, label))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_match_the_controller() {
        assert_eq!(Target::strict("ns", "app").unwrap().label(), b"ns/app");
        assert_eq!(Target::namespace_wide("ns").unwrap().label(), b"ns");
        assert_eq!(Target::cluster_wide().label(), b"");
        // Names a scope does not need do not leak into its label.
        let t = Target::new(Scope::NamespaceWide, Some("ns"), Some("app")).unwrap();
        assert_eq!(t.label(), b"ns");
        let t = Target::new(Scope::ClusterWide, Some("ns"), Some("app")).unwrap();
        assert_eq!(t.label(), b"");
    }

    #[test]
    fn missing_parts_are_refused_namespace_first() {
        assert!(matches!(
            Target::new(Scope::Strict, None, None),
            Err(Error::MissingNamespace {
                scope: Scope::Strict
            })
        ));
        assert!(matches!(
            Target::new(Scope::Strict, Some("ns"), Some("")),
            Err(Error::MissingName { .. })
        ));
        assert!(matches!(
            Target::new(Scope::NamespaceWide, None, Some("x")),
            Err(Error::MissingNamespace { .. })
        ));
        assert!(Target::new(Scope::ClusterWide, None, None).is_ok());
    }

    #[test]
    fn kubernetes_names_are_validated() {
        for bad_ns in ["Tenant", "a_b", "-a", "a-", "a.b", &"a".repeat(64)] {
            let err = Target::namespace_wide(bad_ns).unwrap_err();
            assert!(
                matches!(
                    err,
                    Error::InvalidName {
                        what: "namespace",
                        ..
                    }
                ),
                "{bad_ns}"
            );
        }
        for bad_name in ["App", "a..b", ".a", "a.", "a/b", &"a".repeat(254)] {
            let err = Target::strict("ns", bad_name).unwrap_err();
            assert!(
                matches!(err, Error::InvalidName { what: "name", .. }),
                "{bad_name}"
            );
        }
        assert!(Target::strict("kube-system", "sealed.secrets-key1").is_ok());
        assert!(Target::strict(&"a".repeat(63), &"b".repeat(253)).is_ok());
        let msg = Target::strict("ns", "My_App").unwrap_err().to_string();
        assert_eq!(
            msg,
            "invalid name \"My_App\": 'M' is not allowed; use lower-case letters, digits and '-' and '.'"
        );
    }

    #[test]
    fn retargeting_keeps_what_is_not_given() {
        let base = Target::strict("old", "app").unwrap();
        assert_eq!(Retarget::default().apply(Some(&base)).unwrap(), base);
        let moved = Retarget::new(None, Some("new"), None)
            .apply(Some(&base))
            .unwrap();
        assert_eq!(moved, Target::strict("new", "app").unwrap());
        let wide = Retarget::new(Some(Scope::NamespaceWide), None, None)
            .apply(Some(&base))
            .unwrap();
        assert_eq!(wide.label(), b"old");
        assert!(matches!(
            Retarget::new(None, None, Some("x")).apply(None),
            Err(Error::MissingNamespace { .. })
        ));
        assert!(Retarget::new(None, Some(""), None).is_empty());
    }

    #[test]
    fn scopes_parse_and_print_like_kubeseal() {
        for scope in Scope::ALL {
            assert_eq!(scope.as_str().parse::<Scope>().unwrap(), scope);
        }
        assert_eq!(
            "global".parse::<Scope>().unwrap_err().to_string(),
            "unknown scope \"global\": must be one of: strict, namespace-wide, cluster-wide"
        );
    }

    #[test]
    fn annotations_decide_the_scope_cluster_wide_first() {
        let both = |k: &str| match k {
            CLUSTER_WIDE_ANNOTATION | NAMESPACE_WIDE_ANNOTATION => Some("true"),
            _ => None,
        };
        assert_eq!(Scope::from_annotations(both), Scope::ClusterWide);
        let not_exactly_true = |k: &str| (k == CLUSTER_WIDE_ANNOTATION).then_some("True");
        assert_eq!(Scope::from_annotations(not_exactly_true), Scope::Strict);
        let ns = |k: &str| (k == NAMESPACE_WIDE_ANNOTATION).then_some("true");
        assert_eq!(Scope::from_annotations(ns), Scope::NamespaceWide);
    }
}

//! The repository policy file, `.offseal.yaml`: which certificate, fingerprint and target each
//! file is sealed for, chosen by a regular expression over the file's path (as sops'
//! `.sops.yaml` creation rules choose keys).
//!
//! ```yaml
//! rules:                  # the first rule whose path_regex matches wins
//!   - path_regex: ^tenants/(?P<tenant>[a-z0-9-]+)/values\.yaml$
//!     cert: certs/prod.pem                 # relative to the policy file, or a URL
//!     fingerprint: SHA256:NfQ6GANZ...      # or a list, during a key rotation
//!     namespace: "{tenant}"                # {group}: a named group of path_regex
//!     name: azure-keyvault-credentials
//!     scope: strict                        # optional; strict when the rule names a target
//! ```
//!
//! This module reads and matches the policy; finding the file and reading the certificate are
//! the caller's (the library reads no files).

use std::fmt;

use regex::Regex;
use serde::Deserialize;
use serde::de::{self, Deserializer, SeqAccess, Visitor};
use serde_saphyr::Spanned;

use crate::error::{Error, Result};
use crate::scope::{Retarget, Scope, check_dns1123_label, check_dns1123_subdomain};

/// The policy file's name, looked up from a file's directory towards the root.
pub const POLICY_FILE_NAME: &str = ".offseal.yaml";

/// A parsed policy file.
#[derive(Debug, Clone)]
pub struct Policy {
    source_name: String,
    rules: Vec<Rule>,
}

/// One rule of a [`Policy`].
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct Rule {
    /// Its number in the file, from 1.
    pub number: usize,
    /// The line it starts on.
    pub line: usize,
    /// The expression matched against the path relative to the policy file's directory.
    pub path_regex: Regex,
    /// The certificate as written: a path relative to the policy file, or a URL; it may take
    /// groups of `path_regex` (`certs/{cluster}.pem`).
    pub cert: Option<String>,
    /// The fingerprints allowed (`SHA256:...`); empty: no pin.
    pub fingerprints: Vec<String>,
    cert_template: Option<Template>,
    namespace: Option<Template>,
    name: Option<Template>,
    /// The scope it asks for.
    pub scope: Option<Scope>,
}

/// What a rule says for one file: its templates filled in.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Resolved {
    /// The rule's number, from 1.
    pub rule: usize,
    /// The line the rule starts on.
    pub line: usize,
    /// The certificate as the rule gives it for this file (its groups filled in).
    pub cert: Option<String>,
    /// The fingerprints allowed; empty: no pin.
    pub fingerprints: Vec<String>,
    /// The target parts the rule gives.
    pub target: Retarget,
}

impl Resolved {
    /// Whether the rule says anything about the target.
    #[must_use]
    pub fn names_target(&self) -> bool {
        !self.target.is_empty()
    }
}

impl Policy {
    /// Parses a policy file. `source_name` is used in messages.
    ///
    /// # Errors
    /// [`Error::Policy`], with the line and column: invalid YAML, an unknown key (a typo must
    /// not silently drop a pin), an invalid regular expression, fingerprint or scope, or a
    /// `{group}` that `path_regex` does not define.
    ///
    /// ```
    /// use offseal_core::policy::Policy;
    ///
    /// let policy = Policy::parse(
    ///     "rules:\n  - path_regex: ^tenants/(?P<t>[a-z-]+)/values\\.yaml$\n    namespace: '{t}'\n    name: creds\n",
    ///     ".offseal.yaml",
    /// )?;
    /// let resolved = policy.resolve("tenants/blue/values.yaml")?.expect("a rule matches");
    /// assert_eq!(resolved.target.namespace.as_deref(), Some("blue"));
    /// assert!(policy.resolve("README.md")?.is_none());
    /// # Ok::<(), offseal_core::Error>(())
    /// ```
    pub fn parse(text: &str, source_name: &str) -> Result<Policy> {
        let error = |line: u64, column: u64, reason: String| Error::Policy {
            source_name: source_name.to_owned(),
            line: usize::try_from(line).unwrap_or(usize::MAX),
            column: usize::try_from(column).unwrap_or(usize::MAX),
            reason,
        };
        let options = serde_saphyr::options! { with_snippet: false };
        let file: File = serde_saphyr::from_str_with_options(text, options).map_err(|e| {
            let (line, column) = e.location().map_or((1, 1), |l| (l.line(), l.column()));
            error(line, column, plain_message(&e.to_string()))
        })?;
        let Some(raw_rules) = file.rules else {
            return Err(error(
                1,
                1,
                "`rules` is missing: a policy needs a list of rules".into(),
            ));
        };
        let mut rules = Vec::with_capacity(raw_rules.len());
        for (index, raw) in raw_rules.into_iter().enumerate() {
            let at = |s: &Spanned<String>| (s.referenced.line(), s.referenced.column());
            let (line, column) = at(&raw.path_regex);
            let path_regex = Regex::new(&raw.path_regex.value).map_err(|e| {
                error(
                    line,
                    column,
                    format!("`path_regex` is not a valid regular expression: {e}"),
                )
            })?;
            let template = |field: &str, value: Option<Spanned<String>>| {
                value
                    .map(|v| {
                        let (line, column) = at(&v);
                        Template::parse(&v.value, &path_regex)
                            .map_err(|reason| error(line, column, format!("`{field}`: {reason}")))
                    })
                    .transpose()
            };
            let namespace = template("namespace", raw.namespace)?;
            let name = template("name", raw.name)?;
            let scope = raw
                .scope
                .map(|s| {
                    s.value.parse::<Scope>().map_err(|e| {
                        error(
                            s.referenced.line(),
                            s.referenced.column(),
                            format!("`scope`: {e}"),
                        )
                    })
                })
                .transpose()?;
            let mut fingerprints = Vec::new();
            if let Some(fp) = raw.fingerprint {
                let (line, column) = (fp.referenced.line(), fp.referenced.column());
                // An empty pin must not silently unpin the certificate.
                if fp.value.0.is_empty() {
                    return Err(error(
                        line,
                        column,
                        "`fingerprint` is empty: give one or more (`offseal cert` prints the \
                         form), or remove the key to allow any certificate"
                            .to_owned(),
                    ));
                }
                for one in fp.value.0 {
                    check_fingerprint_form(&one).map_err(|reason| {
                        error(line, column, format!("`fingerprint`: {reason}"))
                    })?;
                    fingerprints.push(one);
                }
            }
            let cert = raw.cert.filter(|c| !c.value.is_empty());
            let cert_template = template("cert", cert.clone())?;
            rules.push(Rule {
                number: index + 1,
                line: usize::try_from(line).unwrap_or(usize::MAX),
                path_regex,
                cert: cert.map(|c| c.value),
                fingerprints,
                cert_template,
                namespace,
                name,
                scope,
            });
        }
        Ok(Policy {
            source_name: source_name.to_owned(),
            rules,
        })
    }

    /// The file name given to [`Policy::parse`].
    #[must_use]
    pub fn source_name(&self) -> &str {
        &self.source_name
    }

    /// The rules, in order.
    #[must_use]
    pub fn rules(&self) -> &[Rule] {
        &self.rules
    }

    /// What the first rule matching `relative_path` (relative to the policy file's directory,
    /// `/`-separated) says, or `None` when no rule matches.
    ///
    /// # Errors
    /// [`Error::Policy`]: the matching rule's template names a group that took no part in the
    /// match (an optional group).
    pub fn resolve(&self, relative_path: &str) -> Result<Option<Resolved>> {
        let Some((rule, captures)) = self
            .rules
            .iter()
            .find_map(|rule| Some((rule, rule.path_regex.captures(relative_path)?)))
        else {
            return Ok(None);
        };
        let fill = |field: &str, template: Option<&Template>| {
            template
                .map(|t| {
                    t.fill(&captures).map_err(|group| Error::Policy {
                        source_name: self.source_name.clone(),
                        line: rule.line,
                        column: 1,
                        reason: format!(
                            "rule {}: `{field}` takes the group `{group}`, which matched nothing in {relative_path:?}",
                            rule.number
                        ),
                    })
                })
                .transpose()
        };
        let cert = fill("cert", rule.cert_template.as_ref())?;
        let namespace = fill("namespace", rule.namespace.as_ref())?;
        let name = fill("name", rule.name.as_ref())?;
        // Filled in, a template can still make a name Kubernetes refuses (`{tenant}-{{x}}`).
        let checked = namespace
            .as_deref()
            .map_or(Ok(()), |n| check_dns1123_label("namespace", n))
            .and_then(|()| {
                name.as_deref()
                    .map_or(Ok(()), |n| check_dns1123_subdomain("name", n))
            });
        if let Err(e) = checked {
            return Err(Error::Policy {
                source_name: self.source_name.clone(),
                line: rule.line,
                column: 1,
                reason: format!("rule {} gives {relative_path:?} {e}", rule.number),
            });
        }
        // A rule that names a target but no scope means strict, as the flags do.
        let scope = rule
            .scope
            .or((namespace.is_some() || name.is_some()).then_some(Scope::Strict));
        Ok(Some(Resolved {
            rule: rule.number,
            line: rule.line,
            cert,
            fingerprints: rule.fingerprints.clone(),
            target: Retarget::new(scope, namespace.as_deref(), name.as_deref()),
        }))
    }
}

/// Refuses a certificate whose fingerprint is not one of `allowed` (no pin when empty).
/// `pinned_by` says where the pin comes from, for the message.
///
/// # Errors
/// [`Error::FingerprintMismatch`], naming both fingerprints.
pub fn check_pin(
    cert_name: &str,
    fingerprint: &str,
    allowed: &[String],
    pinned_by: &str,
) -> Result<()> {
    if allowed.is_empty() || allowed.iter().any(|a| a == fingerprint) {
        return Ok(());
    }
    Err(Error::FingerprintMismatch {
        source_name: cert_name.to_owned(),
        actual: fingerprint.to_owned(),
        allowed: allowed.to_vec(),
        pinned_by: pinned_by.to_owned(),
    })
}

/// Whether `text` is a fingerprint as `offseal cert` prints it: `SHA256:` and 43 characters of
/// unpadded base64.
///
/// # Errors
/// Why it is not, for a message.
pub fn check_fingerprint_form(text: &str) -> std::result::Result<(), String> {
    let digest = text.strip_prefix("SHA256:").ok_or_else(|| {
        format!("{text:?} does not start with `SHA256:` (`offseal cert` prints the form)")
    })?;
    let valid = digest.len() == 43
        && digest
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'+' || b == b'/');
    if valid {
        Ok(())
    } else {
        Err(format!(
            "{text:?} is not a SHA256 fingerprint (43 base64 characters after `SHA256:`, as `offseal cert` prints it)"
        ))
    }
}

/// serde-saphyr's message without its own location suffix (ours is in the error).
fn plain_message(message: &str) -> String {
    message
        .split_once(" at line ")
        .map_or(message, |(before, _)| before)
        .to_owned()
}

/// A value with `{group}` placeholders for named groups of the rule's `path_regex`
/// (`{{` and `}}` are literal braces).
#[derive(Debug, Clone)]
struct Template(Vec<Piece>);

#[derive(Debug, Clone)]
enum Piece {
    Text(String),
    Group(String),
}

impl Template {
    fn parse(text: &str, regex: &Regex) -> std::result::Result<Template, String> {
        let mut pieces = Vec::new();
        let mut literal = String::new();
        let mut chars = text.chars().peekable();
        while let Some(c) = chars.next() {
            match c {
                '{' if chars.peek() == Some(&'{') => {
                    chars.next();
                    literal.push('{');
                }
                '}' if chars.peek() == Some(&'}') => {
                    chars.next();
                    literal.push('}');
                }
                '{' => {
                    let mut group = String::new();
                    loop {
                        match chars.next() {
                            Some('}') => break,
                            Some(c) => group.push(c),
                            None => return Err(format!("{text:?} has a `{{` without its `}}`")),
                        }
                    }
                    if !regex.capture_names().flatten().any(|n| n == group) {
                        let names: Vec<_> = regex.capture_names().flatten().collect();
                        return Err(format!(
                            "{{{group}}} is not a named group of path_regex ({})",
                            if names.is_empty() {
                                "it has none: write (?P<name>...)".to_owned()
                            } else {
                                format!("it has: {}", names.join(", "))
                            }
                        ));
                    }
                    if !literal.is_empty() {
                        pieces.push(Piece::Text(std::mem::take(&mut literal)));
                    }
                    pieces.push(Piece::Group(group));
                }
                '}' => {
                    return Err(format!(
                        "{text:?} has a `}}` without its `{{` (write `}}}}`)"
                    ));
                }
                c => literal.push(c),
            }
        }
        if !literal.is_empty() {
            pieces.push(Piece::Text(literal));
        }
        Ok(Template(pieces))
    }

    /// The text with every group filled in; `Err(group)` for a group that matched nothing.
    fn fill(&self, captures: &regex::Captures<'_>) -> std::result::Result<String, String> {
        let mut out = String::new();
        for piece in &self.0 {
            match piece {
                Piece::Text(text) => out += text,
                Piece::Group(group) => {
                    out += captures.name(group).ok_or_else(|| group.clone())?.as_str();
                }
            }
        }
        Ok(out)
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    rules: Option<Vec<RawRule>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawRule {
    path_regex: Spanned<String>,
    cert: Option<Spanned<String>>,
    // Present but null (`fingerprint:`) reads as an empty list, which is refused.
    #[serde(default, deserialize_with = "present")]
    fingerprint: Option<Spanned<OneOrMany>>,
    namespace: Option<Spanned<String>>,
    name: Option<Spanned<String>>,
    scope: Option<Spanned<String>>,
}

/// A key that is present, whatever its value (null included).
fn present<'de, D: Deserializer<'de>, T: Deserialize<'de>>(
    deserializer: D,
) -> std::result::Result<Option<T>, D::Error> {
    T::deserialize(deserializer).map(Some)
}

/// `fingerprint: SHA256:...` or a list of them.
struct OneOrMany(Vec<String>);

impl<'de> Deserialize<'de> for OneOrMany {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> std::result::Result<Self, D::Error> {
        struct Either;
        impl<'de> Visitor<'de> for Either {
            type Value = OneOrMany;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a fingerprint or a list of fingerprints")
            }
            fn visit_str<E: de::Error>(self, one: &str) -> std::result::Result<OneOrMany, E> {
                Ok(OneOrMany(vec![one.to_owned()]))
            }
            fn visit_unit<E: de::Error>(self) -> std::result::Result<OneOrMany, E> {
                Ok(OneOrMany(Vec::new()))
            }
            fn visit_none<E: de::Error>(self) -> std::result::Result<OneOrMany, E> {
                Ok(OneOrMany(Vec::new()))
            }
            fn visit_seq<A: SeqAccess<'de>>(
                self,
                mut seq: A,
            ) -> std::result::Result<OneOrMany, A::Error> {
                let mut all = Vec::new();
                while let Some(one) = seq.next_element::<String>()? {
                    all.push(one);
                }
                Ok(OneOrMany(all))
            }
        }
        deserializer.deserialize_any(Either)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const FP: &str = "SHA256:NfQ6GANZ5ZSZ45GsFMFEsYJbj4rlqJiSarri7KWL6ns";

    fn parse(text: &str) -> Result<Policy> {
        Policy::parse(text, "repo/.offseal.yaml")
    }

    fn refusal(text: &str) -> (usize, usize, String) {
        match parse(text) {
            Err(Error::Policy {
                line,
                column,
                reason,
                ..
            }) => (line, column, reason),
            other => panic!("expected a policy error, got {other:?}"),
        }
    }

    #[test]
    fn the_first_matching_rule_wins_and_fills_its_groups() {
        let policy = parse(&format!(
            "rules:
  - path_regex: ^tenants/(?P<tenant>[a-z0-9-]+)/values\\.yaml$
    cert: certs/prod.pem
    fingerprint: {FP}
    namespace: \"{{tenant}}\"
    name: azure-keyvault-credentials
  - path_regex: ^tenants/
    cert: https://example.com/v1/cert.pem
    scope: cluster-wide
"
        ))
        .unwrap();
        let blue = policy.resolve("tenants/blue/values.yaml").unwrap().unwrap();
        assert_eq!((blue.rule, blue.line), (1, 2));
        assert_eq!(blue.cert.as_deref(), Some("certs/prod.pem"));
        assert_eq!(blue.fingerprints, [FP]);
        assert_eq!(
            blue.target,
            Retarget::new(
                Some(Scope::Strict),
                Some("blue"),
                Some("azure-keyvault-credentials")
            )
        );
        let other = policy.resolve("tenants/blue/other.yaml").unwrap().unwrap();
        assert_eq!(other.rule, 2);
        assert_eq!(
            other.target,
            Retarget::new(Some(Scope::ClusterWide), None, None)
        );
        assert!(other.fingerprints.is_empty());
        assert!(policy.resolve("charts/values.yaml").unwrap().is_none());
    }

    #[test]
    fn path_regexes_may_use_perl_classes_and_ignore_case() {
        let policy = parse("rules:\n  - path_regex: '(?i)^tenants/(?P<t>\\w+)/v\\d\\.yaml$'\n    namespace: '{t}'\n").unwrap();
        let resolved = policy.resolve("Tenants/blue2/v1.yaml").unwrap().unwrap();
        assert_eq!(resolved.target.namespace.as_deref(), Some("blue2"));
        // `\w` also takes `_`, which no namespace holds: refused with the rule and the path.
        let refused = policy
            .resolve("tenants/blue_2/v1.yaml")
            .unwrap_err()
            .to_string();
        assert_eq!(
            refused,
            "repo/.offseal.yaml:2:1: rule 1 gives \"tenants/blue_2/v1.yaml\" invalid namespace \
             \"blue_2\": '_' is not allowed; use lower-case letters, digits and '-'"
        );
        // `^` anchors at the start of the path relative to the policy file.
        assert!(policy.resolve("x/tenants/a/v1.yaml").unwrap().is_none());
    }

    #[test]
    fn the_certificate_takes_groups_of_the_path() {
        let policy = parse(
            "rules:\n  - path_regex: ^clusters/(?P<cluster>[a-z]+)/\n    cert: certs/{cluster}.pem\n",
        )
        .unwrap();
        let resolved = policy
            .resolve("clusters/prod/values.yaml")
            .unwrap()
            .unwrap();
        assert_eq!(resolved.cert.as_deref(), Some("certs/prod.pem"));
        assert_eq!(
            policy.rules()[0].cert.as_deref(),
            Some("certs/{cluster}.pem")
        );
        let unknown = parse("rules:\n  - path_regex: x\n    cert: certs/{nope}.pem\n").unwrap_err();
        assert!(
            unknown
                .to_string()
                .contains("`cert`: {nope} is not a named group"),
            "{unknown}"
        );
    }

    #[test]
    fn an_empty_pin_is_refused() {
        for pin in ["", " []", " ~", " null"] {
            let error = parse(&format!(
                "rules:\n  - path_regex: x\n    fingerprint:{pin}\n"
            ))
            .unwrap_err()
            .to_string();
            assert!(error.contains("`fingerprint` is empty"), "{pin:?}: {error}");
        }
    }

    #[test]
    fn several_fingerprints_may_be_allowed() {
        let other = "SHA256:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA";
        let policy = parse(&format!(
            "rules:\n  - path_regex: x\n    fingerprint:\n      - {FP}\n      - {other}\n"
        ))
        .unwrap();
        let resolved = policy.resolve("x").unwrap().unwrap();
        assert_eq!(resolved.fingerprints, [FP, other]);
        assert!(!resolved.names_target());
        assert!(check_pin("c.pem", other, &resolved.fingerprints, "rule 1").is_ok());
        let err = check_pin(
            "c.pem",
            "SHA256:BBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBB",
            &resolved.fingerprints,
            "rule 1 of .offseal.yaml",
        )
        .unwrap_err()
        .to_string();
        assert!(
            err.contains("SHA256:BBBB") && err.contains(FP) && err.contains(other),
            "{err}"
        );
        assert!(err.contains("rule 1 of .offseal.yaml"), "{err}");
        assert!(check_pin("c.pem", "anything", &[], "nobody").is_ok());
    }

    #[test]
    fn unknown_keys_are_refused_with_their_place() {
        // `fingerprnt` is a typo: it must not silently unpin the certificate.
        let (line, _, reason) = refusal(&format!(
            "rules:\n  - path_regex: x\n    fingerprnt: {FP}\n"
        ));
        assert_eq!(line, 3, "{reason}");
        assert!(reason.contains("fingerprnt"), "{reason}");
        let (line, _, reason) = refusal("rule:\n  - path_regex: x\n");
        assert_eq!(line, 1, "{reason}");
        assert!(reason.contains("rule"), "{reason}");
    }

    #[test]
    fn malformed_files_are_refused_with_line_and_column() {
        let (line, column, reason) = refusal("rules:\n  - path_regex: [x\n");
        assert!(line >= 2, "{line}:{column}: {reason}");
        let (line, column, reason) = refusal("rules:\n  - path_regex: (unclosed\n");
        assert_eq!((line, column), (2, 17), "{reason}");
        assert!(reason.contains("regular expression"), "{reason}");
        let (line, _, reason) = refusal("rules:\n  - cert: a.pem\n");
        assert_eq!(line, 2, "{reason}");
        assert!(reason.contains("path_regex"), "{reason}");
        let (line, _, reason) = refusal("rules:\n  - path_regex: x\n    scope: everywhere\n");
        assert_eq!(line, 3);
        assert!(reason.contains("scope"), "{reason}");
        let (line, _, reason) = refusal("rules:\n  - path_regex: x\n    fingerprint: 4f:2a:00\n");
        assert_eq!(line, 3);
        assert!(reason.contains("SHA256:"), "{reason}");
        let (_, _, reason) = refusal("# nothing\n");
        assert!(reason.contains("rules"), "{reason}");
    }

    #[test]
    fn templates_name_only_groups_the_regex_defines() {
        let (line, _, reason) =
            refusal("rules:\n  - path_regex: ^(?P<t>.+)$\n    namespace: '{tenant}'\n");
        assert_eq!(line, 3);
        assert!(
            reason.contains("{tenant}") && reason.contains("it has: t"),
            "{reason}"
        );
        let (_, _, reason) = refusal("rules:\n  - path_regex: x\n    name: 'a{b'\n");
        assert!(reason.contains("without its"), "{reason}");
        let policy =
            parse("rules:\n  - path_regex: ^(?P<a>x)?y(?P<b>z)$\n    name: '{{{b}}}-{a}'\n")
                .unwrap();
        let err = policy.resolve("yz").unwrap_err().to_string();
        assert!(
            err.contains("`a`") && err.contains("matched nothing"),
            "{err}"
        );
        // `{{` and `}}` are literal braces.
        let t = Template::parse("{{{b}}}", &Regex::new("(?P<b>z)").unwrap()).unwrap();
        let caps = Regex::new("(?P<b>z)").unwrap().captures("z").unwrap();
        assert_eq!(t.fill(&caps).unwrap(), "{z}");
    }
}

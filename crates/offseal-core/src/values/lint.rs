//! The lint behind `offseal check`: what is wrong with the sealed values, found without any
//! private key.

use offseal_yaml::Path;

use super::ValuesFile;
use crate::azure::is_guid;
use crate::cert::Certificate;
use crate::error::Error;
use crate::outcome::ValueState;

/// How serious a [`Finding`] is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Severity {
    /// Worth knowing; not a failure.
    Warning,
    /// The value cannot work: `check` fails.
    Error,
}

/// One thing `check` found.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct Finding {
    /// Where.
    pub path: Path,
    /// Its line.
    pub line: usize,
    /// How serious.
    pub severity: Severity,
    /// What (never a value).
    pub message: String,
}

impl ValuesFile {
    /// Lints the sealed values without any private key: credentials holding plaintext, empty
    /// or malformed data, data sized for another key than `key`'s, values sealed with another
    /// certificate than `key` (a warning: old controller keys still open them), and a tenant id
    /// that is not a GUID. The certificate's dates do not matter here.
    #[must_use]
    pub fn check(&self, key: Option<&Certificate>) -> Vec<Finding> {
        let mut findings = Vec::new();
        let mut push = |path: &Path, line, severity, message: String| {
            findings.push(Finding {
                path: path.clone(),
                line,
                severity,
                message,
            });
        };
        for value in self.sealed_values() {
            let (path, line) = (&value.path, value.line);
            match &value.state {
                ValueState::Empty => push(path, line, Severity::Error, "is empty".to_owned()),
                ValueState::NotSealed => push(
                    path,
                    line,
                    Severity::Error,
                    "holds plaintext, not a sealed value".to_owned(),
                ),
                ValueState::Malformed(reason) => push(
                    path,
                    line,
                    Severity::Error,
                    format!("holds malformed sealed data: {reason}"),
                ),
                ValueState::Sealed(envelope) => {
                    if let Some(key) = key {
                        if let Err(Error::Malformed(reason)) = envelope.check_key_size(key.size()) {
                            push(
                                path,
                                line,
                                Severity::Error,
                                format!(
                                    "cannot be opened by the certificate's controller: {reason}"
                                ),
                            );
                        } else if let Some(p) = value
                            .provenance
                            .as_ref()
                            .filter(|p| p.fingerprint != key.fingerprint())
                        {
                            push(
                                path,
                                line,
                                Severity::Warning,
                                format!(
                                    "was sealed with another certificate ({}) than the one given ({}); \
                                     it opens only while the controller keeps that key",
                                    p.fingerprint,
                                    key.fingerprint()
                                ),
                            );
                        }
                    }
                }
            }
        }
        for block in self.blocks() {
            if let Ok(Some(tenant)) = self.doc.get(&block.tenant_id_path())
                && !tenant.value.is_empty()
                && !is_guid(&tenant.value)
            {
                push(
                    &tenant.path,
                    tenant.line,
                    Severity::Error,
                    "is not a GUID".to_owned(),
                );
            }
        }
        findings.sort_by_key(|f| f.line);
        findings
    }
}

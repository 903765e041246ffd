//! The lint behind `offseal check`: what is wrong with the sealed values, found without any
//! private key.

use offseal_yaml::{NodeKind, Path, Segment};

use super::provenance::{PROVENANCE_MARKER, Provenance};
use super::scan::Role;
use super::{Block, ValuesFile};
use crate::azure::is_guid;
use crate::cert::Certificate;
use crate::error::Error;
use crate::outcome::ValueState;
use crate::scope::Retarget;

/// How serious a [`Finding`] is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Severity {
    /// Worth knowing; not a failure.
    Warning,
    /// The value cannot work: `check` fails.
    Error,
}

/// What a [`Finding`] is about, for programs that act on findings.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Problem {
    /// Empty where a sealed value belongs.
    Empty,
    /// One credential missing beside the other, sealed.
    Missing,
    /// A plaintext where a sealed value belongs.
    Plaintext,
    /// Data that is not a well-formed sealed value.
    Malformed,
    /// Sealed data sized for another key than the certificate's.
    WrongKeySize,
    /// Sealed with another certificate than the one given (a warning).
    OtherCertificate,
    /// An alias, a mapping or a sequence where a sealed value belongs: nothing offseal can
    /// read as, or replace by, a sealed value.
    NotAValue,
    /// `azure_tenant_id` is not a GUID.
    TenantNotGuid,
    /// `azure_tenant_id` is missing or empty beside sealed credentials.
    TenantMissing,
    /// Sealed for another target than the repository policy's rule gives.
    PolicyTarget,
    /// Sealed with another certificate than the repository policy's rule pins.
    PolicyCertificate,
}

/// The command that fixes a [`Finding`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Remedy {
    /// `offseal values FILE` seals the credentials (and writes the tenant id).
    SealCredentials,
    /// `offseal set FILE PATH` seals the value at the finding's path.
    SealValue,
    /// `offseal raw` seals the value, to be written at the finding's path by hand: a path
    /// through a sequence, which no other command edits.
    SealRaw,
    /// `offseal reseal FILE` seals the file's values again, for the policy's certificate and
    /// target (it needs the private keys that open them now).
    Reseal,
}

/// What a repository policy's rule wants of a file's sealed values (see
/// [`ValuesFile::check_policy`]).
#[derive(Debug, Clone, Copy)]
pub struct PolicyRule<'a> {
    /// The target parts the rule gives.
    pub target: &'a Retarget,
    /// The certificate fingerprints it allows; empty: any.
    pub fingerprints: &'a [String],
    /// How to name the rule in messages (`rule 2 of tenants/.offseal.yaml`).
    pub name: &'a str,
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
    /// What kind of problem.
    pub problem: Problem,
    /// What fixes it, if a command does.
    pub remedy: Option<Remedy>,
    /// For [`Remedy::SealCredentials`] in a file of several `external_secrets` blocks: the
    /// block's path, which the fix must name (`offseal values FILE --at PATH`).
    pub block: Option<Path>,
    /// What (never a value).
    pub message: String,
}

impl Finding {
    /// A finding; an error unless the problem is only worth knowing.
    fn new(
        path: Path,
        line: usize,
        problem: Problem,
        remedy: Option<Remedy>,
        message: String,
    ) -> Self {
        let severity = match problem {
            Problem::OtherCertificate => Severity::Warning,
            _ => Severity::Error,
        };
        Self {
            path,
            line,
            severity,
            problem,
            remedy,
            block: None,
            message,
        }
    }
}

impl ValuesFile {
    /// Lints the sealed values without any private key: credentials (and values whose key
    /// carries a provenance comment) holding plaintext or nothing, malformed data, data sized
    /// for another key than `key`'s, values sealed with another certificate than `key` (a
    /// warning: old controller keys still open them), what check cannot read where sealed
    /// values belong (aliases, collections, merge keys), a credential missing beside a sealed
    /// other, and a tenant id that is not a GUID, or is missing beside sealed credentials. The
    /// certificate's dates do not matter here.
    #[must_use]
    pub fn check(&self, key: Option<&Certificate>) -> Vec<Finding> {
        let blocks = self.blocks();
        let mut findings = self.scanned_findings(key);
        findings.extend(self.record_findings(&blocks));
        for block in &blocks {
            findings.extend(self.block_findings(block));
        }
        // Where several blocks make `offseal values` ask for --at, the fix names the block.
        if blocks.len() > 1 {
            for finding in &mut findings {
                if finding.remedy == Some(Remedy::SealCredentials) {
                    finding.block = blocks
                        .iter()
                        .filter(|b| b.path.is_prefix_of(&finding.path))
                        .max_by_key(|b| b.path.len())
                        .map(|b| b.path.clone());
                }
            }
        }
        findings.sort_by_key(|f| f.line);
        findings
    }

    /// The findings on the values the scan sees: scalars that are, or should be, sealed.
    fn scanned_findings(&self, key: Option<&Certificate>) -> Vec<Finding> {
        let mut findings = Vec::new();
        for value in self.sealed_values() {
            let found = |problem, remedy, message| {
                Finding::new(value.path.clone(), value.line, problem, remedy, message)
            };
            let through_a_list = value
                .path
                .segments()
                .iter()
                .any(|s| matches!(s, Segment::Index(_)));
            let remedy = match value.role {
                // Neither `values --at` nor `set` takes a path through a sequence.
                _ if through_a_list => Some(Remedy::SealRaw),
                Role::ClientId | Role::ClientSecret => Some(Remedy::SealCredentials),
                Role::Recorded | Role::Other => Some(Remedy::SealValue),
            };
            let finding = match (&value.state, key) {
                (ValueState::Empty, _) => found(Problem::Empty, remedy, "is empty".to_owned()),
                (ValueState::NotSealed, _) => found(
                    Problem::Plaintext,
                    remedy,
                    "holds plaintext, not a sealed value".to_owned(),
                ),
                (ValueState::Malformed(reason), _) => found(
                    Problem::Malformed,
                    remedy,
                    format!("holds malformed sealed data: {reason}"),
                ),
                (ValueState::Sealed(_), None) => continue,
                (ValueState::Sealed(envelope), Some(key)) => {
                    if let Err(Error::Malformed(reason)) = envelope.check_key_size(key.size()) {
                        found(
                            Problem::WrongKeySize,
                            remedy,
                            format!("cannot be opened by the certificate's controller: {reason}"),
                        )
                    } else if let Some(p) = value
                        .provenance
                        .as_ref()
                        .filter(|p| p.fingerprint != key.fingerprint())
                    {
                        found(
                            Problem::OtherCertificate,
                            None,
                            format!(
                                "was sealed with another certificate ({}) than the one given \
                                 ({}); it opens only while the controller keeps that key",
                                p.fingerprint,
                                key.fingerprint()
                            ),
                        )
                    } else {
                        continue;
                    }
                }
            };
            findings.push(finding);
        }
        findings
    }

    /// The scan sees scalars only: a key that `offseal set` sealed (it carries a provenance
    /// comment) whose value became an alias, a sequence or a mapping (of plaintexts, say)
    /// would pass unseen. Only credentials take a record above a mapping: their own, or one
    /// around them where theirs is a flow mapping; their slots are the blocks' business.
    fn record_findings(&self, blocks: &[Block]) -> Vec<Finding> {
        let mut findings = Vec::new();
        for (key, comment) in self.doc.keys_with_comment(PROVENANCE_MARKER) {
            let (what, kinds) = match key.kind {
                NodeKind::Alias => ("an alias", "aliases"),
                NodeKind::Sequence => ("a sequence", "sequences"),
                NodeKind::Mapping => ("a mapping", "mappings"),
                _ => continue,
            };
            let credentials = blocks.iter().any(|b| {
                let credentials = b.credentials_path();
                credentials.is_prefix_of(&key.path) || key.path.is_prefix_of(&credentials)
            });
            if credentials || Provenance::parse(&comment).is_none() {
                continue;
            }
            findings.push(Finding::new(
                key.path,
                key.line,
                Problem::NotAValue,
                None,
                format!(
                    "is {what} where the sealed value that its provenance comment records \
                     belongs: write the value there and seal it with offseal set (which \
                     neither follows nor replaces {kinds})"
                ),
            ));
        }
        findings
    }

    /// The findings on one block that the scan cannot make: credential slots that hold no
    /// scalar, credentials it cannot see, and the tenant id.
    fn block_findings(&self, block: &Block) -> Vec<Finding> {
        let mut findings = self.slots_without_scalars(block);
        findings.extend(self.unseen_credentials(block));
        let tenant = self.doc.get(&block.tenant_id_path()).ok().flatten();
        let tenant_finding = |path, line, problem, message| {
            Finding::new(path, line, problem, Some(Remedy::SealCredentials), message)
        };
        match tenant {
            Some(tenant) if !tenant.value.is_empty() && !is_guid(&tenant.value) => {
                findings.push(tenant_finding(
                    tenant.path,
                    tenant.line,
                    Problem::TenantNotGuid,
                    "is not a GUID".to_owned(),
                ));
            }
            Some(tenant) if !tenant.value.is_empty() => {}
            missing_or_empty if self.has_sealed_credentials(block) => {
                let line = missing_or_empty
                    .as_ref()
                    .map_or(block.line.unwrap_or(1), |t| t.line);
                findings.push(tenant_finding(
                    block.tenant_id_path(),
                    line,
                    Problem::TenantMissing,
                    format!(
                        "is {} beside sealed credentials: the chart needs the tenant id",
                        if missing_or_empty.is_some() {
                            "empty"
                        } else {
                            "missing"
                        }
                    ),
                ));
            }
            _ => {}
        }
        findings
    }

    /// The scan sees scalars only: a credential slot that is an alias (to a plaintext
    /// anchored elsewhere, say), a mapping or a sequence, or a `keyvault_credentials` that is
    /// no mapping (`keyvault_credentials: hunter2`), would pass unseen.
    fn slots_without_scalars(&self, block: &Block) -> Vec<Finding> {
        let mut findings: Vec<Finding> = Vec::new();
        for slot in [block.client_id_path(), block.client_secret_path()] {
            let (path, line, what) = match self.doc.get(&slot) {
                // Wherever it is: check cannot see what an alias stands for.
                Err(offseal_yaml::Error::Alias { path, line }) => (
                    path,
                    line,
                    "an alias where sealed credentials belong: write them there \
                     (offseal values neither follows nor replaces aliases)"
                        .to_owned(),
                ),
                Err(offseal_yaml::Error::NotAScalar { path, line, kind }) => {
                    (path, line, format!("a {kind} where a sealed value belongs"))
                }
                // An `external_secrets` that is itself a list or a scalar belongs to another
                // chart: only a `keyvault_credentials` of the wrong kind counts.
                Err(
                    offseal_yaml::Error::SequenceOnPath { path, .. }
                    | offseal_yaml::Error::ScalarParent { path, .. },
                ) if path.len() <= block.path.len() => continue,
                Err(offseal_yaml::Error::SequenceOnPath { path, line }) => (
                    path,
                    line,
                    "a sequence where the mapping of sealed credentials belongs".to_owned(),
                ),
                Err(offseal_yaml::Error::ScalarParent { path, line }) => (
                    path,
                    line,
                    "a scalar where the mapping of sealed credentials belongs".to_owned(),
                ),
                _ => continue,
            };
            // Both slots under one `keyvault_credentials`: one finding.
            if findings.last().is_some_and(|f| f.path == path) {
                continue;
            }
            findings.push(Finding::new(
                path,
                line,
                Problem::NotAValue,
                None,
                format!("is {what}"),
            ));
        }
        findings
    }

    /// Credentials that the scan cannot see and whose absence the chart would find only in
    /// the cluster: a merge key (`<<: *defaults`) that may supply a missing slot or the whole
    /// credentials mapping, or one slot missing beside a sealed other. Missing credentials
    /// alone are no finding: another values file layered over this one may hold them.
    fn unseen_credentials(&self, block: &Block) -> Option<Finding> {
        let missing = |path: &Path| matches!(self.doc.get(path), Ok(None));
        let merge_in = |mapping: &Path| {
            let key = mapping.join_key("<<");
            match self.doc.get(&key) {
                Err(
                    offseal_yaml::Error::Alias { line, .. }
                    | offseal_yaml::Error::NotAScalar { line, .. },
                ) => Some((key, line)),
                _ => None,
            }
        };
        let credentials = block.credentials_path();
        let slots = [block.client_id_path(), block.client_secret_path()];
        let merged = if missing(&credentials) {
            merge_in(&block.path)
        } else if slots.iter().any(missing) {
            merge_in(&credentials)
        } else {
            None
        };
        if let Some((path, line)) = merged {
            return Some(Finding::new(
                path,
                line,
                Problem::NotAValue,
                Some(Remedy::SealCredentials),
                "is a merge key where sealed credentials belong: check cannot see what it \
                 supplies; write the credentials in the mapping itself"
                    .to_owned(),
            ));
        }
        let [id, secret] = &slots;
        let (gone, there) = match (missing(id), missing(secret)) {
            (true, false) => (id, secret),
            (false, true) => (secret, id),
            _ => return None,
        };
        if !self.holds_sealed(there) {
            return None;
        }
        let line = match self.doc.get(&credentials) {
            Err(offseal_yaml::Error::NotAScalar { line, .. }) => line,
            _ => block.line.unwrap_or(1),
        };
        Some(Finding::new(
            gone.clone(),
            line,
            Problem::Missing,
            Some(Remedy::SealCredentials),
            format!(
                "is missing beside a sealed `{}`: the chart needs both",
                there.last_key().unwrap_or_default()
            ),
        ))
    }

    /// Holds the file to its repository policy's rule, without any key: every sealed value
    /// whose provenance comment records another target or certificate than `rule` wants is an
    /// error. Values without a provenance comment record nothing to compare.
    #[must_use]
    pub fn check_policy(&self, rule: &PolicyRule<'_>) -> Vec<Finding> {
        let mut findings = Vec::new();
        for value in self.sealed_values() {
            let (ValueState::Sealed(_), Some(recorded)) = (&value.state, &value.provenance) else {
                continue;
            };
            let finding = |problem, message| {
                Finding::new(
                    value.path.clone(),
                    value.line,
                    problem,
                    Some(Remedy::Reseal),
                    message,
                )
            };
            if let Ok(wanted) = rule.target.apply(Some(&recorded.target))
                && wanted != recorded.target
            {
                findings.push(finding(
                    Problem::PolicyTarget,
                    format!(
                        "was sealed for {}, but {} wants {wanted}",
                        recorded.target, rule.name
                    ),
                ));
            }
            if !rule.fingerprints.is_empty() && !rule.fingerprints.contains(&recorded.fingerprint) {
                findings.push(finding(
                    Problem::PolicyCertificate,
                    format!(
                        "was sealed with certificate {}, but {} wants {}",
                        recorded.fingerprint,
                        rule.name,
                        rule.fingerprints.join(" or ")
                    ),
                ));
            }
        }
        findings
    }

    /// Whether the block's client id or client secret holds sealed data.
    fn has_sealed_credentials(&self, block: &Block) -> bool {
        [block.client_id_path(), block.client_secret_path()]
            .iter()
            .any(|path| self.holds_sealed(path))
    }

    /// Whether the scalar at `path` is sealed data.
    fn holds_sealed(&self, path: &Path) -> bool {
        self.doc
            .get(path)
            .ok()
            .flatten()
            .is_some_and(|s| matches!(ValueState::of(&s.value), ValueState::Sealed(_)))
    }
}

//! Helm values files: seal Azure Key Vault credentials into them in place, and lint, verify
//! and reseal the sealed values they hold.
//!
//! The OpenShift tenant chart reads, from anywhere in its values:
//!
//! ```yaml
//! external_secrets:
//!   azure_tenant_id: d93d3d23-50e3-46db-b3ad-8c6c281b431e   # plain
//!   # offseal: scope=strict namespace=tenant-a name=creds cert=SHA256:... sealed=2026-11-30
//!   keyvault_credentials:
//!     client_id: AgB4...        # sealed
//!     client_secret: AgCx...    # sealed
//! ```
//!
//! Edits go through [`offseal_yaml`], so every byte but the edited scalars (and the provenance
//! comment) stays as it was. The provenance comment records what the values were sealed for
//! and with which certificate — never anything secret — so a later run needs only the file and
//! a certificate, and `check` can tell values sealed with another certificate.

use std::fmt;

use offseal_yaml::{Document, Edit, NodeKind};
use rsa::rand_core::TryCryptoRng;
use secrecy::{ExposeSecret, SecretString};

use crate::cert::{Certificate, SealingKey};
use crate::clock::Timestamp;
use crate::error::{Error, MalformedReason, Result};
use crate::format::{self, Envelope};
use crate::keys::UnsealingKeys;
use crate::scope::{Retarget, Scope, Target};

pub use offseal_yaml::{Path, Segment};

/// The key of the credentials block.
pub const BLOCK_KEY: &str = "external_secrets";
/// The mapping under the block that holds the sealed credentials.
pub const CREDENTIALS_KEY: &str = "keyvault_credentials";
/// The sealed application (client) id.
pub const CLIENT_ID_KEY: &str = "client_id";
/// The sealed client secret.
pub const CLIENT_SECRET_KEY: &str = "client_secret";
/// The plain tenant id.
pub const TENANT_ID_KEY: &str = "azure_tenant_id";
/// How provenance comments begin.
pub const PROVENANCE_MARKER: &str = "offseal:";

/// Smallest and largest RSA block (bytes) taken as a sealed value when scanning a whole file.
const PLAUSIBLE_RSA_SIZES: std::ops::RangeInclusive<usize> = 256..=2048;

/// A values file, parsed once and queried or edited many times.
pub struct ValuesFile {
    source_name: String,
    doc: Document,
}

/// Where the `external_secrets` block is (or will be created).
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Block {
    /// The block's path, such as `external_secrets` or `tenant.external_secrets`.
    pub path: Path,
    /// Its line, when it exists.
    pub line: Option<usize>,
}

impl Block {
    fn child(&self, keys: &[&str]) -> Path {
        keys.iter().fold(self.path.clone(), |p, k| p.join_key(*k))
    }

    /// `<block>.keyvault_credentials`.
    #[must_use]
    pub fn credentials_path(&self) -> Path {
        self.child(&[CREDENTIALS_KEY])
    }

    /// `<block>.keyvault_credentials.client_id`.
    #[must_use]
    pub fn client_id_path(&self) -> Path {
        self.child(&[CREDENTIALS_KEY, CLIENT_ID_KEY])
    }

    /// `<block>.keyvault_credentials.client_secret`.
    #[must_use]
    pub fn client_secret_path(&self) -> Path {
        self.child(&[CREDENTIALS_KEY, CLIENT_SECRET_KEY])
    }

    /// `<block>.azure_tenant_id`.
    #[must_use]
    pub fn tenant_id_path(&self) -> Path {
        self.child(&[TENANT_ID_KEY])
    }
}

/// A service principal's credentials. `Debug` shows no secret.
pub struct Credentials {
    client_id: SecretString,
    client_secret: SecretString,
    tenant_id: Option<String>,
}

impl Credentials {
    /// Checks and wraps credentials: the client id and the tenant id (when given) must be GUIDs,
    /// the client secret must not be empty.
    ///
    /// # Errors
    /// [`Error::InvalidCredentials`] saying which part is wrong (never showing it).
    pub fn new(
        client_id: SecretString,
        client_secret: SecretString,
        tenant_id: Option<String>,
    ) -> Result<Credentials> {
        let invalid = |reason: &str| Err(Error::InvalidCredentials(reason.to_owned()));
        if client_id.expose_secret().is_empty() {
            return invalid("the client id is empty");
        }
        if !is_guid(client_id.expose_secret()) {
            return invalid(
                "the client id is not a GUID (application ids look like 0b7ff3c4-6f8e-4c49-9a5c-3b8e2f1d9a10); \
                 were the id and the secret swapped?",
            );
        }
        if client_secret.expose_secret().is_empty() {
            return invalid("the client secret is empty");
        }
        // Not echoed: a secret pasted into the wrong variable must not end up in a log.
        if tenant_id.as_deref().is_some_and(|t| !is_guid(t)) {
            return invalid(
                "the tenant id is not a GUID (tenant ids look like d93d3d23-50e3-46db-b3ad-8c6c281b431e)",
            );
        }
        Ok(Credentials {
            client_id,
            client_secret,
            tenant_id,
        })
    }

    /// The tenant id, if given.
    #[must_use]
    pub fn tenant_id(&self) -> Option<&str> {
        self.tenant_id.as_deref()
    }
}

impl fmt::Debug for Credentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Credentials")
            .field("client_id", &"[REDACTED]")
            .field("client_secret", &"[REDACTED]")
            .field("tenant_id", &self.tenant_id)
            .finish()
    }
}

/// What `az ad sp create-for-rbac` and `az ad sp credential reset` print: each part optional.
#[derive(Debug, Default)]
#[non_exhaustive]
pub struct AzCredentials {
    /// `appId`.
    pub app_id: Option<SecretString>,
    /// `password`.
    pub password: Option<SecretString>,
    /// `tenant`.
    pub tenant: Option<String>,
}

impl AzCredentials {
    /// Reads the JSON object `az` prints (other fields ignored).
    ///
    /// # Errors
    /// [`Error::InvalidCredentials`] when it is not a JSON object or a field is not a string
    /// (the message never shows a value).
    pub fn from_json(bytes: &[u8]) -> Result<AzCredentials> {
        /// The fields offseal reads; secrets go straight into wiped boxes.
        #[derive(serde::Deserialize)]
        struct AzJson {
            #[serde(rename = "appId")]
            app_id: Option<SecretString>,
            password: Option<SecretString>,
            tenant: Option<String>,
        }
        let mut deserializer = serde_json::Deserializer::from_slice(bytes);
        // Only the field's name and the position are reported: serde's own messages quote
        // the offending value.
        let json: AzJson = serde_path_to_error::deserialize(&mut deserializer).map_err(|e| {
            let (line, column) = (e.inner().line(), e.inner().column());
            let path = e.path().to_string();
            Error::InvalidCredentials(if path == "." || path.is_empty() {
                format!(
                    "not the JSON object `az ad sp create-for-rbac` prints (line {line}, column {column})"
                )
            } else {
                format!("`{path}` must be a string (line {line}, column {column})")
            })
        })?;
        Ok(AzCredentials {
            app_id: json.app_id,
            password: json.password,
            tenant: json.tenant,
        })
    }
}

/// What a sealed value was sealed for and with, as recorded in its provenance comment.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Provenance {
    /// The target.
    pub target: Target,
    /// The certificate's fingerprint (`SHA256:...`).
    pub fingerprint: String,
    /// The date of sealing (`2026-11-30`).
    pub date: String,
}

impl Provenance {
    /// `offseal: scope=strict namespace=ns name=app cert=SHA256:... sealed=2026-11-30`.
    #[must_use]
    pub fn to_comment(&self) -> String {
        // Only what the scope binds: a name means nothing to a namespace-wide value.
        let scope = self.target.scope();
        let mut text = format!("{PROVENANCE_MARKER} scope={scope}");
        if let Some(ns) = self
            .target
            .namespace()
            .filter(|_| scope != Scope::ClusterWide)
        {
            text += &format!(" namespace={ns}");
        }
        if let Some(name) = self.target.name().filter(|_| scope == Scope::Strict) {
            text += &format!(" name={name}");
        }
        text += &format!(" cert={} sealed={}", self.fingerprint, self.date);
        text
    }

    /// Reads a comment written by [`Provenance::to_comment`]; `None` if it is not one.
    #[must_use]
    pub fn parse(comment: &str) -> Option<Provenance> {
        let rest = comment.trim().strip_prefix(PROVENANCE_MARKER)?;
        let (mut scope, mut namespace, mut name, mut cert, mut date) =
            (None, None, None, None, None);
        for part in rest.split_whitespace() {
            let (key, value) = part.split_once('=')?;
            match key {
                "scope" => scope = Some(value.parse::<Scope>().ok()?),
                "namespace" => namespace = Some(value),
                "name" => name = Some(value),
                "cert" => cert = Some(value),
                "sealed" => date = Some(value),
                _ => {}
            }
        }
        Some(Provenance {
            target: Target::new(scope?, namespace, name).ok()?,
            fingerprint: cert?.to_owned(),
            date: date.unwrap_or_default().to_owned(),
        })
    }
}

/// How to seal: the key, the target, and whether (and when) to write provenance.
#[derive(Debug, Clone)]
pub struct Sealing<'a> {
    /// The controller's key.
    pub key: &'a SealingKey,
    /// What the values are for.
    pub target: &'a Target,
    /// When set, a provenance comment dated this day is written; when `None`, any old one is
    /// removed (it would describe a previous sealing).
    pub provenance: Option<Timestamp>,
}

impl Sealing<'_> {
    fn provenance_edit(&self, path: Path) -> Edit {
        match self.provenance {
            Some(now) => Edit::comment(
                path,
                PROVENANCE_MARKER,
                Provenance {
                    target: self.target.clone(),
                    fingerprint: self.key.fingerprint().to_owned(),
                    date: now.date(),
                }
                .to_comment(),
            ),
            None => Edit::remove_comment(path, PROVENANCE_MARKER),
        }
    }
}

/// Which credential a value is, if any.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Role {
    /// `keyvault_credentials.client_id`.
    ClientId,
    /// `keyvault_credentials.client_secret`.
    ClientSecret,
    /// Any other sealed value in the file.
    Other,
}

/// What a value that should be sealed holds.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum ValueState {
    /// A well-formed sealed value.
    Sealed(Envelope),
    /// Nothing.
    Empty,
    /// Text that is not sealed data (plaintext, most likely).
    NotSealed,
    /// Base64 of something shaped almost, but not quite, like a sealed value.
    Malformed(MalformedReason),
}

impl ValueState {
    /// Classifies a scalar's text.
    #[must_use]
    pub fn of(text: &str) -> ValueState {
        if text.trim().is_empty() {
            return ValueState::Empty;
        }
        match Envelope::from_base64(text) {
            Ok(envelope) => ValueState::Sealed(envelope),
            Err(Error::Malformed(reason)) if text.trim().len() >= 300 => {
                ValueState::Malformed(reason)
            }
            Err(_) => ValueState::NotSealed,
        }
    }
}

/// A value in the file that is, or should be, sealed.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct SealedValue {
    /// Where it is.
    pub path: Path,
    /// Its line.
    pub line: usize,
    /// Which credential it is.
    pub role: Role,
    /// What it holds.
    pub state: ValueState,
    /// The nearest provenance comment (on its key or an ancestor's).
    pub provenance: Option<Provenance>,
}

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

/// The result of opening one sealed value.
#[derive(Debug)]
#[non_exhaustive]
pub struct Verification {
    /// Where.
    pub path: Path,
    /// Its line.
    pub line: usize,
    /// Which credential.
    pub role: Role,
    /// The target tried, if one was known.
    pub target: Option<Target>,
    /// What happened.
    pub outcome: Outcome,
}

/// What opening a value gave. Never the plaintext.
#[derive(Debug)]
#[non_exhaustive]
pub enum Outcome {
    /// It opens; `notes` are suspicions about the plaintext (such as a trailing newline).
    Opened {
        /// Plaintext length in bytes.
        len: usize,
        /// Things worth a look, such as "ends with a newline".
        notes: Vec<&'static str>,
    },
    /// The value is not sealed data.
    NotSealed(ValueState),
    /// No target known: no flags and no provenance comment.
    NoTarget,
    /// No key opens it for its target.
    Failed(Error),
}

impl Outcome {
    /// Whether the value opened.
    #[must_use]
    pub fn is_ok(&self) -> bool {
        matches!(self, Outcome::Opened { .. })
    }
}

/// The outcome of [`ValuesFile::reseal`].
#[derive(Debug)]
#[non_exhaustive]
pub struct Resealed {
    /// The new file bytes.
    pub bytes: Vec<u8>,
    /// How many values were resealed.
    pub count: usize,
}

impl ValuesFile {
    /// Parses a values file. `source_name` is used in messages.
    ///
    /// # Errors
    /// [`Error::Values`]: not UTF-8, invalid YAML (line and column), several documents.
    pub fn parse(bytes: &[u8], source_name: &str) -> Result<ValuesFile> {
        let doc = Document::parse(bytes).map_err(|error| Error::Values {
            source_name: source_name.to_owned(),
            error,
        })?;
        Ok(ValuesFile {
            source_name: source_name.to_owned(),
            doc,
        })
    }

    /// The file name given to [`ValuesFile::parse`].
    #[must_use]
    pub fn source_name(&self) -> &str {
        &self.source_name
    }

    /// The file's bytes.
    #[must_use]
    pub fn as_bytes(&self) -> &[u8] {
        self.doc.source().as_bytes()
    }

    fn yaml_error(&self, error: offseal_yaml::Error) -> Error {
        Error::Values {
            source_name: self.source_name.clone(),
            error,
        }
    }

    fn content_error(&self, reason: String) -> Error {
        Error::ValuesContent {
            source_name: self.source_name.clone(),
            reason,
        }
    }

    /// Every `external_secrets` key in the file, with where it is.
    #[must_use]
    pub fn blocks(&self) -> Vec<Block> {
        self.doc
            .find_keys(BLOCK_KEY)
            .into_iter()
            .map(|found| Block {
                path: found.path,
                line: Some(found.line),
            })
            .collect()
    }

    /// The credentials block: at `at` when given; else the one `external_secrets` key in the
    /// file, wherever it is; else a new one at the top level.
    ///
    /// # Errors
    /// [`Error::ValuesContent`] when there are several (naming their paths and lines) or `at`
    /// is a scalar or a list.
    pub fn block(&self, at: Option<&Path>) -> Result<Block> {
        if let Some(path) = at {
            return match self.doc.get(path) {
                Ok(_) => Ok(Block {
                    path: path.clone(),
                    line: None,
                }),
                // A mapping (or a missing key) is what we want; the editor names anything else.
                Err(offseal_yaml::Error::NotAScalar {
                    kind: NodeKind::Mapping,
                    line,
                    ..
                }) => Ok(Block {
                    path: path.clone(),
                    line: Some(line),
                }),
                Err(error) => Err(self.yaml_error(error)),
            };
        }
        let found = self.blocks();
        // The same path twice is a duplicate key, which no --at can choose between.
        if let Some(dup) = found
            .iter()
            .enumerate()
            .find_map(|(i, b)| found[..i].iter().any(|a| a.path == b.path).then_some(b))
        {
            return Err(match self.doc.get(&dup.path) {
                Err(error) => self.yaml_error(error),
                Ok(_) => self.content_error(format!("key `{}` appears more than once", dup.path)),
            });
        }
        match found.as_slice() {
            [] => Ok(Block {
                path: Path::from_keys([BLOCK_KEY]),
                line: None,
            }),
            [one] => Ok(one.clone()),
            several => {
                let list: Vec<String> = several
                    .iter()
                    .map(|b| format!("`{}` (line {})", b.path, b.line.unwrap_or_default()))
                    .collect();
                Err(self.content_error(format!(
                    "{} `{BLOCK_KEY}` keys: {}; choose one with --at PATH",
                    several.len(),
                    list.join(", ")
                )))
            }
        }
    }

    /// The provenance recorded for `path`: the nearest comment on its key or an ancestor's.
    #[must_use]
    pub fn provenance(&self, path: &Path) -> Option<Provenance> {
        let mut at = Some(path.clone());
        while let Some(path) = at {
            if path.is_empty() {
                break;
            }
            if let Some(p) = self
                .doc
                .leading_comment(&path, PROVENANCE_MARKER)
                .as_deref()
                .and_then(Provenance::parse)
            {
                return Some(p);
            }
            at = path.parent();
        }
        None
    }

    /// Every value that is or should be sealed: the credentials of every block (whatever they
    /// hold) and any other scalar that is well-formed sealed data, in file order.
    #[must_use]
    pub fn sealed_values(&self) -> Vec<SealedValue> {
        let blocks = self.blocks();
        let role_of = |path: &Path| {
            blocks.iter().find_map(|b| {
                if *path == b.client_id_path() {
                    Some(Role::ClientId)
                } else if *path == b.client_secret_path() {
                    Some(Role::ClientSecret)
                } else {
                    None
                }
            })
        };
        let mut values: Vec<SealedValue> = self
            .doc
            .scalars()
            .into_iter()
            .filter_map(|scalar| {
                let state = ValueState::of(&scalar.value);
                let role = match role_of(&scalar.path) {
                    Some(role) => role,
                    None => match &state {
                        ValueState::Sealed(e) if PLAUSIBLE_RSA_SIZES.contains(&e.rsa_size()) => {
                            Role::Other
                        }
                        _ => return None,
                    },
                };
                Some(SealedValue {
                    provenance: self.provenance(&scalar.path),
                    path: scalar.path,
                    line: scalar.line,
                    role,
                    state,
                })
            })
            .collect();
        values.sort_by_key(|v| v.line);
        values
    }

    /// Seals the credentials into the block (see [`ValuesFile::block`]) and writes the tenant
    /// id plain; returns the new file bytes. Uses the system's random number generator.
    ///
    /// # Errors
    /// As [`ValuesFile::block`], and [`Error::Values`] when the editor refuses (a list or alias
    /// on the path, a target that is a mapping, duplicate keys, ...).
    pub fn seal_credentials(
        &self,
        credentials: &Credentials,
        at: Option<&Path>,
        sealing: &Sealing<'_>,
    ) -> Result<Vec<u8>> {
        self.seal_credentials_with_rng(&mut rand::rngs::SysRng, credentials, at, sealing)
    }

    /// [`ValuesFile::seal_credentials`] drawing randomness from `rng`.
    ///
    /// # Errors
    /// As [`ValuesFile::seal_credentials`].
    pub fn seal_credentials_with_rng<R: TryCryptoRng + ?Sized>(
        &self,
        rng: &mut R,
        credentials: &Credentials,
        at: Option<&Path>,
        sealing: &Sealing<'_>,
    ) -> Result<Vec<u8>> {
        let block = self.block(at)?;
        let label = sealing.target.label();
        let seal = |rng: &mut R, secret: &SecretString| {
            format::seal_with_rng(rng, sealing.key, &label, secret.expose_secret().as_bytes())
                .map(|e| e.to_base64())
        };
        let mut edits = vec![
            Edit::set(block.client_id_path(), seal(rng, &credentials.client_id)?),
            Edit::set(
                block.client_secret_path(),
                seal(rng, &credentials.client_secret)?,
            ),
        ];
        if let Some(tenant) = &credentials.tenant_id {
            edits.push(Edit::set(block.tenant_id_path(), tenant.clone()));
        }
        // Provenance stays where a comment already is (on the credentials or above them).
        let comment_at = self
            .comment_owner(&block.credentials_path())
            .unwrap_or_else(|| block.credentials_path());
        edits.push(sealing.provenance_edit(comment_at));
        self.doc.edit(&edits).map_err(|e| self.yaml_error(e))
    }

    /// Seals `plaintext` at `path` (inserting missing keys) with a provenance comment on that
    /// key; returns the new file bytes.
    ///
    /// # Errors
    /// [`Error::Values`] when the editor refuses.
    pub fn set_sealed<R: TryCryptoRng + ?Sized>(
        &self,
        rng: &mut R,
        path: &Path,
        plaintext: &[u8],
        sealing: &Sealing<'_>,
    ) -> Result<Vec<u8>> {
        let sealed = format::seal_with_rng(rng, sealing.key, &sealing.target.label(), plaintext)?;
        let edits = [
            Edit::set(path.clone(), sealed.to_base64()),
            sealing.provenance_edit(path.clone()),
        ];
        self.doc.edit(&edits).map_err(|e| self.yaml_error(e))
    }

    /// Writes `text` as is at `path` (quoted where YAML readers would otherwise change it).
    ///
    /// # Errors
    /// [`Error::Values`] when the editor refuses.
    pub fn set_plain(&self, path: &Path, text: &str) -> Result<Vec<u8>> {
        self.doc
            .edit(&[Edit::set(path.clone(), text)])
            .map_err(|e| self.yaml_error(e))
    }

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

    /// Opens every sealed value (see [`ValuesFile::sealed_values`]) for `target`, or for the
    /// target its provenance comment records. Reports per value; never returns a plaintext.
    #[must_use]
    pub fn verify(&self, keys: &UnsealingKeys, target: Option<&Target>) -> Vec<Verification> {
        self.sealed_values()
            .into_iter()
            .map(|value| {
                let target = target
                    .cloned()
                    .or_else(|| value.provenance.as_ref().map(|p| p.target.clone()));
                let outcome = match (&value.state, &target) {
                    (ValueState::Sealed(envelope), Some(target)) => {
                        match envelope.open(keys, &target.label()) {
                            Ok(plaintext) => Outcome::Opened {
                                len: plaintext.expose_secret().len(),
                                notes: notes(value.role, plaintext.expose_secret()),
                            },
                            Err(error) => Outcome::Failed(error),
                        }
                    }
                    (ValueState::Sealed(_), None) => Outcome::NoTarget,
                    (state, _) => Outcome::NotSealed(state.clone()),
                };
                Verification {
                    path: value.path,
                    line: value.line,
                    role: value.role,
                    target,
                    outcome,
                }
            })
            .collect()
    }

    /// Opens every sealed value with `keys` — for the target its provenance records, or `from`
    /// when it has none — and seals it again with `key` for the target `retarget` makes of the old one: offline
    /// rotation to a new certificate, a new target, or both. Provenance comments follow the
    /// new sealing (`provenance` set) or are removed (`None`).
    ///
    /// # Errors
    /// [`Error::Item`] naming the first value that cannot be opened or retargeted (nothing is
    /// changed), or [`Error::Values`] if the editor refuses.
    pub fn reseal<R: TryCryptoRng + ?Sized>(
        &self,
        rng: &mut R,
        keys: &UnsealingKeys,
        from: Option<&Target>,
        retarget: &Retarget,
        key: &SealingKey,
        provenance: Option<Timestamp>,
    ) -> Result<Resealed> {
        let mut edits = Vec::new();
        let mut commented: Vec<Path> = Vec::new();
        let mut count = 0;
        for value in self.sealed_values() {
            let where_ = format!(
                "{}: `{}` (line {})",
                self.source_name, value.path, value.line
            );
            let envelope = match value.state {
                ValueState::Sealed(envelope) => envelope,
                ValueState::Empty | ValueState::NotSealed => continue,
                ValueState::Malformed(reason) => return Err(Error::Malformed(reason).at(where_)),
            };
            let old_target = value
                .provenance
                .as_ref()
                .map(|p| p.target.clone())
                .or_else(|| from.cloned());
            let Some(old_target) = old_target else {
                return Err(self.content_error(format!(
                    "`{}` (line {}): no target known to open it (no provenance comment); give --namespace, --name and --scope",
                    value.path, value.line
                )));
            };
            let new_target = retarget
                .apply(Some(&old_target))
                .map_err(|e| e.at(where_.clone()))?;
            let plaintext = envelope
                .open(keys, &old_target.label())
                .map_err(|e| e.at(format!("{where_}, sealed for {old_target}")))?;
            let sealed =
                format::seal_with_rng(rng, key, &new_target.label(), plaintext.expose_secret())?;
            edits.push(Edit::set(value.path.clone(), sealed.to_base64()));
            count += 1;
            // Provenance goes where it was, else on the credentials mapping or the key itself.
            let comment_at = self
                .comment_owner(&value.path)
                .unwrap_or_else(|| match value.role {
                    Role::ClientId | Role::ClientSecret => value.path.parent().unwrap_or_default(),
                    Role::Other => value.path.clone(),
                });
            if !commented.contains(&comment_at) {
                let sealing = Sealing {
                    key,
                    target: &new_target,
                    provenance,
                };
                edits.push(sealing.provenance_edit(comment_at.clone()));
                commented.push(comment_at);
            }
        }
        if count == 0 {
            return Ok(Resealed {
                bytes: self.as_bytes().to_vec(),
                count,
            });
        }
        let bytes = self.doc.edit(&edits).map_err(|e| self.yaml_error(e))?;
        Ok(Resealed { bytes, count })
    }

    /// The key (the value's or an ancestor's) that carries the provenance comment for `path`.
    fn comment_owner(&self, path: &Path) -> Option<Path> {
        let mut at = Some(path.clone());
        while let Some(path) = at {
            if path.is_empty() {
                return None;
            }
            if self.doc.leading_comment(&path, PROVENANCE_MARKER).is_some() {
                return Some(path);
            }
            at = path.parent();
        }
        None
    }
}

impl fmt::Debug for ValuesFile {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ValuesFile")
            .field("source_name", &self.source_name)
            .finish_non_exhaustive()
    }
}

/// Suspicions about an opened plaintext, for `verify` to report without showing it.
pub(crate) fn notes(role: Role, plaintext: &[u8]) -> Vec<&'static str> {
    let mut notes = Vec::new();
    if plaintext.is_empty() {
        notes.push("the plaintext is empty");
    }
    if plaintext.ends_with(b"\n") {
        notes.push("the plaintext ends with a newline");
    } else if plaintext.first().is_some_and(u8::is_ascii_whitespace)
        || plaintext.last().is_some_and(u8::is_ascii_whitespace)
    {
        notes.push("the plaintext starts or ends with whitespace");
    }
    if role == Role::ClientId && !std::str::from_utf8(plaintext).is_ok_and(is_guid) {
        notes.push("the client id is not a GUID");
    }
    notes
}

/// `8-4-4-4-12` hexadecimal digits.
#[must_use]
pub fn is_guid(text: &str) -> bool {
    let groups: Vec<&str> = text.split('-').collect();
    groups.len() == 5
        && groups
            .iter()
            .zip([8, 4, 4, 4, 12])
            .all(|(g, len)| g.len() == len && g.bytes().all(|b| b.is_ascii_hexdigit()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn guids() {
        assert!(is_guid("d93d3d23-50e3-46db-b3ad-8c6c281b431e"));
        assert!(is_guid("D93D3D23-50E3-46DB-B3AD-8C6C281B431E"));
        assert!(!is_guid("d93d3d2350e346dbb3ad8c6c281b431e"));
        assert!(!is_guid("d93d3d23-50e3-46db-b3ad-8c6c281b431"));
        assert!(!is_guid("g93d3d23-50e3-46db-b3ad-8c6c281b431e"));
        assert!(!is_guid(""));
    }

    #[test]
    fn provenance_round_trips_for_every_scope() {
        for target in [
            Target::strict("tenant-a", "creds").unwrap(),
            Target::namespace_wide("tenant-a").unwrap(),
            Target::cluster_wide(),
        ] {
            let p = Provenance {
                target,
                fingerprint: "SHA256:NfQ6GANZ5ZSZ45GsFMFEsYJbj4rlqJiSarri7KWL6ns".to_owned(),
                date: "2026-11-30".to_owned(),
            };
            assert_eq!(Provenance::parse(&p.to_comment()), Some(p));
        }
        assert_eq!(
            Provenance {
                target: Target::strict("a", "b").unwrap(),
                fingerprint: "SHA256:x".into(),
                date: "2026-11-30".into()
            }
            .to_comment(),
            "offseal: scope=strict namespace=a name=b cert=SHA256:x sealed=2026-11-30"
        );
        assert_eq!(
            Provenance::parse("offseal: scope=strict cert=x"),
            None,
            "strict needs names"
        );
        assert_eq!(Provenance::parse("offseal: hello"), None);
        assert_eq!(Provenance::parse("something else"), None);
    }

    #[test]
    fn value_states() {
        assert_eq!(ValueState::of(""), ValueState::Empty);
        assert_eq!(
            ValueState::of("0b7ff3c4-6f8e-4c49-9a5c-3b8e2f1d9a10"),
            ValueState::NotSealed
        );
        assert_eq!(ValueState::of("aGVsbG8="), ValueState::NotSealed);
        let long_garbage =
            base64::Engine::encode(&base64::engine::general_purpose::STANDARD, [0xFFu8; 400]);
        assert!(matches!(
            ValueState::of(&long_garbage),
            ValueState::Malformed(_)
        ));
    }

    #[test]
    fn credentials_are_checked_without_echoing_them() {
        let s = |t: &str| SecretString::from(t);
        let id = "0b7ff3c4-6f8e-4c49-9a5c-3b8e2f1d9a10";
        assert!(Credentials::new(s(id), s("pw"), None).is_ok());
        let err = Credentials::new(s("hunter2-secret"), s(id), None)
            .unwrap_err()
            .to_string();
        assert!(err.contains("swapped") && !err.contains("hunter2"), "{err}");
        let err = Credentials::new(s(id), s(""), None)
            .unwrap_err()
            .to_string();
        assert_eq!(err, "invalid credentials: the client secret is empty");
        let err = Credentials::new(s(id), s("x"), Some("nope".into()))
            .unwrap_err()
            .to_string();
        assert!(
            err.starts_with("invalid credentials: the tenant id is not a GUID")
                && !err.contains("nope"),
            "{err}"
        );
        let debug = format!("{:?}", Credentials::new(s(id), s("hunter2"), None).unwrap());
        assert!(!debug.contains("hunter2") && !debug.contains(id), "{debug}");
    }

    #[test]
    fn az_json_is_read_and_bad_json_is_not_echoed() {
        let az = AzCredentials::from_json(
            br#"{"appId": "0b7ff3c4-6f8e-4c49-9a5c-3b8e2f1d9a10", "displayName": "x", "password": "pw", "tenant": "d93d3d23-50e3-46db-b3ad-8c6c281b431e"}"#,
        )
        .unwrap();
        assert_eq!(az.password.unwrap().expose_secret(), "pw");
        assert_eq!(
            az.tenant.as_deref(),
            Some("d93d3d23-50e3-46db-b3ad-8c6c281b431e")
        );
        let err = AzCredentials::from_json(b"{\"password\": \"hunter2\" oops}")
            .unwrap_err()
            .to_string();
        assert!(!err.contains("hunter2"), "{err}");
        let err = AzCredentials::from_json(b"{\"password\": 1234567}")
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("`password` must be a string") && !err.contains("1234567"),
            "{err}"
        );
    }
}

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
//!
//! One file per idea: where the block is ([`Block`]), the provenance comment
//! ([`Provenance`]), the scan of sealed values ([`SealedValue`]), the lint ([`Finding`]),
//! verification ([`Verification`]) and the edits ([`SealingParams`]).

use std::fmt;

use offseal_yaml::Document;

use crate::error::{Error, Result};

mod block;
mod edit;
mod lint;
mod provenance;
mod scan;
mod verify;

pub use block::{
    BLOCK_KEY, Block, CLIENT_ID_KEY, CLIENT_SECRET_KEY, CREDENTIALS_KEY, TENANT_ID_KEY,
};
pub use edit::{Resealed, Sealed, SealingParams};
pub use lint::{Finding, PolicyRule, Problem, Remedy, Severity};
pub use offseal_yaml::{Error as YamlError, NodeKind, Path, Segment};
pub use provenance::{PROVENANCE_MARKER, Provenance};
pub use scan::{Role, SealedValue};
pub use verify::Verification;

/// A values file, parsed once and queried or edited many times.
///
/// ```
/// use offseal_core::values::{Problem, ValuesFile};
///
/// let text = b"external_secrets:\n  keyvault_credentials:\n    client_id: plain-text\n    client_secret: \"\"\n";
/// let values = ValuesFile::parse(text, "values.yaml")?;
/// // `offseal check`: no key needed; findings name the line and path, never the value.
/// let findings = values.check(None);
/// assert!(findings.iter().any(|f| f.problem == Problem::Plaintext && f.line == 3));
/// assert!(findings.iter().all(|f| !f.message.contains("plain-text")));
///
/// assert!(ValuesFile::parse(b"a: [unclosed", "bad.yaml").is_err());
/// # Ok::<(), offseal_core::Error>(())
/// ```
pub struct ValuesFile {
    source_name: String,
    doc: Document,
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
}

impl fmt::Debug for ValuesFile {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ValuesFile")
            .field("source_name", &self.source_name)
            .finish_non_exhaustive()
    }
}

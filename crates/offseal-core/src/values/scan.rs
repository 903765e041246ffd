//! The scan: every value in a file that is, or should be, sealed — the credentials of every
//! block and every value whose key carries a provenance comment, whatever they hold, and any
//! other scalar that is well-formed sealed data.

use offseal_yaml::Path;

use super::ValuesFile;
use super::provenance::{PROVENANCE_MARKER, Provenance};
use crate::outcome::ValueState;

/// Smallest and largest RSA block (bytes) taken as a sealed value when scanning a whole file.
const PLAUSIBLE_RSA_SIZES: std::ops::RangeInclusive<usize> = 256..=2048;

/// Which credential a value is, if any.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Role {
    /// `keyvault_credentials.client_id`.
    ClientId,
    /// `keyvault_credentials.client_secret`.
    ClientSecret,
    /// A value whose key carries a provenance comment: `offseal set` sealed it there.
    Recorded,
    /// Any other sealed value in the file.
    Other,
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

impl ValuesFile {
    /// Every value that is or should be sealed, in file order: the credentials of every block
    /// and every value whose own key carries a provenance comment (whatever they hold), and
    /// any other scalar that is well-formed sealed data.
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
        // Most files have no provenance comment: skip the per-value lookup then.
        let has_records = self.doc.source().contains(PROVENANCE_MARKER);
        let recorded = |path: &Path| {
            has_records
                && self
                    .doc
                    .leading_comment(path, PROVENANCE_MARKER)
                    .as_deref()
                    .and_then(Provenance::parse)
                    .is_some()
        };
        let mut values: Vec<SealedValue> = self
            .doc
            .scalars()
            .into_iter()
            .filter_map(|scalar| {
                let state = ValueState::of(&scalar.value);
                let role = match role_of(&scalar.path) {
                    Some(role) => role,
                    None if recorded(&scalar.path) => Role::Recorded,
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

    /// Where the values that a diff must not show begin (line and column, from 1): every
    /// value the scan finds that is not sealed data (a plaintext where a sealed value
    /// belongs), and the value at `also` (a path about to be sealed), whatever it holds.
    #[must_use]
    pub fn positions_to_hide(&self, also: Option<&Path>) -> Vec<(usize, usize)> {
        let plaintext: Vec<Path> = self
            .sealed_values()
            .into_iter()
            .filter(|v| !matches!(v.state, ValueState::Sealed(_)))
            .map(|v| v.path)
            .collect();
        let mut positions: Vec<(usize, usize)> = self
            .doc
            .scalars()
            .into_iter()
            .filter(|s| also == Some(&s.path) || plaintext.contains(&s.path))
            .map(|s| (s.line, s.column))
            .collect();
        positions.sort_unstable();
        positions
    }
}

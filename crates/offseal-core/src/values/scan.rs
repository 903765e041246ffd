//! The scan: every value in a file that is, or should be, sealed — the credentials of every
//! block and every value whose key carries a provenance comment, whatever they hold, and any
//! other scalar that is well-formed sealed data.

use std::collections::HashSet;

use offseal_yaml::{Path, Style};

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
        let credentials: Vec<(Path, Role)> = self
            .blocks()
            .iter()
            .flat_map(|b| {
                [
                    (b.client_id_path(), Role::ClientId),
                    (b.client_secret_path(), Role::ClientSecret),
                ]
            })
            .collect();
        // A record above these is the credentials' own, not that of one value.
        let mappings: Vec<Path> = self
            .blocks()
            .iter()
            .flat_map(|b| [b.path.clone(), b.credentials_path()])
            .collect();
        let role_of = |path: &Path| {
            credentials
                .iter()
                .find_map(|(p, role)| (p == path).then_some(*role))
        };
        // Most files have no provenance comment: skip the lookups then.
        let has_records = self.doc.source().contains(PROVENANCE_MARKER);
        let mut values = Vec::new();
        self.doc.visit_scalars(|scalar| {
            let path = scalar.path();
            let recorded_at = |depth: usize| {
                scalar
                    .leading_comment(depth, PROVENANCE_MARKER)
                    .as_deref()
                    .and_then(Provenance::parse)
            };
            let state = ValueState::of(scalar.value());
            let role = match role_of(path) {
                Some(role) => role,
                // Under a sequence too: `set` writes no record there, but a record moved
                // there still says the value must be sealed.
                None if has_records
                    && !mappings.contains(path)
                    && scalar
                        .own_comment(PROVENANCE_MARKER)
                        .and_then(Provenance::parse)
                        .is_some() =>
                {
                    Role::Recorded
                }
                None => match &state {
                    ValueState::Sealed(e) if PLAUSIBLE_RSA_SIZES.contains(&e.rsa_size()) => {
                        Role::Other
                    }
                    _ => return,
                },
            };
            // The nearest record: on the key, else on the nearest ancestor that has one.
            let provenance = if has_records {
                (1..=path.len()).rev().find_map(recorded_at)
            } else {
                None
            };
            values.push(SealedValue {
                provenance,
                path: path.clone(),
                line: scalar.line(),
                role,
                state,
            });
        });
        values.sort_by_key(|v| v.line);
        values
    }

    /// Where the values that a diff must not show begin (line and column, from 1): every
    /// value the scan finds that is not sealed data (a plaintext where a sealed value
    /// belongs), and the value at `also` (a path about to be sealed), whatever it holds.
    #[must_use]
    pub fn positions_to_hide(&self, also: Option<&Path>) -> Vec<(usize, usize)> {
        let plaintext: HashSet<Path> = self
            .sealed_values()
            .into_iter()
            .filter(|v| !matches!(v.state, ValueState::Sealed(_)))
            .map(|v| v.path)
            .collect();
        let mut positions = Vec::new();
        self.doc.visit_scalars(|s| {
            // A null value shows nothing; its position is its key's end, whose `:` must show.
            if s.style() != Style::Null && (also == Some(s.path()) || plaintext.contains(s.path()))
            {
                positions.push((s.line(), s.column()));
            }
        });
        positions.sort_unstable();
        positions
    }
}

//! Verification behind `offseal verify`: open every sealed value with the private keys and
//! report, per value, whether it opens for its target. Never a plaintext.

use offseal_yaml::Path;

use super::ValuesFile;
use super::scan::Role;
use crate::azure::is_guid;
use crate::keys::UnsealingKeys;
use crate::outcome::{Outcome, ValueState};
use crate::scope::{Retarget, Target};

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

impl ValuesFile {
    /// Opens every sealed value (see [`ValuesFile::sealed_values`]) for the target its
    /// provenance comment records, changed by `retarget` (the parts it gives win). A value
    /// with no complete target has [`Outcome::NoTarget`]. Reports per value; never returns a
    /// plaintext.
    #[must_use]
    pub fn verify(&self, keys: &UnsealingKeys, retarget: &Retarget) -> Vec<Verification> {
        self.sealed_values()
            .into_iter()
            .map(|value| {
                let recorded = value.provenance.as_ref().map(|p| &p.target);
                let target: Option<Target> = if retarget.is_empty() {
                    recorded.cloned()
                } else {
                    retarget.apply(recorded).ok()
                };
                let outcome = match (&value.state, &target) {
                    (ValueState::Sealed(envelope), Some(target)) => {
                        let role = value.role;
                        Outcome::of_opening(keys, envelope, &target.label(), |plaintext| {
                            (role == Role::ClientId
                                && !std::str::from_utf8(plaintext).is_ok_and(is_guid))
                            .then_some("the client id is not a GUID")
                        })
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
}

//! What checking a sealed value found: the vocabulary that values files and SealedSecrets
//! share, so that `verify` reports both the same way.

use secrecy::ExposeSecret as _;

use crate::envelope::Envelope;
use crate::error::{Error, MalformedReason};
use crate::keys::UnsealingKeys;

/// The least base64 text that counts as damaged sealed data rather than plaintext: the
/// smallest sealed value (2048-bit key, empty plaintext) is 366 characters.
const MALFORMED_FROM: usize = 300;

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
    /// Classifies a value's text.
    #[must_use]
    pub fn of(text: &str) -> ValueState {
        if text.trim().is_empty() {
            return ValueState::Empty;
        }
        match Envelope::from_base64(text) {
            Ok(envelope) => ValueState::Sealed(envelope),
            Err(Error::Malformed(reason)) if text.trim().len() >= MALFORMED_FROM => {
                ValueState::Malformed(reason)
            }
            Err(_) => ValueState::NotSealed,
        }
    }
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

    /// Opens `envelope` for `label` and says how it went; `extra_notes` adds suspicions that
    /// depend on what the value is for (such as "not a GUID").
    pub(crate) fn of_opening(
        keys: &UnsealingKeys,
        envelope: &Envelope,
        label: &[u8],
        extra_notes: impl FnOnce(&[u8]) -> Option<&'static str>,
    ) -> Outcome {
        match keys.open_label(envelope, label) {
            Ok(plaintext) => {
                let plaintext = plaintext.expose_secret();
                let mut notes = notes(plaintext);
                notes.extend(extra_notes(plaintext));
                Outcome::Opened {
                    len: plaintext.len(),
                    notes,
                }
            }
            Err(error) => Outcome::Failed(error),
        }
    }
}

/// Suspicions about an opened plaintext, reported without showing it.
fn notes(plaintext: &[u8]) -> Vec<&'static str> {
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
    notes
}

#[cfg(test)]
mod tests {
    use super::*;

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
    fn notes_name_suspicious_plaintexts() {
        assert_eq!(notes(b"ok"), Vec::<&str>::new());
        assert_eq!(notes(b""), ["the plaintext is empty"]);
        assert_eq!(notes(b"pw\n"), ["the plaintext ends with a newline"]);
        assert_eq!(
            notes(b" pw"),
            ["the plaintext starts or ends with whitespace"]
        );
    }
}

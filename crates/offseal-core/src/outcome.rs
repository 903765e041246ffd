//! What checking a sealed value found: the vocabulary that values files and SealedSecrets
//! share, so that `verify` reports both the same way.

use std::ops::RangeInclusive;

use secrecy::ExposeSecret as _;

use crate::backend::MAX_BITS;
use crate::cert::MIN_RSA_BITS;
use crate::envelope::Envelope;
use crate::error::{Error, MalformedReason};
use crate::keys::UnsealingKeys;

/// The least base64 text that counts as damaged sealed data rather than plaintext: the
/// smallest sealed value (2048-bit key, empty plaintext) is 366 characters.
const MALFORMED_FROM: usize = 300;

/// RSA block sizes (bytes) of the keys offseal seals for, 2048 to 8192 bits: without a
/// certificate to compare with, a value whose block has another size is not taken as sealed
/// (short base64 plaintext often parses as a tiny envelope).
const PLAUSIBLE_RSA_SIZES: RangeInclusive<usize> = MIN_RSA_BITS.div_ceil(8)..=MAX_BITS.div_ceil(8);

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
    /// Classifies a value's text. It counts as sealed only if it has the structure of a sealed
    /// value and an RSA block the size of a key offseal seals for (256 to 1024 bytes).
    #[must_use]
    pub fn of(text: &str) -> ValueState {
        if text.trim().is_empty() {
            return ValueState::Empty;
        }
        let long = text.trim().len() >= MALFORMED_FROM;
        match Envelope::from_base64(text) {
            Ok(envelope) if PLAUSIBLE_RSA_SIZES.contains(&envelope.rsa_size()) => {
                ValueState::Sealed(envelope)
            }
            Ok(envelope) if long => ValueState::Malformed(MalformedReason::ImplausibleKeySize {
                found: envelope.rsa_size(),
            }),
            Err(Error::Malformed(reason)) if long => ValueState::Malformed(reason),
            Ok(_) | Err(_) => ValueState::NotSealed,
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

    /// Base64 of `u16_be(rsa_len) || rsa_len bytes || total - 2 - rsa_len bytes`.
    fn envelope_shaped(rsa_len: u16, total: usize) -> String {
        let mut bytes = rsa_len.to_be_bytes().to_vec();
        bytes.resize(total, 0x41);
        base64::Engine::encode(&base64::engine::general_purpose::STANDARD, bytes)
    }

    /// Without a certificate, only an RSA block the size of a 2048- to 8192-bit key counts.
    #[test]
    fn sealed_needs_a_plausible_rsa_size() {
        // 20 bytes of base64 plaintext that happen to parse: a 1-byte "RSA block" and 17 more.
        let short = "AAEAAAAAAAAAAAAAAAAAAAAAAAA=";
        assert_eq!(Envelope::from_base64(short).unwrap().rsa_size(), 1);
        assert_eq!(ValueState::of(short), ValueState::NotSealed);
        assert_eq!(
            ValueState::of(&envelope_shaped(100, 300)),
            ValueState::Malformed(MalformedReason::ImplausibleKeySize { found: 100 })
        );
        assert_eq!(
            ValueState::of(&envelope_shaped(2048, 2100)),
            ValueState::Malformed(MalformedReason::ImplausibleKeySize { found: 2048 })
        );
        for size in [256, 257, 384, 512, 1024] {
            assert!(
                matches!(
                    ValueState::of(&envelope_shaped(size, usize::from(size) + 2 + 16)),
                    ValueState::Sealed(_)
                ),
                "{size}"
            );
        }
        assert!(matches!(
            ValueState::of(&envelope_shaped(255, 300)),
            ValueState::Malformed(_)
        ));
        assert!(matches!(
            ValueState::of(&envelope_shaped(1025, 1100)),
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

//! Seal and open values for the Bitnami sealed-secrets controller, offline.
//!
//! The controller only accepts values encrypted to its public certificate; this crate makes
//! them with nothing but that certificate, in the controller's exact format (see [`format`](mod@format)),
//! and opens them again with the controller's private keys for recovery and verification.
//!
//! Two tiers, as in `age`: one-call helpers ([`seal`], [`open`]) and typed building blocks
//! ([`Certificate`], [`SealingKey`], [`Target`], [`Envelope`], [`UnsealingKeys`],
//! [`manifest`]). Everything random has a `_with_rng` twin so tests can be deterministic.
//! The library never reads the clock, the environment or the terminal: callers pass them in.
//!
//! ```
//! use std::time::SystemTime;
//! use offseal_core::{SealingKey, Target, UnsealingKeys, secrecy::ExposeSecret};
//!
//! let cert = include_bytes!("../../../testdata/keys/controller-2048.crt.pem");
//! let key = SealingKey::from_certificate(cert, "controller.crt", SystemTime::now())?;
//! let target = Target::strict("tenant-a", "azure-keyvault-credentials")?;
//!
//! let sealed = offseal_core::seal(&key, &target, b"client secret")?;
//!
//! let private = include_bytes!("../../../testdata/keys/controller-2048.key.pem");
//! let keys = UnsealingKeys::from_sources([("controller.key", &private[..])])?;
//! let opened = offseal_core::open(&keys, &target, &sealed)?;
//! assert_eq!(opened.expose_secret(), b"client secret");
//! # Ok::<(), offseal_core::Error>(())
//! ```

pub mod cert;
pub mod clock;
pub mod error;
pub mod format;
pub mod keys;
pub mod manifest;
pub mod scope;
pub mod values;

mod backend;
mod pem;

pub use backend::RSA_BACKEND;
pub use cert::{Certificate, CertificateInfo, SealingKey, Validity};
pub use clock::Timestamp;
pub use error::{Error, Result};
pub use format::Envelope;
pub use keys::UnsealingKeys;
pub use scope::{Retarget, Scope, Target};
pub use values::ValuesFile;

/// Re-exported: the lossless YAML editor values files are edited with.
pub use offseal_yaml;

/// Re-exported: the random-number traits `_with_rng` functions take.
pub use rsa::rand_core;
/// Re-exported: the secret wrappers plaintexts come in.
pub use secrecy;

/// Seals `plaintext` for `target` with `key`; returns the base64 value the controller opens.
///
/// # Errors
/// Only if the operating system's random number generator fails.
pub fn seal(key: &SealingKey, target: &Target, plaintext: &[u8]) -> Result<String> {
    format::seal(key, &target.label(), plaintext)
}

/// Opens a base64 sealed value for `target` with any of `keys`.
///
/// # Errors
/// [`Error::Base64`] or [`Error::Malformed`] for a value that is not sealed data, and
/// [`Error::NoKeyCouldDecrypt`] when none of the keys opens it for this target.
pub fn open(
    keys: &UnsealingKeys,
    target: &Target,
    sealed: &str,
) -> Result<secrecy::SecretSlice<u8>> {
    format::open(keys, &target.label(), sealed)
}

//! Seal and open values for the Bitnami sealed-secrets controller, offline.
//!
//! The controller only accepts values encrypted to its public certificate; this crate makes
//! them with nothing but that certificate, in the controller's exact format (see
//! [`Envelope`]), and opens them again with the controller's private keys for recovery and
//! verification.
//!
//! Two tiers, as in `age`: one-call helpers ([`seal`], [`open`]) and typed building blocks
//! ([`Certificate`], [`SealingKey`], [`Target`], [`Envelope`], [`UnsealingKeys`], and the
//! [`manifest`], [`values`] and [`azure`] namespaces). Sealing always draws its
//! session keys from the operating system's generator; deterministic twins for tests live
//! behind the `hazmat` feature (`offseal_core::hazmat`). The library never reads the clock, the environment or
//! the terminal: callers pass them in.
//!
//! ```
//! use std::time::SystemTime;
//! use offseal_core::{SealingKey, Target, UnsealingKeys, secrecy::ExposeSecret};
//!
//! let cert = include_bytes!("../fixtures/controller-2048.crt.pem");
//! let key = SealingKey::from_certificate(cert, "controller.crt", SystemTime::now())?;
//! let target = Target::strict("tenant-a", "azure-keyvault-credentials")?;
//!
//! let sealed = offseal_core::seal(&key, &target, b"client secret")?;
//!
//! let private = include_bytes!("../fixtures/controller-2048.key.pem");
//! let keys = UnsealingKeys::from_sources([("controller.key", &private[..])])?;
//! let opened = offseal_core::open(&keys, &target, &sealed)?;
//! assert_eq!(opened.expose_secret(), b"client secret");
//! # Ok::<(), offseal_core::Error>(())
//! ```
//!
//! Layers, each using only those above it (`error` and `scope` name each other):
//! `error`, `scope`, `time`; `fingerprint`, `pem`, the RSA `backend`; `cert`; the `envelope`
//! (wire format); `keys`; `kube` (document streams); `outcome` (what checking a value found);
//! `azure` (credentials); `manifest` and `values`, which never use each other.

// A library does not print: it returns what it found, and the caller decides where it goes.
#![cfg_attr(
    not(test),
    deny(clippy::print_stdout, clippy::print_stderr, clippy::dbg_macro)
)]

mod backend;
mod cert;
mod envelope;
mod error;
mod fingerprint;
#[cfg(feature = "hazmat")]
pub mod hazmat;
mod keys;
mod kube;
pub mod kubeconfig;
mod outcome;
mod pem;
mod scope;
mod time;

pub mod azure;
pub mod manifest;
pub mod policy;
pub mod values;

// The sealed-secrets format and its keys.
pub use backend::RSA_BACKEND;
pub use cert::{Certificate, CertificateInfo, MIN_RSA_BITS, SealingKey, Validity};
pub use envelope::Envelope;
pub use keys::UnsealingKeys;
// What values are sealed for.
pub use scope::{CLUSTER_WIDE_ANNOTATION, NAMESPACE_WIDE_ANNOTATION, Retarget, Scope, Target};
// Checking sealed values.
pub use outcome::{Outcome, ValueState};
// Errors and time.
pub use error::{CertificateProblem, Error, MalformedReason, Result};
pub use time::Timestamp;

/// Re-exported: the random-number traits the `hazmat` functions take.
pub use rsa::rand_core;
/// Re-exported: the secret wrappers plaintexts come in.
pub use secrecy;
/// Re-exported: the JSON values that manifests keep as they are (such as owner references).
pub use serde_json;

/// Seals `plaintext` for `target` with `key`; returns the base64 value the controller opens.
///
/// ```
/// # use std::time::SystemTime;
/// use offseal_core::{Envelope, SealingKey, Target};
///
/// let cert = include_bytes!("../fixtures/controller-2048.crt.pem");
/// let key = SealingKey::from_certificate(cert, "controller.crt", SystemTime::now())?;
/// let target = Target::strict("tenant-a", "app")?;
///
/// let sealed = offseal_core::seal(&key, &target, b"s3cret")?;
/// // Fresh session keys each time: the same value never seals to the same text.
/// assert_ne!(sealed, offseal_core::seal(&key, &target, b"s3cret")?);
/// let envelope = Envelope::from_base64(&sealed)?;
/// assert_eq!(envelope.rsa_size(), 256); // a 2048-bit key's RSA block
/// assert_eq!(envelope.plaintext_len(), 6);
/// # Ok::<(), offseal_core::Error>(())
/// ```
///
/// # Errors
/// Only if the operating system's random number generator fails.
pub fn seal(key: &SealingKey, target: &Target, plaintext: &[u8]) -> Result<String> {
    Ok(envelope::seal(key, &target.label(), plaintext)?.to_base64())
}

/// Opens a base64 sealed value for `target` with any of `keys`.
///
/// ```
/// # use std::time::SystemTime;
/// use offseal_core::secrecy::ExposeSecret as _;
/// use offseal_core::{Error, SealingKey, Target, UnsealingKeys};
///
/// let cert = include_bytes!("../fixtures/controller-2048.crt.pem");
/// let key = SealingKey::from_certificate(cert, "controller.crt", SystemTime::now())?;
/// let sealed = offseal_core::seal(&key, &Target::namespace_wide("tenant-a")?, b"s3cret")?;
///
/// let private = include_bytes!("../fixtures/controller-2048.key.pem");
/// let keys = UnsealingKeys::from_sources([("controller.key", &private[..])])?;
/// // Namespace-wide: any name in the namespace opens it, another namespace does not.
/// let opened = offseal_core::open(&keys, &Target::strict("tenant-a", "any")?, &sealed);
/// assert!(opened.is_err(), "strict is another label");
/// let opened = offseal_core::open(&keys, &Target::namespace_wide("tenant-a")?, &sealed)?;
/// assert_eq!(opened.expose_secret(), b"s3cret");
/// assert!(matches!(
///     offseal_core::open(&keys, &Target::namespace_wide("tenant-b")?, &sealed),
///     Err(Error::NoKeyCouldDecrypt)
/// ));
/// assert!(offseal_core::open(&keys, &Target::namespace_wide("tenant-a")?, "not base64!").is_err());
/// # Ok::<(), offseal_core::Error>(())
/// ```
///
/// # Errors
/// [`Error::Base64`] or [`Error::Malformed`] for a value that is not sealed data, and
/// [`Error::NoKeyCouldDecrypt`] when none of the keys opens it for this target.
pub fn open(
    keys: &UnsealingKeys,
    target: &Target,
    sealed: &str,
) -> Result<secrecy::SecretSlice<u8>> {
    keys.open(&Envelope::from_base64(sealed)?, target)
}

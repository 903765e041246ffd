//! Deterministic sealing, for tests only (the `hazmat` feature).
//!
//! # Danger
//!
//! Each function here draws the AES-256-GCM session key and the OAEP seed from a generator
//! the caller chooses. The sealed-secrets format uses a fixed zero nonce, which is safe only
//! because every session key is fresh: **two values sealed from the same seed share a key and
//! a nonce, so XOR-ing their ciphertexts gives the XOR of their plaintexts, and values can be
//! forged.** Pass a seeded generator only to make test output reproducible, never for data
//! that is committed or deployed. Everything outside this module seals with the operating
//! system's generator.

use crate::rand_core::TryCryptoRng;

use crate::azure::Credentials;
use crate::manifest::{SealOptions, SealedSecret, Secret};
use crate::values::{Path, Resealed, Sealed, SealingParams, ValuesFile};
use crate::{Result, Retarget, SealingKey, Target, UnsealingKeys};

/// [`crate::seal`] with the session key and OAEP seed from `rng`.
///
/// # Errors
/// [`crate::Error::Rng`] when `rng` fails.
pub fn seal_with_rng<R: TryCryptoRng + ?Sized>(
    rng: &mut R,
    key: &SealingKey,
    target: &Target,
    plaintext: &[u8],
) -> Result<String> {
    Ok(crate::envelope::seal_with_rng(rng, key, &target.label(), plaintext)?.to_base64())
}

/// [`ValuesFile::seal_credentials`] with randomness from `rng`.
///
/// # Errors
/// As [`ValuesFile::seal_credentials`].
pub fn seal_credentials_with_rng<R: TryCryptoRng + ?Sized>(
    values: &ValuesFile,
    rng: &mut R,
    credentials: &Credentials,
    at: Option<&Path>,
    params: &SealingParams<'_>,
) -> Result<Sealed> {
    values.seal_credentials_with_rng(rng, credentials, at, params)
}

/// [`ValuesFile::set_sealed`] with randomness from `rng`.
///
/// # Errors
/// As [`ValuesFile::set_sealed`].
pub fn set_sealed_with_rng<R: TryCryptoRng + ?Sized>(
    values: &ValuesFile,
    rng: &mut R,
    path: &Path,
    plaintext: &[u8],
    params: &SealingParams<'_>,
) -> Result<Sealed> {
    values.set_sealed_with_rng(rng, path, plaintext, params)
}

/// [`ValuesFile::reseal`] with randomness from `rng`.
///
/// # Errors
/// As [`ValuesFile::reseal`].
pub fn reseal_values_with_rng<R: TryCryptoRng + ?Sized>(
    values: &ValuesFile,
    rng: &mut R,
    keys: &UnsealingKeys,
    params: &SealingParams<'_>,
) -> Result<Resealed> {
    values.reseal_with_rng(rng, keys, params)
}

/// [`Secret::seal`] with randomness from `rng`.
///
/// # Errors
/// As [`Secret::seal`].
pub fn seal_secret_with_rng<R: TryCryptoRng + ?Sized>(
    secret: &Secret,
    rng: &mut R,
    key: &SealingKey,
    options: &SealOptions,
) -> Result<SealedSecret> {
    secret.seal_with_rng(rng, key, options)
}

/// [`SealedSecret::reseal`] with randomness from `rng`.
///
/// # Errors
/// As [`SealedSecret::reseal`].
pub fn reseal_sealed_secret_with_rng<R: TryCryptoRng + ?Sized>(
    sealed: &SealedSecret,
    rng: &mut R,
    keys: &UnsealingKeys,
    key: &SealingKey,
    retarget: &Retarget,
) -> Result<SealedSecret> {
    sealed.reseal_with_rng(rng, keys, key, retarget)
}

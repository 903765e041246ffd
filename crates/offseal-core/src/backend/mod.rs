//! The one seam between offseal and an RSA implementation.
//!
//! Everything else in the crate calls RSA-OAEP-SHA256 through [`RsaPublicKey`] and
//! [`RsaPrivateKey`], which check keys the same way whatever does the arithmetic. The
//! implementation is chosen once, at the `mod imp` line: the pure-Rust `rsa` crate (with a
//! faster public-key OAEP of our own, [`oaep`]) by default, AWS-LC with the `aws-lc` feature.
//! Each implementation is one file exposing the same `PublicOp` and `PrivateOp`.

use rsa::rand_core::TryCryptoRng;
use rsa::traits::PublicKeyParts as _;
use zeroize::Zeroizing;

use crate::error::Result;
use crate::fingerprint;

#[cfg(feature = "aws-lc")]
#[path = "aws_lc.rs"]
mod imp;
#[cfg(not(feature = "aws-lc"))]
#[path = "rust.rs"]
mod imp;

#[cfg(any(test, not(feature = "aws-lc")))]
mod oaep;

/// The RSA implementation that does the OAEP operations: `"aws-lc"` or `"rust"`.
pub const RSA_BACKEND: &str = imp::NAME;

/// Largest modulus accepted, in bits: the limit of both RSA libraries offseal builds on (AWS-LC
/// refuses larger keys for OAEP, and `rsa`'s `PublicKey::MAX_SIZE` is 8192), so that a
/// certificate seals with either backend or with neither.
///
/// The controller itself has no such limit: it generates its key with Go's `rsa.GenerateKey`
/// at `--key-size` bits (4096 by default), and Go's crypto/rsa and crypto/x509 put no upper
/// bound on the modulus of a key they encrypt or decrypt with (only crypto/tls caps the RSA
/// keys of TLS peers at 8192 bits, which does not apply to the sealing certificate). So a
/// controller started with `--key-size` above 8192 works with kubeseal but not with offseal,
/// and the error says so.
pub(crate) const MAX_BITS: usize = 8192;

/// Largest public exponent accepted: Go's crypto/rsa refuses any larger one ("crypto/rsa:
/// public exponent too large", so that `int` means the same on 32- and 64-bit platforms); the
/// controller and kubeseal could do nothing with such a key. AWS-LC and `rsa` go up to 2^33-1.
pub(crate) const MAX_PUBLIC_EXPONENT: u64 = (1 << 31) - 1;

/// Why a public key cannot be used.
pub(crate) enum KeyProblem {
    /// Not a readable RSA key.
    Unreadable(String),
    /// Fewer bits than needed.
    TooSmall(usize),
    /// More bits than [`MAX_BITS`].
    TooLarge(usize),
    /// A public exponent above [`MAX_PUBLIC_EXPONENT`]: its decimal value, or its size in bits
    /// when it does not fit in 64.
    ExponentTooLarge(String),
}

/// An RSA public key, ready to wrap session keys.
#[derive(Clone)]
pub(crate) struct RsaPublicKey {
    /// Modulus, big-endian, no leading zeros.
    n: Vec<u8>,
    /// Public exponent, big-endian, no leading zeros.
    e: Vec<u8>,
    bits: usize,
    op: imp::PublicOp,
}

impl RsaPublicKey {
    /// Reads a DER `SubjectPublicKeyInfo` holding an RSA key of at least `min_bits`.
    pub(crate) fn from_spki_der(
        der: &[u8],
        min_bits: usize,
    ) -> std::result::Result<Self, KeyProblem> {
        use rsa::pkcs1::der::Decode as _;
        let unreadable = |why: String| KeyProblem::Unreadable(why);
        let spki = rsa::pkcs8::SubjectPublicKeyInfoRef::from_der(der)
            .map_err(|e| unreadable(e.to_string()))?;
        let key_bytes = spki
            .subject_public_key
            .as_bytes()
            .ok_or_else(|| unreadable("the key bits are not whole bytes".to_owned()))?;
        let key = rsa::pkcs1::RsaPublicKey::<rsa::pkcs1::UintRef<'_>>::from_der(key_bytes)
            .map_err(|e| unreadable(e.to_string()))?;
        let n = trim(key.modulus.as_bytes());
        let e = trim(key.public_exponent.as_bytes());
        let bits = bit_length(n);
        if bits < min_bits {
            return Err(KeyProblem::TooSmall(bits));
        }
        if bits > MAX_BITS {
            return Err(KeyProblem::TooLarge(bits));
        }
        if n.last().is_none_or(|b| b & 1 == 0)
            || e.last().is_none_or(|b| b & 1 == 0)
            || bit_length(e) < 2
        {
            return Err(unreadable(
                "not a valid RSA public key (modulus or exponent)".to_owned(),
            ));
        }
        // `e` is trimmed: up to 8 bytes fit a u64.
        let exponent = (e.len() <= 8).then(|| e.iter().fold(0u64, |v, &b| v << 8 | u64::from(b)));
        match exponent {
            Some(value) if value <= MAX_PUBLIC_EXPONENT => {}
            Some(value) => return Err(KeyProblem::ExponentTooLarge(value.to_string())),
            None => {
                return Err(KeyProblem::ExponentTooLarge(format!(
                    "a {}-bit number",
                    bit_length(e)
                )));
            }
        }
        let op = imp::PublicOp::new(n, e, der).map_err(KeyProblem::Unreadable)?;
        Ok(RsaPublicKey {
            n: n.to_vec(),
            e: e.to_vec(),
            bits,
            op,
        })
    }

    /// Modulus size in bytes: the size of every OAEP ciphertext under this key.
    pub(crate) fn size(&self) -> usize {
        self.bits.div_ceil(8)
    }

    /// Modulus size in bits.
    pub(crate) fn bits(&self) -> usize {
        self.bits
    }

    /// RSA-OAEP with SHA-256 for both the label hash and MGF1, as Go's `rsa.EncryptOAEP`.
    /// AWS-LC draws the OAEP seed from its own generator; the pure-Rust code from `rng`.
    pub(crate) fn encrypt_oaep<R: TryCryptoRng + ?Sized>(
        &self,
        rng: &mut R,
        label: &[u8],
        message: &[u8],
    ) -> Result<Vec<u8>> {
        self.op.encrypt(rng, label, message)
    }

    /// The kubeseal fingerprint of this key.
    pub(crate) fn fingerprint(&self) -> String {
        fingerprint::ssh_rsa(&self.e, &self.n)
    }
}

/// An RSA private key that opens session keys (recovery only).
pub(crate) struct RsaPrivateKey {
    size: usize,
    fingerprint: String,
    op: imp::PrivateOp,
}

impl RsaPrivateKey {
    /// Prepares a private key read by `rsa` for decryption.
    pub(crate) fn new(key: rsa::PrivateKey) -> std::result::Result<Self, String> {
        Ok(RsaPrivateKey {
            size: key.size(),
            fingerprint: fingerprint::ssh_rsa(&key.e_bytes(), &key.n_bytes()),
            op: imp::PrivateOp::new(key)?,
        })
    }

    /// Modulus size in bytes.
    pub(crate) fn size(&self) -> usize {
        self.size
    }

    /// The fingerprint of the matching public key.
    pub(crate) fn fingerprint(&self) -> &str {
        &self.fingerprint
    }

    /// Opens an OAEP block: `Ok(None)` for any block that does not open, opaque on purpose (no
    /// padding-oracle detail), the same for every backend.
    ///
    /// # Errors
    /// [`crate::Error::Rng`] when the pure-Rust backend cannot draw its blinding factors.
    pub(crate) fn decrypt_oaep(
        &self,
        label: &[u8],
        ciphertext: &[u8],
    ) -> Result<Option<Zeroizing<Vec<u8>>>> {
        self.op.decrypt(label, ciphertext)
    }
}

/// Big-endian bytes without leading zeros.
fn trim(bytes: &[u8]) -> &[u8] {
    let first = bytes.iter().position(|&b| b != 0).unwrap_or(bytes.len());
    &bytes[first..]
}

/// Bits in a trimmed big-endian number.
fn bit_length(trimmed: &[u8]) -> usize {
    trimmed.first().map_or(0, |&top| {
        (trimmed.len() - 1) * 8 + (8 - top.leading_zeros() as usize)
    })
}

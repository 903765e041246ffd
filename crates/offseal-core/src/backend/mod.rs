//! The one seam between offseal and the implementations of its cryptography: RSA-OAEP-SHA256,
//! AES-256-GCM and SHA-256.
//!
//! Everything else in the crate calls RSA-OAEP-SHA256 through [`RsaPublicKey`] and
//! [`RsaPrivateKey`], which check keys the same way whatever does the arithmetic, and the
//! envelope's AES-256-GCM and the fingerprints' SHA-256 through [`seal_aes256_gcm`],
//! [`open_aes256_gcm`] and [`Sha256`]. The implementation is chosen once, at the `mod imp`
//! line: pure Rust by default (the `rsa` crate with a faster public-key OAEP of our own,
//! [`oaep`], and RustCrypto's `aes-gcm` and `sha2`), AWS-LC with the `aws-lc` feature. Each
//! implementation is one file exposing the same `PublicOp`, `PrivateOp`, AES-GCM functions and
//! `Sha256`.
//!
//! With AWS-LC every primitive is AWS-LC's, not only RSA: a process then probes the CPU's
//! features once (AWS-LC's `OPENSSL_cpuid_setup`) instead of once more per RustCrypto crate,
//! and each probe is a handful of `cpuid` instructions, which a virtual machine traps at about
//! 10 µs each. On the main job that was a tenth of the whole process (BENCHMARKS.md).

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

/// Bytes of an AES-256 key.
pub(crate) const AES256_KEY_LEN: usize = 32;
/// Bytes of a GCM authentication tag.
pub(crate) const GCM_TAG_LEN: usize = 16;

/// AES-256-GCM under a key that encrypts this one message, as the envelope uses it: the
/// all-zero nonce, no associated data. Returns the ciphertext followed by the tag.
///
/// # Errors
/// [`crate::Error::Encrypt`] if the implementation fails, which it does not for a valid key.
pub(crate) fn seal_aes256_gcm(key: &[u8; AES256_KEY_LEN], plaintext: &[u8]) -> Result<Vec<u8>> {
    imp::seal_aes256_gcm(key, plaintext)
}

/// Opens what [`seal_aes256_gcm`] sealed, writing the plaintext into `out` (exactly as long as
/// `ciphertext`). `false` when the tag does not match or `out` has another length; `out` then
/// holds only zeros.
#[must_use]
pub(crate) fn open_aes256_gcm(
    key: &[u8; AES256_KEY_LEN],
    ciphertext: &[u8],
    tag: &[u8; GCM_TAG_LEN],
    out: &mut [u8],
) -> bool {
    if out.len() != ciphertext.len() {
        out.fill(0);
        return false;
    }
    imp::open_aes256_gcm(key, ciphertext, tag, out)
}

/// SHA-256, incrementally: `new`, `update` as often as needed, then `finalize`.
pub(crate) use imp::Sha256;

/// SHA-256 of `data` in one call.
pub(crate) fn sha256(data: &[u8]) -> [u8; 32] {
    let mut hasher = Sha256::new();
    hasher.update(data);
    hasher.finalize()
}

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

#[cfg(test)]
mod tests {
    //! What every implementation must do; `aws_lc.rs` also checks AWS-LC against RustCrypto.

    #[test]
    fn sha256_known_answers() {
        let hex = |digest: [u8; 32]| {
            digest
                .iter()
                .map(|b| format!("{b:02x}"))
                .collect::<String>()
        };
        assert_eq!(
            hex(super::sha256(b"abc")),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
        let mut hasher = super::Sha256::new();
        hasher.update(b"a");
        hasher.update(b"");
        hasher.update(b"bc");
        assert_eq!(hasher.finalize(), super::sha256(b"abc"));
    }

    #[test]
    fn aes_gcm_opens_what_it_seals_and_nothing_else() {
        let key = [7u8; 32];
        let sealed = super::seal_aes256_gcm(&key, b"hunter2").unwrap();
        assert_eq!(sealed.len(), 7 + super::GCM_TAG_LEN);
        let (ciphertext, tag) = sealed.split_at(7);
        let tag: &[u8; 16] = tag.try_into().unwrap();

        let mut out = [0u8; 7];
        assert!(super::open_aes256_gcm(&key, ciphertext, tag, &mut out));
        assert_eq!(&out, b"hunter2");

        let mut bad = *tag;
        bad[15] ^= 0x80;
        let mut out = [0xAAu8; 7];
        assert!(!super::open_aes256_gcm(&key, ciphertext, &bad, &mut out));
        assert_eq!(out, [0; 7], "a refused value leaves only zeros behind");

        let mut out = [0xAAu8; 7];
        assert!(!super::open_aes256_gcm(&[8; 32], ciphertext, tag, &mut out));
        assert_eq!(out, [0; 7], "so does the wrong key");

        let mut short = [0u8; 6];
        assert!(!super::open_aes256_gcm(&key, ciphertext, tag, &mut short));
    }
}

//! The pure-Rust implementation: our public-key OAEP ([`super::oaep`]) to seal; to open, `rsa`'s
//! raw private-key operation (blinded, with its CRT fault check) and our OAEP decoder;
//! RustCrypto's `aes-gcm` and `sha2`.
//!
//! `rsa`'s own OAEP decryption is not used: it ignores the block's leading byte, which AWS-LC and
//! Go's crypto/rsa (the controller) check, so the two backends would disagree on crafted values.

use aes_gcm::aead::inout::InOutBuf;
use aes_gcm::aead::{Aead as _, AeadInOut as _, KeyInit as _};
use aes_gcm::{Aes256Gcm, Nonce};
use crypto_bigint::BoxedUint;
use rsa::rand_core::TryCryptoRng;
use rsa::traits::PublicKeyParts as _;
use sha2::Digest as _;
use zeroize::{Zeroize as _, Zeroizing};

use super::oaep::{self, OaepEncryptor};
use crate::error::{Error, Result};

/// What [`super::RSA_BACKEND`] says.
pub(super) const NAME: &str = "rust";

/// The public-key operation: the modulus's Montgomery parameters, computed once.
#[derive(Clone)]
pub(super) struct PublicOp(OaepEncryptor);

impl PublicOp {
    pub(super) fn new(n: &[u8], e: &[u8], _spki_der: &[u8]) -> std::result::Result<Self, String> {
        OaepEncryptor::new(n, e)
            .map(PublicOp)
            .ok_or_else(|| "the modulus is even".to_owned())
    }

    pub(super) fn encrypt<R: TryCryptoRng + ?Sized>(
        &self,
        rng: &mut R,
        label: &[u8],
        message: &[u8],
    ) -> Result<Vec<u8>> {
        self.0.encrypt(rng, label, message)
    }
}

/// The private-key operation.
pub(super) struct PrivateOp(rsa::PrivateKey);

impl PrivateOp {
    pub(super) fn new(key: rsa::PrivateKey) -> std::result::Result<Self, String> {
        Ok(PrivateOp(key))
    }

    /// RSADP then EME-OAEP decoding. `Ok(None)` for any block that does not decrypt: a
    /// ciphertext of the wrong length or not below the modulus, a CRT fault, bad padding.
    ///
    /// The private operation is blinded with fresh randomness from the operating system
    /// (base, exponent and CRT-modulus blinding in `rsa`); `Err` only when that fails.
    ///
    /// Secret copies: the decrypted block as an integer and as bytes is wiped here. `rsa` 0.10
    /// does not wipe every intermediate of its private operation (its own TODO in
    /// `algorithms/rsa.rs`), nor the Montgomery form of the block in its fault check; those
    /// stay in freed memory until reused.
    pub(super) fn decrypt(
        &self,
        label: &[u8],
        ciphertext: &[u8],
    ) -> Result<Option<Zeroizing<Vec<u8>>>> {
        let key = &self.0;
        let k = key.size();
        if ciphertext.len() != k {
            return Ok(None);
        }
        let Ok(c) = BoxedUint::from_be_slice(ciphertext, key.n_bits_precision()) else {
            return Ok(None);
        };
        // Refuses c >= n (RFC 8017 §5.1.2 step 1), as AWS-LC and Go do.
        let m = match rsa::hazmat::rsa_decrypt_and_check(key, Some(&mut rand::rngs::SysRng), &c) {
            Ok(m) => Zeroizing::new(m),
            Err(rsa::Error::Rng) => return Err(Error::Rng),
            Err(_) => return Ok(None),
        };
        let bytes = Zeroizing::new(m.to_be_bytes());
        drop(m);
        // The integer's storage is whole limbs; m < n, so the bytes before the last k are zero.
        let Some(block) = bytes.get(bytes.len().saturating_sub(k)..) else {
            return Ok(None);
        };
        let mut em = Zeroizing::new(block.to_vec());
        drop(bytes);
        Ok(oaep::decode(&mut em, label))
    }
}

pub(super) fn seal_aes256_gcm(
    key: &[u8; super::AES256_KEY_LEN],
    plaintext: &[u8],
) -> Result<Vec<u8>> {
    Aes256Gcm::new(key.into())
        .encrypt(&Nonce::default(), plaintext)
        .map_err(|_| Error::Encrypt("AES-GCM failed"))
}

/// RustCrypto checks the tag before it decrypts; `out` is zeroed on failure all the same, so
/// that both backends leave the same thing behind.
pub(super) fn open_aes256_gcm(
    key: &[u8; super::AES256_KEY_LEN],
    ciphertext: &[u8],
    tag: &[u8; super::GCM_TAG_LEN],
    out: &mut [u8],
) -> bool {
    let opened = InOutBuf::new(ciphertext, out).is_ok_and(|buffer| {
        Aes256Gcm::new(key.into())
            .decrypt_inout_detached(&Nonce::default(), b"", buffer, tag.into())
            .is_ok()
    });
    if !opened {
        out.zeroize();
    }
    opened
}

/// RustCrypto's SHA-256.
pub(crate) struct Sha256(sha2::Sha256);

impl Sha256 {
    pub(crate) fn new() -> Self {
        Sha256(sha2::Sha256::new())
    }

    pub(crate) fn update(&mut self, data: &[u8]) {
        self.0.update(data);
    }

    pub(crate) fn finalize(self) -> [u8; 32] {
        self.0.finalize().into()
    }
}

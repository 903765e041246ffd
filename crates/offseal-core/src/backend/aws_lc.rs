//! The AWS-LC implementation: its RSA-OAEP, several times faster than pure Rust, and its
//! AES-256-GCM and SHA-256. AWS-LC draws the OAEP seed from its own generator, so only the
//! session key comes from a caller's RNG.

use std::sync::Arc;

use aws_lc_rs::aead::{AES_256_GCM, Aad, LessSafeKey, NONCE_LEN, Nonce, UnboundKey};
use aws_lc_rs::digest;
use aws_lc_rs::rsa::{
    OAEP_SHA256_MGF1SHA256, OaepPrivateDecryptingKey, OaepPublicEncryptingKey,
    PrivateDecryptingKey, PublicEncryptingKey,
};
use rsa::pkcs8::EncodePrivateKey as _;
use rsa::rand_core::TryCryptoRng;
use zeroize::Zeroizing;

use crate::error::{Error, Result};

/// What [`super::RSA_BACKEND`] says.
pub(super) const NAME: &str = "aws-lc";

/// AWS-LC takes an empty label as none.
fn label_arg(label: &[u8]) -> Option<&[u8]> {
    (!label.is_empty()).then_some(label)
}

/// The public-key operation.
#[derive(Clone)]
pub(super) struct PublicOp(Arc<OaepPublicEncryptingKey>);

impl PublicOp {
    pub(super) fn new(_n: &[u8], _e: &[u8], spki_der: &[u8]) -> std::result::Result<Self, String> {
        let key = PublicEncryptingKey::from_der(spki_der)
            .map_err(|e| format!("AWS-LC refuses the key: {e}"))?;
        let oaep = OaepPublicEncryptingKey::new(key)
            .map_err(|_| "AWS-LC refuses the key for OAEP".to_owned())?;
        Ok(PublicOp(Arc::new(oaep)))
    }

    pub(super) fn encrypt<R: TryCryptoRng + ?Sized>(
        &self,
        _rng: &mut R,
        label: &[u8],
        message: &[u8],
    ) -> Result<Vec<u8>> {
        let mut out = vec![0u8; self.0.ciphertext_size()];
        let len = self
            .0
            .encrypt(&OAEP_SHA256_MGF1SHA256, message, &mut out, label_arg(label))
            .map_err(|_| Error::Encrypt("RSA-OAEP failed"))?
            .len();
        out.truncate(len);
        Ok(out)
    }
}

/// The private-key operation.
pub(super) struct PrivateOp(OaepPrivateDecryptingKey);

impl PrivateOp {
    pub(super) fn new(key: rsa::PrivateKey) -> std::result::Result<Self, String> {
        let der = key
            .to_pkcs8_der()
            .map_err(|e| format!("cannot re-encode the key for AWS-LC: {e}"))?;
        let key = PrivateDecryptingKey::from_pkcs8(der.as_bytes())
            .map_err(|e| format!("AWS-LC refuses the key: {e}"))?;
        let oaep = OaepPrivateDecryptingKey::new(key)
            .map_err(|_| "AWS-LC refuses the key for OAEP".to_owned())?;
        Ok(PrivateOp(oaep))
    }

    /// `Ok(None)` for any block that does not decrypt (AWS-LC checks the whole of RFC 8017
    /// §7.1.2, leading zero byte included, in constant time); never `Err`.
    pub(super) fn decrypt(
        &self,
        label: &[u8],
        ciphertext: &[u8],
    ) -> Result<Option<Zeroizing<Vec<u8>>>> {
        let mut out = Zeroizing::new(vec![0u8; self.0.min_output_size()]);
        let Ok(plaintext) = self.0.decrypt(
            &OAEP_SHA256_MGF1SHA256,
            ciphertext,
            &mut out,
            label_arg(label),
        ) else {
            return Ok(None);
        };
        let len = plaintext.len();
        out.truncate(len);
        Ok(Some(out))
    }
}

/// AWS-LC's AES-256-GCM key for one message.
fn aes256_gcm_key(key: &[u8; super::AES256_KEY_LEN]) -> Result<LessSafeKey> {
    UnboundKey::new(&AES_256_GCM, key)
        .map(LessSafeKey::new)
        .map_err(|_| Error::Encrypt("AWS-LC refuses the AES-256 key"))
}

/// The envelope's nonce: the key encrypts one message only.
fn zero_nonce() -> Nonce {
    Nonce::assume_unique_for_key([0; NONCE_LEN])
}

pub(super) fn seal_aes256_gcm(
    key: &[u8; super::AES256_KEY_LEN],
    plaintext: &[u8],
) -> Result<Vec<u8>> {
    // Room for the tag up front: appending it must not reallocate and leave a copy behind.
    let mut sealed = Vec::with_capacity(plaintext.len() + super::GCM_TAG_LEN);
    sealed.extend_from_slice(plaintext);
    aes256_gcm_key(key)?
        .seal_in_place_append_tag(zero_nonce(), Aad::empty(), &mut sealed)
        .map_err(|_| Error::Encrypt("AES-GCM failed"))?;
    Ok(sealed)
}

/// AWS-LC zeroes `out` when the tag does not match (`EVP_AEAD_CTX_open_gather`).
pub(super) fn open_aes256_gcm(
    key: &[u8; super::AES256_KEY_LEN],
    ciphertext: &[u8],
    tag: &[u8; super::GCM_TAG_LEN],
    out: &mut [u8],
) -> bool {
    aes256_gcm_key(key).is_ok_and(|key| {
        key.open_separate_gather(zero_nonce(), Aad::empty(), ciphertext, tag, out)
            .is_ok()
    })
}

/// AWS-LC's SHA-256.
pub(crate) struct Sha256(digest::Context);

impl Sha256 {
    pub(crate) fn new() -> Self {
        Sha256(digest::Context::new(&digest::SHA256))
    }

    pub(crate) fn update(&mut self, data: &[u8]) {
        self.0.update(data);
    }

    pub(crate) fn finalize(self) -> [u8; 32] {
        let mut out = [0; 32];
        out.copy_from_slice(self.0.finish().as_ref());
        out
    }
}

#[cfg(test)]
mod tests {
    //! AWS-LC's AES-GCM and SHA-256 against RustCrypto's, the pure-Rust backend's.

    use aes_gcm::aead::{Aead as _, KeyInit as _};
    use sha2::Digest as _;

    #[test]
    fn aes_gcm_and_sha256_agree_with_rustcrypto() {
        for len in [0, 1, 15, 16, 17, 36, 100, 1000, 4097] {
            let key: [u8; 32] = std::array::from_fn(|i| (i * 7 + len).to_le_bytes()[0]);
            let plaintext: Vec<u8> = (0..len).map(|i| (i * 31 + 5).to_le_bytes()[0]).collect();

            let ours = super::seal_aes256_gcm(&key, &plaintext).unwrap();
            let theirs = aes_gcm::Aes256Gcm::new_from_slice(&key)
                .unwrap()
                .encrypt(&aes_gcm::Nonce::default(), plaintext.as_slice())
                .unwrap();
            assert_eq!(ours, theirs, "AES-256-GCM of {len} bytes");

            let (ciphertext, tag) = ours.split_at(len);
            let mut out = vec![0; len];
            assert!(super::open_aes256_gcm(
                &key,
                ciphertext,
                tag.try_into().unwrap(),
                &mut out
            ));
            assert_eq!(out, plaintext);

            assert_eq!(
                super::super::sha256(&plaintext),
                <[u8; 32]>::from(sha2::Sha256::digest(&plaintext)),
                "SHA-256 of {len} bytes"
            );
        }
    }
}

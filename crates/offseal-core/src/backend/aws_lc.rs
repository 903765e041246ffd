//! The AWS-LC implementation: its RSA-OAEP, several times faster than pure Rust. AWS-LC draws
//! the OAEP seed from its own generator, so only the session key comes from a caller's RNG.

use std::sync::Arc;

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

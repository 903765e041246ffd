//! The pure-Rust implementation: our public-key OAEP ([`super::oaep`]) to seal, `rsa` to open.

use rsa::Oaep;
use rsa::rand_core::TryCryptoRng;
use rsa::sha2::Sha256;
use zeroize::Zeroizing;

use super::oaep::OaepEncryptor;
use crate::error::Result;

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

    pub(super) fn decrypt(&self, label: &[u8], ciphertext: &[u8]) -> Option<Zeroizing<Vec<u8>>> {
        self.0
            .decrypt(Oaep::<Sha256>::new_with_label(label), ciphertext)
            .ok()
            .map(Zeroizing::new)
    }
}

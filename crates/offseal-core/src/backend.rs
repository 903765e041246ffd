//! The one seam between offseal and an RSA implementation.
//!
//! Everything else in the crate calls RSA-OAEP-SHA256 through [`RsaPublicKey`] and
//! [`RsaPrivateKey`], so another backend (a faster one for batch work) plugs in here without
//! touching a caller.

use rsa::pkcs8::DecodePublicKey;
use rsa::rand_core::TryCryptoRng;
use rsa::sha2::{Digest, Sha256};
use rsa::traits::PublicKeyParts;
use rsa::{Oaep, PrivateKey, PublicKey};
use zeroize::Zeroizing;

use crate::error::{Error, Result};

/// An RSA public key, ready to wrap session keys.
#[derive(Clone)]
pub(crate) struct RsaPublicKey {
    key: PublicKey,
}

impl RsaPublicKey {
    /// Reads a DER `SubjectPublicKeyInfo` holding an RSA key.
    pub(crate) fn from_spki_der(der: &[u8]) -> std::result::Result<Self, String> {
        PublicKey::from_public_key_der(der)
            .map(|key| RsaPublicKey { key })
            .map_err(|e| e.to_string())
    }

    /// Modulus size in bytes: the size of every OAEP ciphertext under this key.
    pub(crate) fn size(&self) -> usize {
        self.key.size()
    }

    /// Modulus size in bits.
    pub(crate) fn bits(&self) -> usize {
        self.key.n().bit_width() as usize
    }

    /// RSA-OAEP with SHA-256 for both the label hash and MGF1, as Go's `rsa.EncryptOAEP`.
    pub(crate) fn encrypt_oaep<R: TryCryptoRng + ?Sized>(
        &self,
        rng: &mut R,
        label: &[u8],
        message: &[u8],
    ) -> Result<Vec<u8>> {
        self.key
            .encrypt(rng, Oaep::<Sha256>::new_with_label(label), message)
            .map_err(|_| Error::Encrypt("RSA-OAEP failed"))
    }

    /// The fingerprint kubeseal and the controller use to tell keys apart: the OpenSSH
    /// `SHA256:` fingerprint of the key in SSH wire format.
    pub(crate) fn fingerprint(&self) -> String {
        ssh_fingerprint(&self.key.e_bytes(), &self.key.n_bytes())
    }
}

/// An RSA private key that opens session keys (recovery only).
pub(crate) struct RsaPrivateKey {
    key: PrivateKey,
}

impl RsaPrivateKey {
    pub(crate) fn new(key: PrivateKey) -> Self {
        RsaPrivateKey { key }
    }

    /// Modulus size in bytes.
    pub(crate) fn size(&self) -> usize {
        self.key.size()
    }

    /// The fingerprint of the matching public key.
    pub(crate) fn fingerprint(&self) -> String {
        ssh_fingerprint(&self.key.e_bytes(), &self.key.n_bytes())
    }

    /// Opens an OAEP block; any failure is opaque on purpose (no padding oracle detail).
    pub(crate) fn decrypt_oaep(
        &self,
        label: &[u8],
        ciphertext: &[u8],
    ) -> Option<Zeroizing<Vec<u8>>> {
        self.key
            .decrypt(Oaep::<Sha256>::new_with_label(label), ciphertext)
            .ok()
            .map(Zeroizing::new)
    }
}

/// `SHA256:` + unpadded base64 of SHA-256 over `string "ssh-rsa" || mpint e || mpint n`.
fn ssh_fingerprint(e: &[u8], n: &[u8]) -> String {
    use base64::Engine as _;
    let mut hasher = Sha256::new();
    ssh_string(&mut hasher, b"ssh-rsa");
    ssh_mpint(&mut hasher, e);
    ssh_mpint(&mut hasher, n);
    format!(
        "SHA256:{}",
        base64::engine::general_purpose::STANDARD_NO_PAD.encode(hasher.finalize())
    )
}

fn ssh_string(hasher: &mut Sha256, bytes: &[u8]) {
    // Keys are at most a few KiB, far below u32::MAX.
    let len = u32::try_from(bytes.len()).unwrap_or(u32::MAX);
    hasher.update(len.to_be_bytes());
    hasher.update(bytes);
}

/// SSH mpint: big-endian, minimal, with a 0x00 in front when the top bit is set.
fn ssh_mpint(hasher: &mut Sha256, magnitude: &[u8]) {
    let trimmed = match magnitude.iter().position(|&b| b != 0) {
        Some(first) => &magnitude[first..],
        None => &[],
    };
    if trimmed.first().is_some_and(|&b| b & 0x80 != 0) {
        let mut padded = Vec::with_capacity(trimmed.len() + 1);
        padded.push(0);
        padded.extend_from_slice(trimmed);
        ssh_string(hasher, &padded);
    } else {
        ssh_string(hasher, trimmed);
    }
}

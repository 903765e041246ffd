//! The one seam between offseal and an RSA implementation.
//!
//! Everything else in the crate calls RSA-OAEP-SHA256 through [`RsaPublicKey`] and
//! [`RsaPrivateKey`]. The pure-Rust `rsa` crate is always there (it parses keys and gives the
//! fingerprint); with the `aws-lc` feature, AWS-LC does the OAEP operations themselves, several
//! times faster. AWS-LC draws the OAEP seed from its own generator, so only the session key
//! comes from a caller's RNG then.

#[cfg(not(feature = "aws-lc"))]
use rsa::Oaep;
use rsa::PrivateKey;
use rsa::rand_core::TryCryptoRng;
use rsa::sha2::{Digest, Sha256};
use rsa::traits::PublicKeyParts;
use zeroize::Zeroizing;

#[cfg(feature = "aws-lc")]
use crate::error::Error;
use crate::error::Result;

#[cfg(any(test, not(feature = "aws-lc")))]
mod oaep;

/// The RSA implementation that does the OAEP operations: `"aws-lc"` or `"rust"`.
pub const RSA_BACKEND: &str = if cfg!(feature = "aws-lc") {
    "aws-lc"
} else {
    "rust"
};

/// Why a public key cannot be used.
pub(crate) enum KeyProblem {
    /// Not a readable RSA key.
    Unreadable(String),
    /// Fewer bits than needed.
    TooSmall(usize),
}

/// An RSA public key, ready to wrap session keys.
#[derive(Clone)]
pub(crate) struct RsaPublicKey {
    /// Modulus, big-endian, no leading zeros.
    n: Vec<u8>,
    /// Public exponent, big-endian, no leading zeros.
    e: Vec<u8>,
    bits: usize,
    #[cfg(not(feature = "aws-lc"))]
    oaep: oaep::OaepEncryptor,
    #[cfg(feature = "aws-lc")]
    fast: std::sync::Arc<aws_lc_rs::rsa::OaepPublicEncryptingKey>,
}

/// Largest modulus accepted (the controller uses 4096 bits).
const MAX_BITS: usize = 16384;

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
            return Err(unreadable(format!(
                "a {bits}-bit modulus is more than {MAX_BITS}"
            )));
        }
        if n.last().is_none_or(|b| b & 1 == 0)
            || e.last().is_none_or(|b| b & 1 == 0)
            || bit_length(e) < 2
            || bit_length(e) > 33
        {
            return Err(unreadable(
                "not a valid RSA public key (modulus or exponent)".to_owned(),
            ));
        }
        #[cfg(not(feature = "aws-lc"))]
        let oaep = oaep::OaepEncryptor::new(n, e)
            .ok_or_else(|| unreadable("the modulus is even".to_owned()))?;
        #[cfg(feature = "aws-lc")]
        let fast = aws_lc_rs::rsa::PublicEncryptingKey::from_der(der)
            .map_err(|e| format!("AWS-LC refuses the key: {e}"))
            .and_then(|k| {
                aws_lc_rs::rsa::OaepPublicEncryptingKey::new(k)
                    .map_err(|_| "AWS-LC refuses the key for OAEP".to_owned())
            })
            .map_err(KeyProblem::Unreadable)?;
        Ok(RsaPublicKey {
            n: n.to_vec(),
            e: e.to_vec(),
            bits,
            #[cfg(not(feature = "aws-lc"))]
            oaep,
            #[cfg(feature = "aws-lc")]
            fast: std::sync::Arc::new(fast),
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
    #[cfg(not(feature = "aws-lc"))]
    pub(crate) fn encrypt_oaep<R: TryCryptoRng + ?Sized>(
        &self,
        rng: &mut R,
        label: &[u8],
        message: &[u8],
    ) -> Result<Vec<u8>> {
        self.oaep.encrypt(rng, label, message)
    }

    /// RSA-OAEP with SHA-256 for both the label hash and MGF1, as Go's `rsa.EncryptOAEP`.
    #[cfg(feature = "aws-lc")]
    pub(crate) fn encrypt_oaep<R: TryCryptoRng + ?Sized>(
        &self,
        _rng: &mut R,
        label: &[u8],
        message: &[u8],
    ) -> Result<Vec<u8>> {
        let mut out = vec![0u8; self.fast.ciphertext_size()];
        let label = (!label.is_empty()).then_some(label);
        let len = self
            .fast
            .encrypt(
                &aws_lc_rs::rsa::OAEP_SHA256_MGF1SHA256,
                message,
                &mut out,
                label,
            )
            .map_err(|_| Error::Encrypt("RSA-OAEP failed"))?
            .len();
        out.truncate(len);
        Ok(out)
    }

    /// The fingerprint kubeseal and the controller use to tell keys apart: the OpenSSH
    /// `SHA256:` fingerprint of the key in SSH wire format.
    pub(crate) fn fingerprint(&self) -> String {
        ssh_fingerprint(&self.e, &self.n)
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

/// An RSA private key that opens session keys (recovery only).
pub(crate) struct RsaPrivateKey {
    key: PrivateKey,
    #[cfg(feature = "aws-lc")]
    fast: aws_lc_rs::rsa::OaepPrivateDecryptingKey,
}

impl RsaPrivateKey {
    #[cfg(not(feature = "aws-lc"))]
    pub(crate) fn new(key: PrivateKey) -> std::result::Result<Self, String> {
        Ok(RsaPrivateKey { key })
    }

    #[cfg(feature = "aws-lc")]
    pub(crate) fn new(key: PrivateKey) -> std::result::Result<Self, String> {
        use rsa::pkcs8::EncodePrivateKey as _;
        let der = key
            .to_pkcs8_der()
            .map_err(|e| format!("cannot re-encode the key for AWS-LC: {e}"))?;
        let fast = aws_lc_rs::rsa::PrivateDecryptingKey::from_pkcs8(der.as_bytes())
            .map_err(|e| format!("AWS-LC refuses the key: {e}"))
            .and_then(|k| {
                aws_lc_rs::rsa::OaepPrivateDecryptingKey::new(k)
                    .map_err(|_| "AWS-LC refuses the key for OAEP".to_owned())
            })?;
        Ok(RsaPrivateKey { key, fast })
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
    #[cfg(not(feature = "aws-lc"))]
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

    /// Opens an OAEP block; any failure is opaque on purpose (no padding oracle detail).
    #[cfg(feature = "aws-lc")]
    pub(crate) fn decrypt_oaep(
        &self,
        label: &[u8],
        ciphertext: &[u8],
    ) -> Option<Zeroizing<Vec<u8>>> {
        let mut out = Zeroizing::new(vec![0u8; self.fast.min_output_size()]);
        let label = (!label.is_empty()).then_some(label);
        let len = self
            .fast
            .decrypt(
                &aws_lc_rs::rsa::OAEP_SHA256_MGF1SHA256,
                ciphertext,
                &mut out,
                label,
            )
            .ok()?
            .len();
        out.truncate(len);
        Some(out)
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

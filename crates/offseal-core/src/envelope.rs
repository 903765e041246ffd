//! The envelope: the sealed-secrets wire format of one value, bit for bit as the controller
//! reads it.
//!
//! For each value a fresh 32-byte session key `K` is drawn, then:
//!
//! ```text
//! sealed = u16_be(len(rsa)) || rsa || aes
//! rsa    = RSA-OAEP(SHA-256, MGF1-SHA-256, label).encrypt(public key, K)
//! aes    = AES-256-GCM(K, nonce = 12 zero bytes, no AAD).seal(plaintext)   // ciphertext || tag
//! ```
//!
//! and the whole is written as standard base64 with padding. The zero nonce is safe because
//! every key encrypts exactly one message.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use rsa::rand_core::TryCryptoRng;
use secrecy::SecretSlice;
use zeroize::Zeroizing;

use crate::backend::{self, AES256_KEY_LEN as SESSION_KEY_LEN, GCM_TAG_LEN as TAG_LEN};
use crate::cert::SealingKey;
use crate::error::{Error, MalformedReason, Result};

/// A sealed value, checked for structure but not opened.
///
/// Parsing needs no private key: it checks the length prefix, that the RSA block is all there
/// and that at least a GCM tag follows. [`Envelope::check_key_size`] then tells whether the RSA
/// block fits a given certificate's key, which is how a values file is linted offline.
///
/// ```
/// # use std::time::SystemTime;
/// use offseal_core::{Envelope, Error, SealingKey, Target};
///
/// let cert = include_bytes!("../fixtures/controller-4096.crt.pem");
/// let key = SealingKey::from_certificate(cert, "controller.crt", SystemTime::now())?;
/// let sealed = offseal_core::seal(&key, &Target::cluster_wide(), b"value")?;
///
/// let envelope = Envelope::from_base64(&sealed)?;
/// assert_eq!(envelope.rsa_size(), 512);
/// assert!(envelope.check_key_size(key.size()).is_ok());
/// assert!(envelope.check_key_size(256).is_err(), "sealed for another key size");
/// assert!(matches!(Envelope::parse(&[0, 9, 1]), Err(Error::Malformed(_))));
/// # Ok::<(), offseal_core::Error>(())
/// ```
#[derive(Clone, PartialEq, Eq)]
pub struct Envelope {
    bytes: Vec<u8>,
    rsa_len: usize,
}

impl Envelope {
    /// Checks the structure of raw (decoded) sealed bytes.
    ///
    /// # Errors
    /// [`Error::Malformed`] naming what is wrong.
    pub fn parse(bytes: &[u8]) -> Result<Envelope> {
        let malformed = |reason| Err(Error::Malformed(reason));
        if bytes.is_empty() {
            return malformed(MalformedReason::Empty);
        }
        let Some((prefix, rest)) = bytes.split_first_chunk::<2>() else {
            return malformed(MalformedReason::NoLengthPrefix);
        };
        let rsa_len = usize::from(u16::from_be_bytes(*prefix));
        if rsa_len == 0 {
            return malformed(MalformedReason::ZeroLength);
        }
        if rest.len() < rsa_len {
            return malformed(MalformedReason::Truncated {
                declared: rsa_len,
                available: rest.len(),
            });
        }
        let after = rest.len() - rsa_len;
        if after < TAG_LEN {
            return malformed(MalformedReason::MissingTag { available: after });
        }
        Ok(Envelope {
            bytes: bytes.to_vec(),
            rsa_len,
        })
    }

    /// Decodes standard base64 (surrounding whitespace ignored) and checks the structure.
    ///
    /// # Errors
    /// [`Error::Base64`] or [`Error::Malformed`].
    pub fn from_base64(text: &str) -> Result<Envelope> {
        let bytes = STANDARD
            .decode(text.trim().as_bytes())
            .map_err(|_| Error::Base64)?;
        Envelope::parse(&bytes)
    }

    /// The wrapped session key.
    #[must_use]
    pub fn rsa_ciphertext(&self) -> &[u8] {
        &self.bytes[2..2 + self.rsa_len]
    }

    /// The AES-GCM ciphertext followed by its tag.
    #[must_use]
    pub fn aes_ciphertext(&self) -> &[u8] {
        &self.bytes[2 + self.rsa_len..]
    }

    /// Length of the plaintext inside, in bytes (GCM does not pad).
    #[must_use]
    pub fn plaintext_len(&self) -> usize {
        self.aes_ciphertext().len() - TAG_LEN
    }

    /// Size in bytes of the RSA key this value was sealed with.
    #[must_use]
    pub fn rsa_size(&self) -> usize {
        self.rsa_len
    }

    /// Checks that the RSA block has the size (in bytes) of a key's modulus, such as
    /// [`SealingKey::size`]: a value sealed for another key size can never be opened by the
    /// controller holding that key.
    ///
    /// # Errors
    /// [`Error::Malformed`] with [`MalformedReason::WrongKeySize`].
    pub fn check_key_size(&self, expected: usize) -> Result<()> {
        if self.rsa_len == expected {
            Ok(())
        } else {
            Err(Error::Malformed(MalformedReason::WrongKeySize {
                found: self.rsa_len,
                expected,
            }))
        }
    }

    /// The raw bytes.
    #[must_use]
    pub fn as_bytes(&self) -> &[u8] {
        &self.bytes
    }

    /// Standard base64 with padding, as the controller expects.
    #[must_use]
    pub fn to_base64(&self) -> String {
        STANDARD.encode(&self.bytes)
    }

    /// Opens the AES-GCM part with an unwrapped session key; `None` if it does not open.
    /// Unwrapping the session key is the job of the private keys ([`crate::UnsealingKeys`]).
    ///
    /// Only a 32-byte (AES-256) key is taken, the only kind kubeseal makes. The controller is
    /// laxer: Go's `aes.NewCipher` also takes 16 and 24 bytes, so a crafted value with an
    /// AES-128 key would open there but not here.
    ///
    /// The plaintext is written once, into a buffer of its exact size that becomes the
    /// [`SecretSlice`]: no reallocation leaves a copy behind in freed memory. On failure the
    /// buffer holds nothing but zeros.
    pub(crate) fn open_with_session_key(&self, session_key: &[u8]) -> Option<SecretSlice<u8>> {
        let session_key: &[u8; SESSION_KEY_LEN] = session_key.try_into().ok()?;
        let (ciphertext, tag) = self.aes_ciphertext().split_at(self.plaintext_len());
        let tag: &[u8; TAG_LEN] = tag.try_into().ok()?;
        let mut plaintext = vec![0u8; ciphertext.len()].into_boxed_slice();
        backend::open_aes256_gcm(session_key, ciphertext, tag, &mut plaintext)
            .then(|| SecretSlice::new(plaintext))
    }
}

impl std::fmt::Debug for Envelope {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Envelope")
            .field("rsa_len", &self.rsa_len)
            .field("plaintext_len", &self.plaintext_len())
            .finish_non_exhaustive()
    }
}

/// Seals `plaintext` for `label` with the system's random number generator.
///
/// # Errors
/// [`Error::Rng`] or [`Error::Encrypt`]; neither happens with a working OS.
pub(crate) fn seal(key: &SealingKey, label: &[u8], plaintext: &[u8]) -> Result<Envelope> {
    seal_with_rng(&mut rand::rngs::SysRng, key, label, plaintext)
}

/// Seals `plaintext` for `label`, drawing the session key and the OAEP seed from `rng`.
///
/// # Errors
/// [`Error::Rng`] when `rng` fails, [`Error::Encrypt`] when a primitive does.
pub(crate) fn seal_with_rng<R: TryCryptoRng + ?Sized>(
    rng: &mut R,
    key: &SealingKey,
    label: &[u8],
    plaintext: &[u8],
) -> Result<Envelope> {
    let mut session_key = Zeroizing::new([0u8; SESSION_KEY_LEN]);
    rng.try_fill_bytes(session_key.as_mut_slice())
        .map_err(|_| Error::Rng)?;

    let rsa = key
        .public()
        .encrypt_oaep(rng, label, session_key.as_slice())?;
    let rsa_len = rsa.len();
    let prefix = u16::try_from(rsa_len).map_err(|_| Error::Encrypt("RSA block over 64 KiB"))?;

    let aes = backend::seal_aes256_gcm(&session_key, plaintext)?;

    let mut bytes = Vec::with_capacity(2 + rsa_len + aes.len());
    bytes.extend_from_slice(&prefix.to_be_bytes());
    bytes.extend_from_slice(&rsa);
    bytes.extend_from_slice(&aes);
    Ok(Envelope { bytes, rsa_len })
}

//! The controller's private keys, for recovery: opening values offline.
//!
//! Accepted, as kubeseal's `--recovery-private-key`: PEM PKCS#1 (`RSA PRIVATE KEY`, how the
//! controller stores `tls.key`) or PKCS#8 (`PRIVATE KEY`); a controller key Secret in YAML or
//! JSON (`data["tls.key"]`); a `v1.List` of them (the usual key backup); several documents.
//! Keys are told apart by their kubeseal fingerprint, so the same key given twice counts once.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use rsa::PrivateKey;
use rsa::pkcs1::DecodeRsaPrivateKey;
use rsa::pkcs8::DecodePrivateKey;
use secrecy::SecretSlice;
use serde_json::Value;

use crate::backend::RsaPrivateKey;
use crate::envelope::Envelope;
use crate::error::{Error, Result};
use crate::scope::Target;
use crate::{kube, pem};

/// A set of private keys; opening a value tries each, as the controller does.
///
/// ```
/// use offseal_core::UnsealingKeys;
///
/// let old = include_bytes!("../fixtures/controller-2048.key.pem");
/// let new = include_bytes!("../fixtures/controller-4096.key.pem");
/// let keys = UnsealingKeys::from_sources([("old.key", &old[..]), ("new.key", &new[..])])?;
/// assert_eq!(keys.len(), 2);
/// assert!(keys.fingerprints().all(|f| f.starts_with("SHA256:")));
/// assert!(UnsealingKeys::from_sources([("junk.key", &b"junk"[..])]).is_err());
/// # Ok::<(), offseal_core::Error>(())
/// ```
#[derive(Default)]
pub struct UnsealingKeys {
    keys: Vec<RsaPrivateKey>,
}

impl UnsealingKeys {
    /// An empty set.
    #[must_use]
    pub fn new() -> UnsealingKeys {
        UnsealingKeys::default()
    }

    /// One call: reads every `(source name, bytes)` pair, see [`UnsealingKeys::add`].
    ///
    /// # Errors
    /// As [`UnsealingKeys::add`], for the first source that fails.
    pub fn from_sources<'a>(
        sources: impl IntoIterator<Item = (&'a str, &'a [u8])>,
    ) -> Result<UnsealingKeys> {
        let mut keys = UnsealingKeys::new();
        for (name, bytes) in sources {
            keys.add(bytes, name)?;
        }
        Ok(keys)
    }

    /// Reads the keys in one file and adds those not yet known; returns how many were read
    /// (duplicates included).
    ///
    /// # Errors
    /// [`Error::PrivateKey`] naming `source_name` and what is wrong: no key found, an encrypted
    /// or non-RSA key, a Secret without `tls.key`.
    pub fn add(&mut self, bytes: &[u8], source_name: &str) -> Result<usize> {
        let fail = |reason: String| Error::PrivateKey {
            source_name: source_name.to_owned(),
            reason,
        };
        let keys = if pem::looks_like_pem(bytes) {
            keys_from_pem(bytes).map_err(fail)?
        } else {
            keys_from_secrets(bytes, source_name)?
        };
        let count = keys.len();
        for key in keys {
            if !self
                .keys
                .iter()
                .any(|k| k.fingerprint() == key.fingerprint())
            {
                self.keys.push(key);
            }
        }
        Ok(count)
    }

    /// Number of distinct keys.
    #[must_use]
    pub fn len(&self) -> usize {
        self.keys.len()
    }

    /// Whether there are none.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.keys.is_empty()
    }

    /// The kubeseal fingerprints of the keys (`SHA256:...`), in the order they were added.
    pub fn fingerprints(&self) -> impl Iterator<Item = &str> {
        self.keys.iter().map(RsaPrivateKey::fingerprint)
    }

    /// Opens a sealed value for `target` with the first key that can.
    ///
    /// # Errors
    /// [`Error::NoPrivateKeys`] for an empty set; [`Error::NoKeyCouldDecrypt`] when no key
    /// opens it, whatever the reason (wrong key, wrong target, tampered bytes): the reason is
    /// not told, as the controller does not tell it. [`Error::Rng`] if the pure-Rust backend
    /// cannot draw the random factors that blind its private-key operation.
    pub fn open(&self, envelope: &Envelope, target: &Target) -> Result<SecretSlice<u8>> {
        self.open_label(envelope, &target.label())
    }

    /// [`UnsealingKeys::open`] for a label as the controller computes it.
    pub(crate) fn open_label(&self, envelope: &Envelope, label: &[u8]) -> Result<SecretSlice<u8>> {
        if self.keys.is_empty() {
            return Err(Error::NoPrivateKeys);
        }
        for key in self.keys.iter().filter(|k| k.size() == envelope.rsa_size()) {
            let Some(session_key) = key.decrypt_oaep(label, envelope.rsa_ciphertext())? else {
                continue;
            };
            if let Some(plaintext) = envelope.open_with_session_key(&session_key) {
                return Ok(plaintext);
            }
        }
        Err(Error::NoKeyCouldDecrypt)
    }

    /// Opens a base64 sealed value for `label`.
    pub(crate) fn open_base64(&self, sealed: &str, label: &[u8]) -> Result<SecretSlice<u8>> {
        self.open_label(&Envelope::from_base64(sealed)?, label)
    }
}

impl std::fmt::Debug for UnsealingKeys {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_list().entries(self.fingerprints()).finish()
    }
}

fn keys_from_pem(bytes: &[u8]) -> std::result::Result<Vec<RsaPrivateKey>, String> {
    if std::str::from_utf8(bytes).is_ok_and(|t| t.contains("Proc-Type: 4,ENCRYPTED")) {
        return Err(encrypted_key_message());
    }
    let blocks = pem::blocks(bytes)?;
    let mut keys = Vec::new();
    for block in &blocks {
        let key = match block.label.as_str() {
            "RSA PRIVATE KEY" => PrivateKey::from_pkcs1_der(&block.der)
                .map_err(|e| format!("bad PKCS#1 RSA private key: {e}"))?,
            "PRIVATE KEY" => PrivateKey::from_pkcs8_der(&block.der)
                .map_err(|e| format!("bad PKCS#8 private key (offseal needs an RSA key): {e}"))?,
            "ENCRYPTED PRIVATE KEY" => return Err(encrypted_key_message()),
            _ => continue,
        };
        keys.push(RsaPrivateKey::new(key)?);
    }
    if keys.is_empty() {
        let labels: Vec<_> = blocks.iter().map(|b| b.label.as_str()).collect();
        return Err(format!(
            "no RSA PRIVATE KEY or PRIVATE KEY block (found {})",
            if labels.is_empty() {
                "none".to_owned()
            } else {
                labels.join(", ")
            }
        ));
    }
    Ok(keys)
}

fn encrypted_key_message() -> String {
    "the private key is encrypted; decrypt it first (openssl pkey -in KEY -out PLAIN)".to_owned()
}

/// Keys from controller key Secrets: a Secret, a `v1.List` of them, or several documents.
fn keys_from_secrets(bytes: &[u8], source_name: &str) -> Result<Vec<RsaPrivateKey>> {
    let fail = |reason: String| Error::PrivateKey {
        source_name: source_name.to_owned(),
        reason,
    };
    let documents = kube::documents(bytes, source_name).map_err(|e| {
        fail(format!(
            "neither a PEM private key nor a Secret with tls.key ({})",
            e.root()
        ))
    })?;
    let secrets = kube::flatten_lists(documents);
    if secrets.is_empty() {
        return Err(fail("no private key found".to_owned()));
    }
    let mut keys = Vec::new();
    for (index, secret) in secrets.iter().enumerate() {
        let name = secret
            .pointer("/metadata/name")
            .and_then(Value::as_str)
            .map_or_else(
                || format!("item {}", index + 1),
                |n| format!("secret {n:?}"),
            );
        let tls_key = secret
            .pointer("/data/tls.key")
            .and_then(Value::as_str)
            .ok_or_else(|| fail(format!("{name}: secret must contain a 'tls.key' key")))?;
        let pem_bytes = zeroize::Zeroizing::new(
            STANDARD
                .decode(tls_key.trim())
                .map_err(|_| fail(format!("{name}: data.tls.key is not valid base64")))?,
        );
        keys.extend(keys_from_pem(&pem_bytes).map_err(|e| fail(format!("{name}: {e}")))?);
    }
    Ok(keys)
}

//! The controller's certificate, and the sealing key taken from it.
//!
//! Like kubeseal, offseal uses the first certificate of a PEM bundle and refuses expired ones.
//! It also accepts DER and a bare `PUBLIC KEY` (which carries no validity to check).

use std::sync::Arc;

use x509_cert::Certificate as X509Certificate;
use x509_cert::der::{Decode, Encode};
use x509_cert::spki::SubjectPublicKeyInfoRef;

use crate::backend::{KeyProblem, MAX_BITS, RsaPublicKey};
use crate::error::{CertificateProblem, Error, Result};
use crate::pem;
use crate::time::Timestamp;

/// The smallest RSA key offseal seals for.
pub const MIN_RSA_BITS: usize = 2048;

const RSA_ENCRYPTION_OID: &str = "1.2.840.113549.1.1.1";

/// What an X.509 certificate says about itself. Absent for a bare public key.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct CertificateInfo {
    /// Subject distinguished name (RFC 4514); the controller's is empty.
    pub subject: String,
    /// Issuer distinguished name (RFC 4514).
    pub issuer: String,
    /// Serial number, upper-case hex.
    pub serial: String,
    /// Start of validity.
    pub not_before: Timestamp,
    /// End of validity.
    pub not_after: Timestamp,
}

/// Whether a certificate can be used at a given time.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Validity {
    /// Within its validity period.
    Valid,
    /// Past `notAfter`.
    Expired,
    /// Before `notBefore`.
    NotYetValid,
    /// A bare public key: nothing to check.
    Unknown,
}

/// A parsed certificate (or bare public key) holding an RSA key of 2048 to 8192 bits.
///
/// ```
/// use std::time::{Duration, SystemTime};
/// use offseal_core::{Certificate, Validity};
///
/// let pem = include_bytes!("../fixtures/controller-4096.crt.pem");
/// let cert = Certificate::parse(pem, "controller.crt")?;
/// assert_eq!(cert.bits(), 4096);
/// // kubeseal's key fingerprint, which `offseal cert` prints and provenance comments record.
/// assert_eq!(cert.fingerprint(), "SHA256:NfQ6GANZ5ZSZ45GsFMFEsYJbj4rlqJiSarri7KWL6ns");
/// // Valid for ten years from 2026-11-30.
/// let in_2040 = SystemTime::UNIX_EPOCH + Duration::from_secs(2_208_988_800);
/// assert_eq!(cert.validity_at(in_2040), Validity::Expired);
/// assert!(cert.sealing_key(in_2040).is_err(), "expired certificates are refused");
///
/// assert!(Certificate::parse(b"not a certificate", "junk.pem").is_err());
/// # Ok::<(), offseal_core::Error>(())
/// ```
#[derive(Clone)]
pub struct Certificate {
    source_name: String,
    key: RsaPublicKey,
    fingerprint: String,
    info: Option<CertificateInfo>,
}

impl Certificate {
    /// Reads the first certificate of a PEM bundle, else a PEM `PUBLIC KEY`, else DER of either.
    ///
    /// `source_name` (a file name or URL) is only used in error messages.
    ///
    /// # Errors
    /// [`Error::Certificate`]: unreadable, not RSA, under [`MIN_RSA_BITS`] or over 8192 bits,
    /// or with a public exponent above 2^31-1 (see [`CertificateProblem`]).
    pub fn parse(bytes: &[u8], source_name: &str) -> Result<Certificate> {
        let fail = |reason| Error::Certificate {
            source_name: source_name.to_owned(),
            reason,
        };
        let (spki_der, info) = if pem::looks_like_pem(bytes) {
            let blocks = pem::blocks(bytes).map_err(|e| fail(CertificateProblem::Unreadable(e)))?;
            if let Some(cert) = blocks.iter().find(|b| b.label == "CERTIFICATE") {
                read_x509(&cert.der).map_err(|e| fail(CertificateProblem::Unreadable(e)))?
            } else if let Some(key) = blocks.iter().find(|b| b.label == "PUBLIC KEY") {
                (key.der.to_vec(), None)
            } else {
                let labels: Vec<_> = blocks.iter().map(|b| b.label.as_str()).collect();
                return Err(fail(CertificateProblem::Unreadable(if labels.is_empty() {
                    "no PEM block found".to_owned()
                } else {
                    format!(
                        "found {} but no CERTIFICATE or PUBLIC KEY",
                        labels.join(", ")
                    )
                })));
            }
        } else if let Ok(parsed) = read_x509(bytes) {
            parsed
        } else if SubjectPublicKeyInfoRef::from_der(bytes).is_ok() {
            (bytes.to_vec(), None)
        } else {
            return Err(fail(CertificateProblem::Unreadable(
                "neither PEM nor a DER certificate or public key".to_owned(),
            )));
        };

        let spki = SubjectPublicKeyInfoRef::from_der(&spki_der).map_err(|e| {
            fail(CertificateProblem::Unreadable(format!(
                "bad public key info: {e}"
            )))
        })?;
        let oid = spki.algorithm.oid.to_string();
        if oid != RSA_ENCRYPTION_OID {
            return Err(fail(CertificateProblem::NotRsa {
                algorithm: algorithm_name(&oid),
            }));
        }
        let key = RsaPublicKey::from_spki_der(&spki_der, MIN_RSA_BITS).map_err(|e| {
            fail(match e {
                KeyProblem::TooSmall(bits) => CertificateProblem::TooSmall { bits },
                KeyProblem::TooLarge(bits) => CertificateProblem::TooLarge {
                    bits,
                    max: MAX_BITS,
                },
                KeyProblem::ExponentTooLarge(exponent) => {
                    CertificateProblem::ExponentTooLarge { exponent }
                }
                KeyProblem::Unreadable(why) => {
                    CertificateProblem::Unreadable(format!("bad RSA public key: {why}"))
                }
            })
        })?;
        Ok(Certificate {
            source_name: source_name.to_owned(),
            fingerprint: key.fingerprint(),
            key,
            info,
        })
    }

    /// Where the certificate came from.
    #[must_use]
    pub fn source_name(&self) -> &str {
        &self.source_name
    }

    /// Subject, issuer, serial and validity; `None` for a bare public key.
    #[must_use]
    pub fn info(&self) -> Option<&CertificateInfo> {
        self.info.as_ref()
    }

    /// RSA modulus size in bits.
    #[must_use]
    pub fn bits(&self) -> usize {
        self.key.bits()
    }

    /// RSA modulus size in bytes: the size of the RSA block of values sealed for this key.
    #[must_use]
    pub fn size(&self) -> usize {
        self.key.size()
    }

    /// The fingerprint kubeseal and the controller use: `SHA256:` and unpadded base64, as
    /// `ssh-keygen -l` prints it.
    #[must_use]
    pub fn fingerprint(&self) -> &str {
        &self.fingerprint
    }

    /// Whether the certificate is valid at `now`.
    #[must_use]
    pub fn validity_at(&self, now: impl Into<Timestamp>) -> Validity {
        let now = now.into();
        match &self.info {
            None => Validity::Unknown,
            Some(info) if now > info.not_after => Validity::Expired,
            Some(info) if now < info.not_before => Validity::NotYetValid,
            Some(_) => Validity::Valid,
        }
    }

    /// What to warn about at `now`: a `notBefore` in the future. kubeseal checks only
    /// `notAfter`, and right after a key rotation a clock a few minutes behind would otherwise
    /// stop sealing, so this is a warning, not a refusal.
    #[must_use]
    pub fn warning_at(&self, now: impl Into<Timestamp>) -> Option<String> {
        match (self.validity_at(now), &self.info) {
            (Validity::NotYetValid, Some(info)) => Some(format!(
                "{}: the certificate is not valid before {} ({}); sealing anyway, as kubeseal \
                 does (is this machine's clock behind?)",
                self.source_name,
                info.not_before.long_date(),
                info.not_before
            )),
            _ => None,
        }
    }

    /// The key to seal with, if the certificate may be used at `now`: it must not be expired.
    /// A `notBefore` in the future is accepted, as kubeseal accepts it (see
    /// [`Certificate::warning_at`]).
    ///
    /// # Errors
    /// [`Error::Certificate`] with [`CertificateProblem::Expired`] (kubeseal's wording).
    pub fn sealing_key(&self, now: impl Into<Timestamp>) -> Result<SealingKey> {
        let fail = |reason| Error::Certificate {
            source_name: self.source_name.clone(),
            reason,
        };
        match (self.validity_at(now), &self.info) {
            (Validity::Expired, Some(info)) => Err(fail(CertificateProblem::Expired {
                on: info.not_after.long_date(),
            })),
            _ => Ok(SealingKey(Arc::new(SealingKeyInner {
                key: self.key.clone(),
                fingerprint: self.fingerprint.clone(),
            }))),
        }
    }
}

impl std::fmt::Debug for Certificate {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Certificate")
            .field("source_name", &self.source_name)
            .field("bits", &self.bits())
            .field("fingerprint", &self.fingerprint)
            .field("info", &self.info)
            .finish()
    }
}

/// The public key values are sealed with. Cheap to clone and to share across threads.
///
/// ```
/// # use std::time::SystemTime;
/// use offseal_core::SealingKey;
///
/// let cert = include_bytes!("../fixtures/controller-3072.crt.pem");
/// let key = SealingKey::from_certificate(cert, "controller.crt", SystemTime::now())?;
/// assert_eq!((key.bits(), key.size()), (3072, 384));
/// assert!(key.fingerprint().starts_with("SHA256:"));
/// # Ok::<(), offseal_core::Error>(())
/// ```
#[derive(Clone)]
pub struct SealingKey(Arc<SealingKeyInner>);

struct SealingKeyInner {
    key: RsaPublicKey,
    fingerprint: String,
}

impl SealingKey {
    /// One call: parse a certificate (see [`Certificate::parse`]) and check it is valid at `now`.
    ///
    /// # Errors
    /// As [`Certificate::parse`] and [`Certificate::sealing_key`].
    pub fn from_certificate(
        bytes: &[u8],
        source_name: &str,
        now: impl Into<Timestamp>,
    ) -> Result<SealingKey> {
        Certificate::parse(bytes, source_name)?.sealing_key(now)
    }

    /// Modulus size in bytes: the size of the RSA block of every value sealed with this key.
    #[must_use]
    pub fn size(&self) -> usize {
        self.0.key.size()
    }

    /// Modulus size in bits.
    #[must_use]
    pub fn bits(&self) -> usize {
        self.0.key.bits()
    }

    /// The kubeseal fingerprint (`SHA256:...`).
    #[must_use]
    pub fn fingerprint(&self) -> &str {
        &self.0.fingerprint
    }

    pub(crate) fn public(&self) -> &RsaPublicKey {
        &self.0.key
    }
}

impl std::fmt::Debug for SealingKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SealingKey")
            .field("bits", &self.bits())
            .field("fingerprint", &self.fingerprint())
            .finish()
    }
}

/// The SubjectPublicKeyInfo DER and the descriptive fields of an X.509 certificate.
fn read_x509(der: &[u8]) -> std::result::Result<(Vec<u8>, Option<CertificateInfo>), String> {
    let cert = X509Certificate::from_der(der).map_err(|e| format!("bad X.509 certificate: {e}"))?;
    let tbs = cert.tbs_certificate();
    let spki = tbs
        .subject_public_key_info()
        .to_der()
        .map_err(|e| format!("bad public key info: {e}"))?;
    // DER integers carry a sign byte; openssl and Go print the magnitude.
    let serial_bytes = tbs.serial_number().as_bytes();
    let first = serial_bytes
        .iter()
        .position(|&b| b != 0)
        .unwrap_or(serial_bytes.len().saturating_sub(1));
    let serial = serial_bytes[first..]
        .iter()
        .map(|b| format!("{b:02X}"))
        .collect();
    let validity = tbs.validity();
    let info = CertificateInfo {
        subject: tbs.subject().to_string(),
        issuer: tbs.issuer().to_string(),
        serial,
        not_before: validity.not_before.to_system_time().into(),
        not_after: validity.not_after.to_system_time().into(),
    };
    Ok((spki, Some(info)))
}

fn algorithm_name(oid: &str) -> String {
    match oid {
        "1.2.840.10045.2.1" => "an ECDSA key".to_owned(),
        "1.3.101.112" => "an Ed25519 key".to_owned(),
        "1.3.101.113" => "an Ed448 key".to_owned(),
        "1.2.840.10040.4.1" => "a DSA key".to_owned(),
        other => format!("a key of algorithm {other}"),
    }
}

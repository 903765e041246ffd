//! Errors of the library: typed, lowercase, with context, and never holding a secret.

use std::fmt;

use crate::azure::TenantInFile;
use crate::scope::Scope;

/// Everything that can go wrong in `offseal-core`.
///
/// Messages name files, paths, lines and scopes, never a plaintext or a key. Decryption failures
/// are deliberately opaque: they only say that no key could open the value.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// A sealed value is not standard base64.
    #[error("sealed value is not valid base64")]
    Base64,

    /// A sealed value does not have the sealed-secrets structure.
    #[error("sealed value is malformed: {0}")]
    Malformed(MalformedReason),

    /// None of the private keys could open a value for its label.
    #[error("no key could decrypt secret")]
    NoKeyCouldDecrypt,

    /// The random number generator failed.
    #[error("the random number generator failed")]
    Rng,

    /// Encryption failed inside the RSA or AES primitive.
    #[error("encryption failed: {0}")]
    Encrypt(&'static str),

    /// A target is missing a namespace that its scope needs.
    #[error("a {scope} target needs a namespace")]
    MissingNamespace {
        /// The scope that needs it.
        scope: Scope,
    },

    /// A strict target is missing its name.
    #[error("a {scope} target needs a name")]
    MissingName {
        /// The scope that needs it.
        scope: Scope,
    },

    /// A namespace or name that Kubernetes would refuse, so a value sealed for it could never
    /// be opened.
    #[error("invalid {what} {value:?}: {reason}")]
    InvalidName {
        /// "namespace" or "name".
        what: &'static str,
        /// The value given (names are not secret).
        value: String,
        /// Why Kubernetes would refuse it.
        reason: String,
    },

    /// A scope name that is not one of the three.
    #[error("unknown scope {0:?}: must be one of: strict, namespace-wide, cluster-wide")]
    UnknownScope(String),

    /// A certificate or public key could not be read.
    #[error("{source_name}: {reason}")]
    Certificate {
        /// Where the certificate came from (a file name or URL).
        source_name: String,
        /// What is wrong with it.
        reason: CertificateProblem,
    },

    /// A private key file could not be read.
    #[error("{source_name}: {reason}")]
    PrivateKey {
        /// Where the key came from.
        source_name: String,
        /// What is wrong with it.
        reason: String,
    },

    /// No private key was given where one is needed.
    #[error("no private keys given")]
    NoPrivateKeys,

    /// A manifest (Secret, SealedSecret, List) could not be read.
    #[error("{source_name}: {reason}")]
    Manifest {
        /// Where the manifest came from.
        source_name: String,
        /// What is wrong with it (never a value).
        reason: String,
    },

    /// A Secret declares one namespace and `--namespace` gives another (kubeseal's message
    /// follows the Secret's name).
    #[error(
        "{source_name}: namespace mismatch: input secret is in namespace {declared:?} but {specified:?} was specified"
    )]
    NamespaceMismatch {
        /// The Secret, as `Secret "ns/name"`.
        source_name: String,
        /// The namespace the Secret declares.
        declared: String,
        /// The namespace given.
        specified: String,
    },

    /// A values file could not be read or edited.
    #[error("{source_name}: {error}")]
    Values {
        /// The file.
        source_name: String,
        /// The editor's error (paths and lines, never values).
        error: offseal_yaml::Error,
    },

    /// Something about a values file that the values logic refuses.
    #[error("{source_name}: {reason}")]
    ValuesContent {
        /// The file.
        source_name: String,
        /// What is wrong (paths and lines, never values).
        reason: String,
    },

    /// A policy file (`.offseal.yaml`) that cannot be used.
    #[error("{source_name}:{line}:{column}: {reason}")]
    Policy {
        /// The policy file.
        source_name: String,
        /// The line (from 1).
        line: usize,
        /// The column (from 1).
        column: usize,
        /// What is wrong.
        reason: String,
    },

    /// A certificate whose fingerprint is not one a pin allows.
    #[error(
        "{source_name}: the certificate's fingerprint is {actual}, but {pinned_by} allows only {}; \
         refusing to seal to a key nobody pinned",
        allowed.join(", ")
    )]
    FingerprintMismatch {
        /// The certificate (file or URL).
        source_name: String,
        /// Its fingerprint.
        actual: String,
        /// The fingerprints the pin allows.
        allowed: Vec<String>,
        /// Where the pin comes from (`--cert-fingerprint`, `rule 2 of .offseal.yaml`).
        pinned_by: String,
    },

    /// Credentials that cannot be right (the message never shows them).
    #[error("invalid credentials: {0}")]
    InvalidCredentials(String),

    /// The credentials give no tenant id and the values file holds no usable one where it
    /// belongs: the chart would deploy with an empty tenant.
    #[error("{source_name}: no tenant id: the credentials give none, and `{path}` {in_file}")]
    NoTenantId {
        /// The file.
        source_name: String,
        /// Where the tenant id belongs: `<block>.azure_tenant_id`.
        path: offseal_yaml::Path,
        /// What the file holds there (never the value itself).
        in_file: TenantInFile,
    },

    /// A value opened or sealed failed: names the item (and the file, when known). The cause
    /// is the [`source`](std::error::Error::source); print the chain to show both.
    #[error("{}{context}", source_name.as_deref().map(|s| format!("{s}: ")).unwrap_or_default())]
    Item {
        /// The file the item is in, when known.
        source_name: Option<String>,
        /// The manifest, item or path in question.
        context: String,
        /// What went wrong.
        #[source]
        error: Box<Error>,
    },
}

impl Error {
    /// Wraps an error with the item, key or path it concerns.
    pub(crate) fn at(self, context: impl Into<String>) -> Self {
        Error::Item {
            source_name: None,
            context: context.into(),
            error: Box::new(self),
        }
    }

    /// Wraps an error with the item it concerns in the file `source_name`.
    pub(crate) fn at_in(self, source_name: &str, context: impl Into<String>) -> Self {
        Error::Item {
            source_name: Some(source_name.to_owned()),
            context: context.into(),
            error: Box::new(self),
        }
    }

    /// A [`Error::Manifest`].
    pub(crate) fn manifest(source_name: &str, reason: impl Into<String>) -> Self {
        Error::Manifest {
            source_name: source_name.to_owned(),
            reason: reason.into(),
        }
    }

    /// The file (or URL) the error is about, when it names one in its message: callers that
    /// print file names themselves use this to avoid naming the file twice.
    #[must_use]
    pub fn source_name(&self) -> Option<&str> {
        match self {
            Error::Certificate { source_name, .. }
            | Error::PrivateKey { source_name, .. }
            | Error::Manifest { source_name, .. }
            | Error::NamespaceMismatch { source_name, .. }
            | Error::Values { source_name, .. }
            | Error::ValuesContent { source_name, .. }
            | Error::NoTenantId { source_name, .. }
            | Error::Policy { source_name, .. } => Some(source_name),
            Error::Item { source_name, .. } => source_name.as_deref(),
            _ => None,
        }
    }

    /// The innermost error, past any [`Error::Item`] context.
    #[must_use]
    pub fn root(&self) -> &Error {
        match self {
            Error::Item { error, .. } => error.root(),
            other => other,
        }
    }
}

/// Why a sealed value is structurally wrong.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum MalformedReason {
    /// The value is empty.
    Empty,
    /// Shorter than the 2-byte length prefix.
    NoLengthPrefix,
    /// The length prefix is zero.
    ZeroLength,
    /// The length prefix claims more bytes than the value holds.
    Truncated {
        /// Bytes the prefix announces for the RSA block.
        declared: usize,
        /// Bytes present after the prefix.
        available: usize,
    },
    /// Nothing (or less than a GCM tag) follows the RSA block.
    MissingTag {
        /// Bytes after the RSA block.
        available: usize,
    },
    /// The RSA block has the size of no RSA key offseal seals for (2048 to 8192 bits); found
    /// without a certificate to compare with.
    ImplausibleKeySize {
        /// Bytes in the RSA block.
        found: usize,
    },
    /// The RSA block is not the size of the key's modulus.
    WrongKeySize {
        /// Bytes in the RSA block.
        found: usize,
        /// Bytes the key's modulus has.
        expected: usize,
    },
}

impl fmt::Display for MalformedReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            MalformedReason::Empty => f.write_str("it is empty"),
            MalformedReason::NoLengthPrefix => f.write_str("shorter than its 2-byte length prefix"),
            MalformedReason::ZeroLength => f.write_str("its length prefix is zero"),
            MalformedReason::Truncated {
                declared,
                available,
            } => write!(
                f,
                "its length prefix announces a {declared}-byte RSA block but only {available} bytes follow"
            ),
            MalformedReason::MissingTag { available } => write!(
                f,
                "only {available} bytes follow the RSA block, less than the 16-byte GCM tag"
            ),
            MalformedReason::ImplausibleKeySize { found } => write!(
                f,
                "its RSA block is {found} bytes, the size of no RSA key offseal seals for (256 \
                 to 1024 bytes: 2048 to 8192 bits)"
            ),
            MalformedReason::WrongKeySize { found, expected } => write!(
                f,
                "its RSA block is {found} bytes, but the certificate's key needs {expected} ({} bits)",
                expected * 8
            ),
        }
    }
}

/// What is wrong with a certificate.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum CertificateProblem {
    /// Neither a PEM certificate, a PEM public key, nor DER.
    Unreadable(String),
    /// The key is not RSA.
    NotRsa {
        /// The algorithm OID or name found.
        algorithm: String,
    },
    /// The RSA key is too small to be safe.
    TooSmall {
        /// Its size.
        bits: usize,
    },
    /// The RSA key is larger than offseal's RSA libraries accept (8192 bits).
    TooLarge {
        /// Its size.
        bits: usize,
        /// The largest size accepted.
        max: usize,
    },
    /// The RSA public exponent is larger than Go's crypto/rsa accepts (2^31-1).
    ExponentTooLarge {
        /// The exponent in decimal, or "a N-bit number" when it does not fit 64 bits.
        exponent: String,
    },
    /// `notAfter` is in the past (kubeseal refuses such certificates too).
    Expired {
        /// `notAfter`, as "January 2, 2006".
        on: String,
    },
}

impl fmt::Display for CertificateProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CertificateProblem::Unreadable(why) => write!(f, "not a certificate: {why}"),
            CertificateProblem::NotRsa { algorithm } => {
                write!(f, "expected an RSA public key but found {algorithm}")
            }
            CertificateProblem::TooSmall { bits } => {
                write!(f, "the RSA key has {bits} bits; at least 2048 are needed")
            }
            CertificateProblem::TooLarge { bits, max } => write!(
                f,
                "the certificate's RSA key is {bits} bits; offseal accepts at most {max} (the \
                 controller's keys are 4096 bits unless its --key-size says otherwise)"
            ),
            CertificateProblem::ExponentTooLarge { exponent } => write!(
                f,
                "the certificate's RSA public exponent is {exponent}; kubeseal, the controller \
                 (Go's crypto/rsa) and offseal accept at most 2147483647 (2^31-1)"
            ),
            CertificateProblem::Expired { on } => {
                write!(f, "failed to encrypt using an expired certificate on {on}")
            }
        }
    }
}

/// A `Result` with this crate's [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;

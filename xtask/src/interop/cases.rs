//! What is sealed and opened: scopes, plaintexts, cases, and the negative cases.

use std::fmt;
use std::path::{Path, PathBuf};

use anyhow::Result;

use super::{NAME, NAMESPACE, with_ext};
use crate::paths::{Paths, write_file};

/// A sealing scope, spelled as both offseal and kubesealpy spell it.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum Scope {
    /// Label `"<ns>/<name>"`.
    Strict,
    /// Label `"<ns>"`.
    NamespaceWide,
    /// Label `""`.
    ClusterWide,
}

impl Scope {
    /// Every scope, strictest first.
    pub(super) const ALL: [Self; 3] = [Self::Strict, Self::NamespaceWide, Self::ClusterWide];

    /// The `--scope` value (and kubesealpy's `SealingScope` value).
    pub(super) fn as_str(self) -> &'static str {
        match self {
            Self::Strict => "strict",
            Self::NamespaceWide => "namespace-wide",
            Self::ClusterWide => "cluster-wide",
        }
    }
}

impl fmt::Display for Scope {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One plaintext, kept in a file under the work directory.
pub(super) struct Plain {
    /// Short name, also the key in sealed manifests (a valid Secret data key).
    pub(super) id: &'static str,
    /// The exact bytes.
    pub(super) bytes: Vec<u8>,
    /// The file holding them.
    pub(super) path: PathBuf,
}

/// The plaintexts every direction is checked with.
fn plaintexts() -> Vec<(&'static str, Vec<u8>)> {
    const PRINTABLE: &[u8; 64] =
        b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789~.";
    // 64 KiB of varied ASCII (so that the npm package, which seals strings, can take it too).
    let mut state: u64 = 0x0ff5_ea15;
    let big = (0..64 * 1024)
        .map(|_| {
            state = state
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407);
            PRINTABLE[usize::try_from(state >> 58).unwrap_or(0)]
        })
        .collect();
    vec![
        ("guid", b"3f2504e0-4f89-41d3-9a0c-0305e82c3301".to_vec()),
        (
            "client-secret",
            b"q8R~vT3._kLm9~Zx2Np7.Wd4_Hs6Jf1~Ab5Cy0Eg".to_vec(),
        ),
        ("empty", Vec::new()),
        ("trailing-newline", b"s3cr3t-value\n".to_vec()),
        (
            "unicode",
            "p\u{e4}ssw\u{f6}rd \u{2013} \u{79d8}\u{5bc6} \u{1f511} e\u{301} \u{feff}"
                .as_bytes()
                .to_vec(),
        ),
        ("all-bytes", (0..=255u8).collect()),
        ("64KiB", big),
    ]
}

/// Writes the plaintexts into `WORK/plain/`.
pub(super) fn write_plaintexts(work: &Path) -> Result<Vec<Plain>> {
    plaintexts()
        .into_iter()
        .map(|(id, bytes)| {
            let path = work.join("plain").join(id);
            write_file(&path, &bytes)?;
            Ok(Plain { id, bytes, path })
        })
        .collect()
}

/// One sealed value: key size, scope and plaintext.
#[derive(Clone, Copy)]
pub(super) struct Case<'a> {
    /// Key size.
    pub(super) bits: u32,
    /// Scope sealed for.
    pub(super) scope: Scope,
    /// The plaintext.
    pub(super) plain: &'a Plain,
}

impl Case<'_> {
    /// A file name stem for this case.
    pub(super) fn tag(&self) -> String {
        format!("{}-{}-{}", self.bits, self.scope, self.plain.id)
    }
}

impl fmt::Display for Case<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {} ({})", self.scope, self.bits, self.plain.id)
    }
}

/// A value offseal sealed strictly for `ns-a/app` that a decryptor is asked to open wrongly.
pub(super) struct Negative {
    /// Key size of the value.
    pub(super) bits: u32,
    /// The sealed value.
    pub(super) sealed: PathBuf,
    /// Namespace the decryptor is told (the label it tries is `"<namespace>/app"`).
    pub(super) namespace: &'static str,
    /// Whether the decryptor gets the rotated key instead of the right one.
    pub(super) rotated_key: bool,
}

impl Negative {
    /// The private key the decryptor is given.
    pub(super) fn key(&self, paths: &Paths) -> PathBuf {
        if self.rotated_key {
            paths.keys.join("rotated-4096.key.pem")
        } else {
            paths.key(self.bits)
        }
    }

    /// The output file of a decryptor's attempt.
    pub(super) fn out(&self, who: &str) -> PathBuf {
        let how = if self.rotated_key {
            "rotated"
        } else {
            self.namespace
        };
        with_ext(&self.sealed, &format!("{who}.{how}.out"))
    }
}

impl fmt::Display for Negative {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.rotated_key {
            write!(f, "strict {} (guid) with the rotated-4096 key", self.bits)
        } else {
            write!(
                f,
                "strict {} (guid) sealed for {NAMESPACE}/{NAME} as {}/{NAME}",
                self.bits, self.namespace
            )
        }
    }
}

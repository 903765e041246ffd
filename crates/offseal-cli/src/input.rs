//! Reading what commands need: certificates, keys, values, manifests.

use std::fs;
use std::io::{self, IsTerminal, Read};
use std::path::Path;
use std::time::SystemTime;

use anyhow::{Context, Result, bail};
use offseal_core::{Certificate, SealingKey, UnsealingKeys};
use zeroize::Zeroizing;

use crate::{fetch, write};

const MIB: usize = 1024 * 1024;

/// The most offseal reads from one input, and the words for it when an input is larger.
/// Generous: each is many times what a real input of its kind holds, and small enough that
/// `--from-file /dev/zero` is an error, not an exhausted machine. The README lists them.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Limit {
    /// What the input holds: "a secret value".
    what: &'static str,
    /// The flag or argument that names it.
    flag: &'static str,
    /// In bytes.
    max: usize,
}

impl Limit {
    /// One secret value (a Kubernetes Secret holds at most 1 MiB in all).
    pub(crate) const fn secret(flag: &'static str) -> Self {
        Self::new("a secret value", flag, 4 * MIB)
    }
    /// A stream of Secret or SealedSecret manifests.
    pub(crate) const fn manifests(flag: &'static str) -> Self {
        Self::new("manifests", flag, 64 * MIB)
    }
    /// A Helm values file.
    pub(crate) const VALUES_FILE: Self = Self::new("a values file", "FILE", 64 * MIB);
    /// A certificate (a few KiB), from a file, stdin or a URL.
    pub(crate) const CERTIFICATE: Self = Self::new("a certificate", "--cert", MIB);
    /// A file of private keys: PEM, or a Secret or List of the controller's key Secrets.
    pub(crate) const PRIVATE_KEYS: Self =
        Self::new("a private key file", "--recovery-private-key", 4 * MIB);
    /// The JSON `az ad sp create-for-rbac` prints.
    pub(crate) const CREDENTIALS: Self = Self::new("a credentials file", "--credentials", MIB);
    /// A kubeconfig file, read for kubeseal's namespace (certificates inline make it large).
    pub(crate) const KUBECONFIG: Self = Self::new("a kubeconfig file", "--kubeconfig", 16 * MIB);
    /// A repository policy file, `.offseal.yaml`.
    pub(crate) const POLICY: Self = Self::new("a policy file", ".offseal.yaml", MIB);
    /// One sealed value, as base64.
    pub(crate) const SEALED_VALUE: Self = Self::new("a sealed value", "--from-file", 8 * MIB);

    const fn new(what: &'static str, flag: &'static str, max: usize) -> Self {
        Self { what, flag, max }
    }

    /// The most a body fetched for this input may hold.
    pub(crate) fn max_bytes(self) -> u64 {
        u64::try_from(self.max).unwrap_or(u64::MAX)
    }

    /// The error for an input named `shown` that is larger than the limit.
    pub(crate) fn exceeded(self, shown: &str) -> anyhow::Error {
        let max = if self.max.is_multiple_of(MIB) {
            format!("{} MiB", self.max / MIB)
        } else {
            format!("{} bytes", self.max)
        };
        anyhow::anyhow!(
            "{shown} is larger than {max}, the limit for {} ({})",
            self.what,
            self.flag
        )
    }
}

/// Reads a file, or stdin for `None` or `-`, up to `limit`. The bytes may be a secret, so they
/// are wiped when dropped. On a terminal, says what stdin is expected to hold.
pub(crate) fn read_input(
    path: Option<&str>,
    expecting: &str,
    limit: Limit,
) -> Result<Zeroizing<Vec<u8>>> {
    match path {
        None | Some("-") => {
            let stdin = io::stdin();
            if stdin.is_terminal() {
                write::to_stderr(&format!(
                    "(tty detected: expecting {expecting} on stdin; end with Ctrl-D)"
                ));
            }
            read_limited(stdin.lock(), 0, limit, "stdin")
        }
        Some(path) => read_file(Path::new(path), limit, path),
    }
}

/// Reads the file at `path` (shown as `shown`) up to `limit`, wiping the bytes on drop.
pub(crate) fn read_file(path: &Path, limit: Limit, shown: &str) -> Result<Zeroizing<Vec<u8>>> {
    let file = fs::File::open(path).with_context(|| format!("cannot open {shown}"))?;
    let size = file.metadata().map_or(0, |m| m.len());
    read_limited(
        file,
        usize::try_from(size).unwrap_or(usize::MAX),
        limit,
        shown,
    )
}

/// Reads `reader` to its end, but no more than `limit` allows. `size_hint` (the file's size,
/// or 0) sizes the buffer once; when it must grow, the bytes move to a new buffer and the old
/// one is wiped, so no copy of a secret is left in freed memory (as `read_to_end` would).
pub(crate) fn read_limited(
    mut reader: impl Read,
    size_hint: usize,
    limit: Limit,
    shown: &str,
) -> Result<Zeroizing<Vec<u8>>> {
    // Zeroing a bounded chunk before each read keeps the work linear in the input.
    const CHUNK: usize = 64 * 1024;
    // One byte over the limit tells "exactly the limit" from "larger".
    let most = limit.max.saturating_add(1);
    let mut buf = Zeroizing::new(Vec::with_capacity(size_hint.saturating_add(1).min(most)));
    loop {
        if buf.len() == buf.capacity() {
            let mut bigger = Zeroizing::new(Vec::with_capacity(
                buf.capacity().saturating_mul(2).clamp(8 * 1024, most),
            ));
            bigger.extend_from_slice(&buf);
            buf = bigger;
        }
        let filled = buf.len();
        let room = (buf.capacity() - filled).min(CHUNK);
        buf.resize(filled + room, 0);
        let got = match reader.read(&mut buf[filled..]) {
            Ok(0) => {
                buf.truncate(filled);
                return Ok(buf);
            }
            Ok(n) => n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => 0,
            Err(e) => {
                buf.truncate(filled);
                return Err(e).with_context(|| format!("cannot read {shown}"));
            }
        };
        buf.truncate(filled + got);
        if buf.len() > limit.max {
            return Err(limit.exceeded(shown));
        }
    }
}

/// `--trim-newline` removes one trailing newline; without it a trailing newline is kept (as
/// kubeseal keeps it) with a warning, since it is nearly always `echo` where `printf` was meant.
pub(crate) fn settle_trailing_newline(value: &mut Vec<u8>, trim: bool) {
    if trim {
        trim_one_newline(value);
    } else if value.ends_with(b"\n") {
        write::to_stderr(
            "warning: the value ends with a newline, which is kept; \
             use printf instead of echo, or --trim-newline",
        );
    }
}

/// Refuses an empty value unless `allow_empty`: a producer that failed upstream of a pipe
/// (`vault read ... | offseal set ...`) leaves stdin empty, and sealing that ships an empty
/// secret.
pub(crate) fn refuse_empty(value: &[u8], allow_empty: bool) -> Result<()> {
    if value.is_empty() && !allow_empty {
        anyhow::bail!(
            "the value is empty, so nothing was sealed (did the command feeding stdin fail?); \
             give --allow-empty to seal an empty value"
        );
    }
    Ok(())
}

/// Removes one trailing `\n` or `\r\n`.
fn trim_one_newline(value: &mut Vec<u8>) {
    if value.ends_with(b"\r\n") {
        value.truncate(value.len() - 2);
    } else if value.ends_with(b"\n") {
        value.truncate(value.len() - 1);
    }
}

/// kubeseal's `--from-file [key=]path`: the key is ignored for a single value.
pub(crate) fn from_file_path(arg: &str) -> &str {
    match arg.split_once('=') {
        Some((_, path)) if !Path::new(arg).exists() => path,
        _ => arg,
    }
}

/// Whether an input argument (`None`: stdin) reads stdin.
pub(crate) fn reads_stdin(source: Option<&str>) -> bool {
    matches!(source, None | Some("-" | "/dev/stdin"))
}

/// Refuses, before anything is read, a command line on which several inputs (each named, with
/// whether it reads stdin) ask for stdin: the first would read it to its end and leave the
/// next nothing (an empty secret, sealed).
pub(crate) fn refuse_stdin_twice(inputs: &[(bool, &str)]) -> Result<()> {
    let readers: Vec<&str> = inputs
        .iter()
        .filter_map(|&(reads, what)| reads.then_some(what))
        .collect();
    match readers.as_slice() {
        [] | [_] => Ok(()),
        [first @ .., last] => bail!(
            "stdin can be read only once: {} and {last} {} ask for it",
            first.join(", "),
            if readers.len() == 2 { "both" } else { "all" }
        ),
    }
}

/// The bytes of a certificate: a file, `-` for stdin, or an `http(s)://` or `file://` URL.
pub(crate) fn certificate_bytes(source: &str) -> Result<Vec<u8>> {
    let limit = Limit::CERTIFICATE;
    match fetch::classify(source)? {
        fetch::CertSource::File(path) => {
            Ok(read_input(Some(path), "a PEM certificate", limit)?.to_vec())
        }
        fetch::CertSource::FileUrl(path) => {
            Ok(read_file(Path::new(&path), limit, source)?.to_vec())
        }
        fetch::CertSource::Http(url) => fetch::http_get(url, limit),
    }
}

/// Reads and parses a certificate without judging its dates.
pub(crate) fn certificate(source: &str) -> Result<Certificate> {
    Ok(Certificate::parse(
        &certificate_bytes(source)?,
        &fetch::shown(source),
    )?)
}

/// The key to seal with: the certificate must not be expired; one not valid yet is used with
/// a warning, as kubeseal uses it.
pub(crate) fn sealing_key(source: &str) -> Result<SealingKey> {
    let cert = certificate(source)?;
    let now = SystemTime::now();
    let key = cert.sealing_key(now)?;
    if let Some(warning) = cert.warning_at(now) {
        write::to_stderr(&format!("warning: {warning}"));
    }
    Ok(key)
}

/// Every private key in every file.
pub(crate) fn unsealing_keys(paths: &[impl AsRef<Path>]) -> Result<UnsealingKeys> {
    let mut keys = UnsealingKeys::new();
    for path in paths {
        let path = path.as_ref();
        let name = path.display().to_string();
        let bytes = read_file(path, Limit::PRIVATE_KEYS, &name)
            .with_context(|| format!("cannot read private key {name}"))?;
        keys.add(&bytes, &name)?;
    }
    Ok(keys)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A reader that hands out `chunk` bytes at a time, `total` in all.
    struct Trickle {
        total: usize,
        chunk: usize,
    }

    impl Read for Trickle {
        fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
            let n = self.total.min(self.chunk).min(buf.len());
            buf[..n].fill(b'x');
            self.total -= n;
            Ok(n)
        }
    }

    #[test]
    fn reads_up_to_the_limit_and_no_further() {
        let limit = Limit::new("a test input", "--test", 100_000);
        for (total, chunk, hint) in [
            (0, 1, 0),
            (99_999, 7, 0),
            (100_000, 4096, 0),
            (100_000, 100_000, 100_000),
            (5, 5, 1_000_000),
        ] {
            let got = read_limited(Trickle { total, chunk }, hint, limit, "in").unwrap();
            assert_eq!(got.len(), total, "{total} bytes by {chunk}");
        }
        for (total, chunk, hint) in [
            (100_001, 4096, 0),
            (100_001, 100_001, 100_001),
            (usize::MAX, 65536, 0),
        ] {
            let err = read_limited(Trickle { total, chunk }, hint, limit, "in").unwrap_err();
            assert_eq!(
                err.to_string(),
                "in is larger than 100000 bytes, the limit for a test input (--test)"
            );
        }
    }

    #[test]
    fn trims_exactly_one_newline() {
        for (input, expected) in [
            (&b"a\n"[..], &b"a"[..]),
            (b"a\r\n", b"a"),
            (b"a\n\n", b"a\n"),
            (b"a", b"a"),
            (b"", b""),
        ] {
            let mut v = input.to_vec();
            trim_one_newline(&mut v);
            assert_eq!(v, expected);
        }
    }
}

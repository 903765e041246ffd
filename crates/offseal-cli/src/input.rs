//! Reading what commands need: certificates, keys, values, manifests.

use std::fs;
use std::io::{IsTerminal, Read};
use std::path::Path;
use std::time::SystemTime;

use anyhow::{Context, Result};
use offseal_core::{Certificate, SealingKey, UnsealingKeys};
use zeroize::Zeroizing;

use crate::fetch;

/// Reads a file, or stdin for `None` or `-`. The bytes may be a secret, so they are wiped
/// when dropped. On a terminal, says what stdin is expected to hold.
pub(crate) fn read_input(path: Option<&str>, expecting: &str) -> Result<Zeroizing<Vec<u8>>> {
    let mut bytes = Zeroizing::new(Vec::new());
    match path {
        None | Some("-") => {
            let stdin = std::io::stdin();
            if stdin.is_terminal() {
                eprintln!("(tty detected: expecting {expecting} on stdin; end with Ctrl-D)");
            }
            stdin
                .lock()
                .read_to_end(&mut bytes)
                .context("cannot read stdin")?;
        }
        Some(path) => {
            let mut file = fs::File::open(path).with_context(|| format!("cannot open {path}"))?;
            file.read_to_end(&mut bytes)
                .with_context(|| format!("cannot read {path}"))?;
        }
    }
    Ok(bytes)
}

/// `--trim-newline` removes one trailing newline; without it a trailing newline is kept (as
/// kubeseal keeps it) with a warning, since it is nearly always `echo` where `printf` was meant.
pub(crate) fn settle_trailing_newline(value: &mut Vec<u8>, trim: bool) {
    if trim {
        trim_one_newline(value);
    } else if value.ends_with(b"\n") {
        eprintln!(
            "warning: the value ends with a newline, which is kept; \
             use printf instead of echo, or --trim-newline"
        );
    }
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

/// The bytes of a certificate: a file, `-` for stdin, or an `http(s)://` or `file://` URL.
pub(crate) fn certificate_bytes(source: &str) -> Result<Vec<u8>> {
    match fetch::classify(source)? {
        fetch::CertSource::File(path) => Ok(read_input(Some(path), "a PEM certificate")?.to_vec()),
        fetch::CertSource::FileUrl(path) => {
            fs::read(&path).with_context(|| format!("cannot open {path} (from {source})"))
        }
        fetch::CertSource::Http(url) => fetch::http_get(url),
    }
}

/// Reads and parses a certificate without judging its dates.
pub(crate) fn certificate(source: &str) -> Result<Certificate> {
    Ok(Certificate::parse(&certificate_bytes(source)?, source)?)
}

/// The key to seal with: the certificate must be valid today.
pub(crate) fn sealing_key(source: &str) -> Result<SealingKey> {
    Ok(certificate(source)?.sealing_key(SystemTime::now())?)
}

/// Every private key in every file.
pub(crate) fn unsealing_keys(paths: &[impl AsRef<Path>]) -> Result<UnsealingKeys> {
    let mut keys = UnsealingKeys::new();
    for path in paths {
        let path = path.as_ref();
        let name = path.display().to_string();
        let bytes = Zeroizing::new(
            fs::read(path).with_context(|| format!("cannot read private key {name}"))?,
        );
        keys.add(&bytes, &name)?;
    }
    Ok(keys)
}

#[cfg(test)]
mod tests {
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
            super::trim_one_newline(&mut v);
            assert_eq!(v, expected);
        }
    }
}

//! `--cert` from a URL: the controller's `/v1/cert.pem` endpoint (often behind an ingress),
//! `http://`, `https://` (rustls, the system's roots) or `file://`. Proxy variables
//! (`HTTPS_PROXY`, `HTTP_PROXY`, `ALL_PROXY`, `NO_PROXY`) are honoured.
//!
//! The certificate decides who can read every secret sealed with it, so its transport matters:
//! an `https://` fetch never follows a redirect to plain http, and an `http://` fetch works but
//! warns on stderr.

use std::sync::Arc;
use std::time::Duration;

use anyhow::{Context, Result, anyhow, bail};
use ureq::tls::{RootCerts, TlsConfig};

use crate::input::Limit;

/// Seconds a fetch may take in all; `OFFSEAL_CERT_TIMEOUT` changes it.
const DEFAULT_TIMEOUT_SECS: u64 = 30;
/// The longest `OFFSEAL_CERT_TIMEOUT` may ask for: a day. (Far longer durations overflow the
/// clock arithmetic underneath.)
const MAX_TIMEOUT_SECS: f64 = 86_400.0;

/// What a `--cert` value names.
pub(crate) enum CertSource<'a> {
    /// A local file (or `-` for stdin).
    File(&'a str),
    /// An `http://` or `https://` URL.
    Http(&'a str),
    /// A `file://` URL, as its local path.
    FileUrl(String),
}

/// Tells a URL from a file name as kubeseal does: a scheme of two or more letters before
/// `://` is a URL (a Windows drive letter is not).
pub(crate) fn classify(source: &str) -> Result<CertSource<'_>> {
    let Some((scheme, rest)) = source.split_once("://") else {
        return Ok(CertSource::File(source));
    };
    if scheme.len() < 2
        || !scheme
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "+.-".contains(c))
    {
        return Ok(CertSource::File(source));
    }
    match scheme.to_ascii_lowercase().as_str() {
        "http" | "https" => Ok(CertSource::Http(source)),
        "file" => Ok(CertSource::FileUrl(percent_decode(
            rest.strip_prefix("localhost").unwrap_or(rest),
        )?)),
        other => bail!(
            "unsupported URL scheme {other:?} in --cert {}: use a file, http(s):// or file://",
            shown(source)
        ),
    }
}

/// GETs `url`, following redirects (but never from https to http), and returns the body of a
/// 200 response, no larger than `limit`. A plain `http://` URL gets a warning on stderr.
pub(crate) fn http_get(url: &str, limit: Limit) -> Result<Vec<u8>> {
    let timeout = timeout()?;
    let shown = shown(url);
    let https = url
        .get(..8)
        .is_some_and(|scheme| scheme.eq_ignore_ascii_case("https://"));
    if !https {
        crate::write::to_stderr(&format!(
            "warning: fetching the certificate over plain http ({shown}): anyone on the network \
             path can substitute their own certificate, and every secret sealed with it is \
             theirs to read; use https, or seal with a copy of the certificate whose \
             fingerprint (offseal cert FILE) you have checked against the controller's"
        ));
    }
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .timeout_global(Some(timeout))
        // Every hop of an https fetch must be https: a redirect to http would hand the
        // certificate to anyone on the path.
        .https_only(https)
        .http_status_as_error(false)
        .user_agent(concat!("offseal/", env!("CARGO_PKG_VERSION")))
        .tls_config(
            TlsConfig::builder()
                .root_certs(RootCerts::PlatformVerifier)
                // AWS-LC, which the RSA backend links anyway: one C crypto library.
                .unversioned_rustls_crypto_provider(Arc::new(
                    rustls::crypto::aws_lc_rs::default_provider(),
                ))
                .build(),
        )
        .build()
        .into();
    let mut response = agent.get(url).call().map_err(|e| match e {
        ureq::Error::Timeout(_) => anyhow!(
            "cannot fetch {shown:?}: no answer within {}s (OFFSEAL_CERT_TIMEOUT sets the limit)",
            timeout.as_secs_f64()
        ),
        ureq::Error::RequireHttpsOnly(to) => anyhow!(
            "cannot fetch {shown:?}: it redirects to {:?}, plain http; offseal does not follow \
             a redirect from https to http, where anyone on the path could substitute the \
             certificate (give the https address of the certificate instead)",
            self::shown(&to)
        ),
        other => anyhow!(
            "cannot fetch {shown:?}: {}",
            without(&other.to_string(), url)
        ),
    })?;
    let status = response.status();
    if status != ureq::http::StatusCode::OK {
        // kubeseal's wording.
        bail!(
            "cannot fetch {shown:?}: {} {}",
            status.as_u16(),
            status.canonical_reason().unwrap_or_default()
        );
    }
    // One byte over the limit tells "exactly the limit" from "larger".
    let body = response
        .body_mut()
        .with_config()
        .limit(limit.max_bytes().saturating_add(1))
        .read_to_vec();
    match body {
        Ok(body) if body.len() as u64 > limit.max_bytes() => Err(limit.exceeded(&shown)),
        Err(ureq::Error::BodyExceedsLimit(_)) => Err(limit.exceeded(&shown)),
        other => other.with_context(|| format!("cannot read the certificate from {shown:?}")),
    }
}

/// `url` as messages show it: a password or token in its user part or query is replaced by
/// `***` (`https://***@host/cert.pem?***`).
pub(crate) fn shown(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return url.to_owned();
    };
    let authority_end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let (authority, tail) = rest.split_at(authority_end);
    let host = authority
        .rsplit_once('@')
        .map_or(authority.to_owned(), |(_, host)| format!("***@{host}"));
    let (path, fragment) = tail
        .split_once('#')
        .map_or((tail, None), |(p, f)| (p, Some(f)));
    let path = match path.split_once('?') {
        Some((path, query)) if !query.is_empty() => format!("{path}?***"),
        _ => path.to_owned(),
    };
    let fragment = fragment.map(|f| format!("#{f}")).unwrap_or_default();
    format!("{scheme}://{host}{path}{fragment}")
}

/// `message` with every copy of `url` shown as [`shown`] shows it.
fn without(message: &str, url: &str) -> String {
    message.replace(url, &shown(url))
}

fn timeout() -> Result<Duration> {
    match std::env::var("OFFSEAL_CERT_TIMEOUT") {
        Err(_) => Ok(Duration::from_secs(DEFAULT_TIMEOUT_SECS)),
        Ok(text) => text
            .trim()
            .parse::<f64>()
            .ok()
            .filter(|s| *s > 0.0 && *s <= MAX_TIMEOUT_SECS)
            .and_then(|s| Duration::try_from_secs_f64(s).ok())
            .ok_or_else(|| {
                anyhow!(
                    "OFFSEAL_CERT_TIMEOUT must be a number of seconds above 0 and at most \
                     {MAX_TIMEOUT_SECS}, not {text:?}"
                )
            }),
    }
}

/// `%20` and friends in a `file://` path.
fn percent_decode(text: &str) -> Result<String> {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = text
                .get(i + 1..i + 3)
                .and_then(|h| u8::from_str_radix(h, 16).ok())
                .ok_or_else(|| anyhow!("bad %-escape in the file URL {text:?}"))?;
            out.push(hex);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).map_err(|_| anyhow!("the file URL {text:?} is not UTF-8"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_and_files_are_told_apart() {
        assert!(matches!(
            classify("cert.pem").unwrap(),
            CertSource::File("cert.pem")
        ));
        assert!(matches!(
            classify("C://x/cert.pem").unwrap(),
            CertSource::File(_)
        ));
        assert!(matches!(
            classify("https://h/v1/cert.pem").unwrap(),
            CertSource::Http(_)
        ));
        assert!(matches!(
            classify("HTTP://h/").unwrap(),
            CertSource::Http(_)
        ));
        match classify("file:///tmp/my%20cert.pem").unwrap() {
            CertSource::FileUrl(path) => assert_eq!(path, "/tmp/my cert.pem"),
            _ => panic!("not a file URL"),
        }
        match classify("file://localhost/etc/c.pem").unwrap() {
            CertSource::FileUrl(path) => assert_eq!(path, "/etc/c.pem"),
            _ => panic!("not a file URL"),
        }
        assert!(classify("ftp://h/c.pem").is_err());
        assert!(classify("file:///bad%zz").is_err());
    }

    #[test]
    fn passwords_and_tokens_in_urls_are_not_shown() {
        for (url, expected) in [
            ("https://h/v1/cert.pem", "https://h/v1/cert.pem"),
            ("https://u:pw@h:8443/c.pem", "https://***@h:8443/c.pem"),
            ("http://h/c?token=abc#f", "http://h/c?***#f"),
            ("https://tok@h?x=1", "https://***@h?***"),
            ("https://h/a@b", "https://h/a@b"),
            ("cert.pem", "cert.pem"),
        ] {
            assert_eq!(shown(url), expected, "{url}");
        }
        let Err(bad) = classify("ftp://u:s3cret@h/c.pem") else {
            panic!("ftp is refused")
        };
        let bad = bad.to_string();
        assert!(!bad.contains("s3cret"), "{bad}");
    }
}

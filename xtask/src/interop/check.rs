//! Judging the outcomes: what each job left, compared byte for byte, one line per check.

use std::fmt;
use std::fs;
use std::path::{Path, PathBuf};

use serde_json::Value;

use super::cases::{Case, Negative, Scope};
use super::offseal::{offseal_refusal, offseal_result};
use super::{
    CRYPTOGRAPHY_REFUSAL, Harness, KUBESEALPY_REFUSAL, Manifest, NAME, NAMESPACE, NpmSealed,
    OTHER_NAMESPACE, OffsealSealed, with_ext,
};

impl Harness<'_> {
    /// a. kubesealpy and decrypt.py opened offseal's values to the exact plaintexts.
    pub(super) fn check_offseal_sealed(&self, sealed: &[OffsealSealed<'_>], report: &mut Report) {
        for (case, path, outcome) in sealed {
            for (who, file) in [("kubesealpy", "kubesealpy"), ("decrypt.py", "decrypt")] {
                let result = match outcome {
                    Err(why) => Err(format!("offseal raw failed: {why}")),
                    Ok(()) => {
                        let opened = job_outcome(&with_ext(path, &format!("{file}.out")));
                        expect_bytes(&case.plain.bytes, opened)
                    }
                };
                report.check(&format!("{who} opens offseal {case}"), result);
            }
        }
    }

    /// b. `offseal unseal --raw` opens kubesealpy's values, and `offseal unseal -f` its
    /// SealedSecrets, to the exact plaintexts.
    pub(super) fn check_kubesealpy_sealed(
        &self,
        sealed: &[(Case<'_>, PathBuf)],
        manifests: &[Manifest],
        report: &mut Report,
    ) {
        for (case, path) in sealed {
            let result = self.offseal_opens(case, case.scope, path, "kubesealpy");
            report.check(&format!("offseal opens kubesealpy {case}"), result);
        }
        let expected: Vec<(&str, &[u8])> = self
            .plains
            .iter()
            .map(|p| (p.id, p.bytes.as_slice()))
            .collect();
        for (bits, scope, format, manifest) in manifests {
            let result = match job_outcome(manifest) {
                JobOutcome::Done(_) => offseal_result(
                    self.offseal
                        .unseal_manifest(&self.paths.key(*bits), manifest),
                )
                .and_then(|stdout| check_secret(&stdout, &expected)),
                other => Err(format!("kubesealpy did not seal: {other}")),
            };
            let what = format!(
                "offseal unseal -f opens kubesealpy SealedSecret {scope} {bits} ({format}, {} keys)",
                expected.len()
            );
            report.check(&what, result);
        }
    }

    /// c. Node's SPKI extraction matches testdata's, and `offseal unseal --raw` opens npm's
    /// values to the exact plaintexts.
    pub(super) fn check_npm_sealed(&self, npm: &NpmSealed<'_>, report: &mut Report) {
        let result = same_pem(
            &self.paths.keys.join("controller-4096.pub.pem"),
            &npm.spki_4096,
        );
        report.check(
            "node SPKI of controller-4096.crt.pem equals testdata controller-4096.pub.pem",
            result,
        );
        for (case, path) in &npm.sealed {
            let what = format!("offseal opens npm {case}");
            match path {
                Some(path) => report.check(
                    &what,
                    self.offseal_opens(case, Scope::NamespaceWide, path, "npm"),
                ),
                None => report.not_applicable(
                    &what,
                    "the package seals a JS string (UTF-8): these bytes are not UTF-8",
                ),
            }
        }
    }

    /// d. Every decryptor refuses a value under the wrong label or key.
    pub(super) fn check_refusals(
        &self,
        negatives: &[Negative],
        kubesealpy_sealed: &[(Case<'_>, PathBuf)],
        npm: &NpmSealed<'_>,
        report: &mut Report,
    ) {
        for negative in negatives {
            let refused =
                expect_refusal(job_outcome(&negative.out("kubesealpy")), KUBESEALPY_REFUSAL);
            report.check(&format!("kubesealpy refuses offseal {negative}"), refused);
            let refused =
                expect_refusal(job_outcome(&negative.out("decrypt")), CRYPTOGRAPHY_REFUSAL);
            report.check(&format!("decrypt.py refuses offseal {negative}"), refused);
        }
        let guid = |case: &Case<'_>| case.plain.id == "guid";
        for (case, path) in kubesealpy_sealed
            .iter()
            .filter(|(case, _)| guid(case) && case.scope == Scope::Strict)
        {
            let output = self.offseal.unseal_raw(
                &self.paths.key(case.bits),
                Scope::Strict,
                OTHER_NAMESPACE,
                path,
            );
            let what = format!(
                "offseal refuses kubesealpy {case} sealed for {NAMESPACE}/{NAME} as {OTHER_NAMESPACE}/{NAME}"
            );
            report.check(&what, offseal_refusal(output));
            if case.bits == 4096 {
                let rotated = self.paths.keys.join("rotated-4096.key.pem");
                let output = self
                    .offseal
                    .unseal_raw(&rotated, Scope::Strict, NAMESPACE, path);
                let what = format!("offseal refuses kubesealpy {case} with the rotated-4096 key");
                report.check(&what, offseal_refusal(output));
            }
        }
        for (case, path) in &npm.sealed {
            let Some(path) = path.as_ref().filter(|_| guid(case)) else {
                continue;
            };
            let output = self.offseal.unseal_raw(
                &self.paths.key(case.bits),
                Scope::NamespaceWide,
                OTHER_NAMESPACE,
                path,
            );
            let what =
                format!("offseal refuses npm {case} sealed for {NAMESPACE} as {OTHER_NAMESPACE}");
            report.check(&what, offseal_refusal(output));
        }
    }

    /// `offseal unseal --raw` opens a value another implementation (`who`) sealed for `case`
    /// to exactly its plaintext.
    fn offseal_opens(
        &self,
        case: &Case<'_>,
        scope: Scope,
        sealed: &Path,
        who: &str,
    ) -> Result<(), String> {
        match job_outcome(sealed) {
            JobOutcome::Done(_) => {
                let output =
                    self.offseal
                        .unseal_raw(&self.paths.key(case.bits), scope, NAMESPACE, sealed);
                offseal_result(output).and_then(|got| same(&case.plain.bytes, &got))
            }
            other => Err(format!("{who} did not seal: {other}")),
        }
    }
}

/// Counts and prints check results, one line each.
#[derive(Default)]
pub(super) struct Report {
    /// Checks that passed.
    pub(super) passed: usize,
    /// Checks that failed.
    pub(super) failed: usize,
    /// Combinations an implementation cannot express.
    pub(super) not_applicable: usize,
}

impl Report {
    /// Prints `ok   WHAT` or `FAIL WHAT: WHY`.
    pub(super) fn check(&mut self, what: &str, result: Result<(), String>) {
        match result {
            Ok(()) => {
                self.passed += 1;
                println!("ok   {what}");
            }
            Err(why) => {
                self.failed += 1;
                println!("FAIL {what}: {why}");
            }
        }
    }

    /// Prints `n/a  WHAT: WHY`.
    pub(super) fn not_applicable(&mut self, what: &str, why: &str) {
        self.not_applicable += 1;
        println!("n/a  {what}: {why}");
    }
}

/// What a Python or Node job left for its output file `out`.
enum JobOutcome {
    /// `out` was written.
    Done(Vec<u8>),
    /// `out.err` was written: the exception's class (and, from Node, its message).
    Raised(String),
    /// Neither file is there.
    Missing,
}

impl fmt::Display for JobOutcome {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Done(bytes) => write!(f, "wrote {} bytes", bytes.len()),
            Self::Raised(error) => write!(f, "raised {error}"),
            Self::Missing => f.write_str("left no output"),
        }
    }
}

/// Reads what a job left for `out`.
fn job_outcome(out: &Path) -> JobOutcome {
    if let Ok(error) = fs::read_to_string(with_ext(out, "err")) {
        return JobOutcome::Raised(error.trim().to_owned());
    }
    match fs::read(out) {
        Ok(bytes) => JobOutcome::Done(bytes),
        Err(_) => JobOutcome::Missing,
    }
}

/// A job that must have opened the value to exactly `expected`.
fn expect_bytes(expected: &[u8], outcome: JobOutcome) -> Result<(), String> {
    match outcome {
        JobOutcome::Done(got) => same(expected, &got),
        other => Err(other.to_string()),
    }
}

/// A job that must have refused, raising `error` (and not failing for another reason).
fn expect_refusal(outcome: JobOutcome, error: &str) -> Result<(), String> {
    match outcome {
        JobOutcome::Raised(raised) if raised == error => Ok(()),
        JobOutcome::Done(got) => Err(format!("opened it ({} bytes): it must not", got.len())),
        other => Err(format!("expected {error}, but it {other}")),
    }
}

/// Byte-exact comparison; the difference is described by lengths and offset, never content.
fn same(expected: &[u8], got: &[u8]) -> Result<(), String> {
    if expected == got {
        return Ok(());
    }
    let at = expected
        .iter()
        .zip(got)
        .position(|(a, b)| a != b)
        .unwrap_or(expected.len().min(got.len()));
    Err(format!(
        "got {} bytes, expected {}; first difference at byte {at}",
        got.len(),
        expected.len()
    ))
}

/// Checks offseal's JSON Secret: `ns-a/app`, and exactly the expected keys with the expected
/// bytes (compared as standard base64, which has one spelling per byte string).
fn check_secret(stdout: &[u8], expected: &[(&str, &[u8])]) -> Result<(), String> {
    let secret: Value = serde_json::from_slice(stdout)
        .map_err(|e| format!("output is not one JSON Secret: {e}"))?;
    let metadata = &secret["metadata"];
    if secret["kind"] != "Secret" || metadata["namespace"] != NAMESPACE || metadata["name"] != NAME
    {
        return Err(format!(
            "not Secret {NAMESPACE}/{NAME}: kind {}, metadata {metadata}",
            secret["kind"]
        ));
    }
    let data = secret["data"].as_object().ok_or("the Secret has no data")?;
    let mut wrong = Vec::new();
    for (key, bytes) in expected {
        match data.get(*key).and_then(Value::as_str) {
            Some(value) if value == base64(bytes) => {}
            Some(_) => wrong.push(format!("{key} differs")),
            None => wrong.push(format!("{key} missing")),
        }
    }
    for key in data.keys() {
        if !expected.iter().any(|(k, _)| k == key) {
            wrong.push(format!("unexpected key {key}"));
        }
    }
    if wrong.is_empty() {
        Ok(())
    } else {
        Err(wrong.join(", "))
    }
}

/// Standard base64 with padding.
fn base64(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let byte = |i: usize| u32::from(chunk.get(i).copied().unwrap_or(0));
        let n = (byte(0) << 16) | (byte(1) << 8) | byte(2);
        for i in 0..4 {
            if i <= chunk.len() {
                let sextet = (n >> (18 - 6 * i)) & 63;
                out.push(char::from(ALPHABET[usize::try_from(sextet).unwrap_or(0)]));
            } else {
                out.push('=');
            }
        }
    }
    out
}

/// Two PEM files hold the same DER (the base64 bodies are equal).
fn same_pem(expected: &Path, got: &Path) -> Result<(), String> {
    let body = |path: &Path| -> Result<String, String> {
        let text = fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
        Ok(text
            .lines()
            .filter(|l| !l.starts_with("-----"))
            .flat_map(|l| l.trim().chars())
            .collect())
    };
    if body(expected)? == body(got)? {
        Ok(())
    } else {
        Err(format!("{} differs", got.display()))
    }
}

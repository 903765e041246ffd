//! The values-file corpus, `testdata/values-cases/*` (see its README): each case is a values
//! file as a user has it, the flags of an `offseal values` run, and the expected result —
//! `out.yaml` (redacted with [`crate::redact`]) or `error.txt` (stderr, the file written
//! `<file>`).
//!
//! Two runners hold offseal to it: the library's (`ValuesFile::seal_credentials`, in
//! offseal-core's tests) checks what the edit means — the values open, libyaml reads the
//! input plus the edit, sealing again changes only the ciphertexts; the binary's (in
//! offseal-cli's tests) checks what a user sees — exit code, messages, the file on disk.
//! Both compare with the same expected files.

use std::fs;
use std::path::{Path, PathBuf};

use serde_json::Value;

use crate::{diff, redact, sealed_values, testdata};

/// The fingerprint of `controller-4096.crt.pem`, as provenance comments record it.
pub const FINGERPRINT: &str = "SHA256:NfQ6GANZ5ZSZ45GsFMFEsYJbj4rlqJiSarri7KWL6ns";

/// Stands for the values file's path in `error.txt` and in messages.
pub const FILE: &str = "<file>";

/// One case directory.
#[derive(Debug)]
pub struct Case {
    /// The directory's name, such as `01-tenant-two-space`.
    pub name: String,
    /// The directory.
    pub dir: PathBuf,
    /// `in.yaml`.
    pub input: Vec<u8>,
    /// `args`, as command-line arguments.
    pub args: Vec<String>,
    /// The flags of `args` that the checks need.
    pub flags: Flags,
    /// How many sealed values the output holds (`sealed-count`, default 2).
    pub sealed_count: usize,
    /// Whether `known-bug` marks the expected file as not what offseal does today.
    pub known_bug: bool,
}

impl Case {
    /// `out.yaml`, if the case expects an edit.
    #[must_use]
    pub fn expected_output(&self) -> Option<Vec<u8>> {
        fs::read(self.dir.join("out.yaml")).ok()
    }

    /// `error.txt`, if the case expects a refusal.
    #[must_use]
    pub fn expected_error(&self) -> Option<String> {
        fs::read_to_string(self.dir.join("error.txt")).ok()
    }

    /// The target the output must be sealed for: the flags, missing parts from the input's
    /// provenance comment (when it has exactly one).
    #[must_use]
    pub fn target(&self) -> CaseTarget {
        let input = String::from_utf8_lossy(&self.input);
        let mut recorded: Vec<CaseTarget> =
            input.lines().filter_map(CaseTarget::from_comment).collect();
        recorded.dedup();
        self.flags
            .target
            .over((recorded.len() == 1).then(|| &recorded[0]))
    }
}

/// The flags of a case's `args` that the checks need.
#[derive(Debug, Default)]
pub struct Flags {
    /// `--at`, as keys.
    pub at: Option<Vec<String>>,
    /// `--scope`, `--namespace`, `--name`.
    pub target: CaseTarget,
    /// `--no-provenance`.
    pub no_provenance: bool,
}

/// What values are sealed for, as text; parts may be missing (taken from a provenance
/// comment). Written independently of offseal's own `Target`, to check it.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct CaseTarget {
    /// `strict`, `namespace-wide` or `cluster-wide`.
    pub scope: Option<String>,
    /// The namespace.
    pub namespace: Option<String>,
    /// The name.
    pub name: Option<String>,
}

impl CaseTarget {
    fn is_empty(&self) -> bool {
        self.scope.is_none() && self.namespace.is_none() && self.name.is_none()
    }

    /// These flags over `recorded`, as offseal combines them (strict when neither has a scope).
    #[must_use]
    pub fn over(&self, recorded: Option<&CaseTarget>) -> CaseTarget {
        match recorded {
            Some(recorded) if self.is_empty() => recorded.clone(),
            _ => CaseTarget {
                scope: Some(
                    self.scope
                        .clone()
                        .or_else(|| recorded.and_then(|r| r.scope.clone()))
                        .unwrap_or_else(|| "strict".to_owned()),
                ),
                namespace: self
                    .namespace
                    .clone()
                    .or_else(|| recorded.and_then(|r| r.namespace.clone())),
                name: self
                    .name
                    .clone()
                    .or_else(|| recorded.and_then(|r| r.name.clone())),
            },
        }
    }

    /// The scope, strict when none is given.
    #[must_use]
    pub fn scope(&self) -> &str {
        self.scope.as_deref().unwrap_or("strict")
    }

    /// As offseal prints it: `strict ns/name`, `namespace-wide ns`, `cluster-wide`.
    #[must_use]
    pub fn display(&self) -> String {
        let namespace = self.namespace.as_deref().unwrap_or_default();
        match self.scope() {
            "strict" => format!(
                "strict {namespace}/{}",
                self.name.as_deref().unwrap_or_default()
            ),
            "namespace-wide" => format!("namespace-wide {namespace}"),
            other => other.to_owned(),
        }
    }

    /// The provenance comment's text up to the date, for the certificate `fingerprint`.
    #[must_use]
    pub fn comment(&self, fingerprint: &str) -> String {
        let mut text = format!("# offseal: scope={}", self.scope());
        if let Some(ns) = &self.namespace {
            text += &format!(" namespace={ns}");
        }
        if let Some(name) = &self.name {
            text += &format!(" name={name}");
        }
        text + &format!(" cert={fingerprint} sealed=")
    }

    /// Reads a provenance comment line (`# offseal: scope=... namespace=... name=...`).
    #[must_use]
    pub fn from_comment(line: &str) -> Option<CaseTarget> {
        let rest = line
            .trim()
            .strip_prefix('#')?
            .trim()
            .strip_prefix("offseal:")?;
        let mut target = CaseTarget::default();
        for part in rest.split_whitespace() {
            match part.split_once('=') {
                Some(("scope", v)) => target.scope = Some(v.to_owned()),
                Some(("namespace", v)) => target.namespace = Some(v.to_owned()),
                Some(("name", v)) => target.name = Some(v.to_owned()),
                _ => {}
            }
        }
        target.scope.is_some().then_some(target)
    }
}

/// The credentials in `testdata/az-credentials.json`.
#[derive(Debug)]
pub struct AzFixture {
    /// `appId`.
    pub client_id: String,
    /// `password`.
    pub client_secret: String,
    /// `tenant`.
    pub tenant: String,
}

/// Reads `testdata/az-credentials.json`.
#[must_use]
pub fn credentials() -> AzFixture {
    let json: Value = serde_json::from_slice(&crate::read("az-credentials.json")).unwrap();
    let field = |name: &str| json[name].as_str().unwrap().to_owned();
    AzFixture {
        client_id: field("appId"),
        client_secret: field("password"),
        tenant: field("tenant"),
    }
}

/// `a.b\.c` as keys (`\.` is a dot in a key, `\\` a backslash).
#[must_use]
pub fn parse_path(text: &str) -> Vec<String> {
    let mut keys = vec![String::new()];
    let mut chars = text.chars();
    while let Some(c) = chars.next() {
        match c {
            '\\' => keys.last_mut().unwrap().extend(chars.next()),
            '.' => keys.push(String::new()),
            c => keys.last_mut().unwrap().push(c),
        }
    }
    keys
}

/// Keys as offseal prints a path.
#[must_use]
pub fn display_path(keys: &[String]) -> String {
    let escaped: Vec<String> = keys
        .iter()
        .map(|k| k.replace('\\', "\\\\").replace('.', "\\."))
        .collect();
    escaped.join(".")
}

fn parse_args(text: &str) -> (Vec<String>, Flags) {
    let mut args = Vec::new();
    for line in text.lines() {
        let line = line.trim_end_matches('\r');
        if line.trim().is_empty() {
            continue;
        }
        match line.split_once(' ') {
            Some((flag, value)) => args.extend([flag.to_owned(), value.to_owned()]),
            None => args.push(line.to_owned()),
        }
    }
    let mut flags = Flags::default();
    let mut rest = args.iter();
    while let Some(arg) = rest.next() {
        let mut value = || rest.next().cloned();
        match arg.as_str() {
            "--at" => flags.at = value().map(|p| parse_path(&p)),
            "--scope" => flags.target.scope = value(),
            "-n" | "--namespace" => flags.target.namespace = value(),
            "--name" => flags.target.name = value(),
            "--no-provenance" => flags.no_provenance = true,
            _ => {}
        }
    }
    (args, flags)
}

/// Every case, in name order.
#[must_use]
pub fn cases() -> Vec<Case> {
    crate::case_dirs(&testdata("values-cases"))
        .iter()
        .map(|dir| load(dir))
        .collect()
}

fn load(dir: &Path) -> Case {
    let read =
        |file: &str| fs::read(dir.join(file)).unwrap_or_else(|e| panic!("{}: {e}", dir.display()));
    let (args, flags) = parse_args(&String::from_utf8(read("args")).unwrap());
    let sealed_count = fs::read_to_string(dir.join("sealed-count"))
        .map_or(2, |count| count.trim().parse().unwrap());
    Case {
        name: dir.file_name().unwrap().to_string_lossy().into_owned(),
        input: read("in.yaml"),
        args,
        flags,
        sealed_count,
        known_bug: dir.join("known-bug").exists(),
        dir: dir.to_owned(),
    }
}

/// Whether `OFFSEAL_BLESS=1` asks to (re)write expected files.
#[must_use]
pub fn bless() -> bool {
    std::env::var_os("OFFSEAL_BLESS").is_some_and(|v| v == "1")
}

/// Whether this case's expected files are (re)written: blessing, and not a known bug.
#[must_use]
pub fn blessing(case: &Case) -> bool {
    bless() && !case.known_bug
}

/// What is wrong with an edited case's output `out`: not `out.yaml` once redacted, or not
/// the expected number of sealed values. Blesses `out.yaml` instead when `may_bless`.
#[must_use]
pub fn output_problems(case: &Case, out: &str, may_bless: bool) -> Vec<String> {
    let mut problems = Vec::new();
    if let Some(problem) = compare_expected(case, "out.yaml", redact(out).as_bytes(), may_bless) {
        problems.push(problem);
    }
    let found = sealed_values(out).len();
    if found != case.sealed_count {
        problems.push(format!(
            "{found} sealed values in the output, expected {}",
            case.sealed_count
        ));
    }
    problems
}

/// Compares `got` with the case's expected `file`; `None` when equal. Writes `got` there
/// instead when `may_bless` and the case may be blessed.
#[must_use]
pub fn compare_expected(case: &Case, file: &str, got: &[u8], may_bless: bool) -> Option<String> {
    let path = case.dir.join(file);
    if may_bless && blessing(case) {
        // Expected files are fixtures, written by the test that owns them.
        #[allow(clippy::disallowed_methods)]
        fs::write(&path, got).unwrap();
        return None;
    }
    let expected = fs::read(&path).unwrap_or_default();
    (expected != got).then(|| diff(&expected, got, file))
}

/// Fails the test with every case's failures together, or passes when there are none.
pub fn assert_all_passed(total: usize, failures: &[String]) {
    assert!(
        failures.is_empty(),
        "{} of {total} values cases failed:\n\n{}",
        failures.len(),
        failures.join("\n\n")
    );
}

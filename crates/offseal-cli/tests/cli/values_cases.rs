//! The values-file corpus: `testdata/values-cases/*` run through `offseal values`.
//!
//! Each case is a directory (see `testdata/values-cases/README.md`):
//! - `in.yaml`: the values file as a user has it (any bytes);
//! - `args`: extra arguments, one flag (with its value after a space) a line, appended to
//!   `offseal values <copy of in.yaml> --cert controller-4096.crt.pem --credentials
//!   az-credentials.json`;
//! - `sealed-count` (optional): how many sealed values the output holds, when not 2;
//! - `known-bug` (optional): why the expected file is not what `offseal` does today; blessing
//!   leaves such a case's expected file alone, and the case fails until the bug is fixed;
//! - `out.yaml` (the output, redacted with [`redact`]) or `error.txt` (stderr, with the
//!   file's path written `<file>`).
//!
//! An edited case must exit 0 with stdout empty and the success line on stderr; match
//! `out.yaml`; hold that many sealed values; its `client_id`/`client_secret` must open with
//! `controller-4096.key.pem`, for the target of the flags (missing parts from the input's
//! provenance comment), to the `appId`/`password` of `az-credentials.json`; libyaml must read
//! it as the input's data with only the two sealed values and `azure_tenant_id` set; and
//! sealing it again must change nothing but the sealed values. A refused case must exit 1
//! with stdout empty, stderr equal to `error.txt`, and the file unchanged.
//!
//! `OFFSEAL_BLESS=1` (re)writes `out.yaml`/`error.txt`; review every change: they are the spec.
//! Every case runs even when one fails; the failures are reported together at the end.

use std::fs;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::PathBuf;

use serde_json::Value;

use crate::util::{key, offseal, redact, sealed_values, temp_file, testdata};

/// Edited cases whose input the libyaml-based reader (serde_norway) cannot read, so that the
/// data comparison of their output is skipped; kept exact (the test fails when this list is
/// out of date). None today: libyaml reads every edited input, including CRLF, a byte order
/// mark (dropped first, see [`libyaml_read`]), tabs, block scalars and merge keys.
const LIBYAML_CANNOT_READ: &[&str] = &[];

/// The fingerprint of `controller-4096.crt.pem`, as provenance comments record it.
const FINGERPRINT: &str = "SHA256:NfQ6GANZ5ZSZ45GsFMFEsYJbj4rlqJiSarri7KWL6ns";

/// Stands for the temporary copy's path in `error.txt` and in the success line.
const FILE: &str = "<file>";

struct Case {
    name: String,
    dir: PathBuf,
    input: Vec<u8>,
    args: Vec<String>,
    flags: Flags,
    sealed_count: usize,
    known_bug: bool,
}

/// The flags of `args` that the checks need.
#[derive(Default)]
struct Flags {
    at: Option<Vec<String>>,
    target: Target,
    no_provenance: bool,
}

/// What the values are sealed for; parts may be missing (taken from a provenance comment).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
struct Target {
    scope: Option<String>,
    namespace: Option<String>,
    name: Option<String>,
}

impl Target {
    fn is_empty(&self) -> bool {
        self.scope.is_none() && self.namespace.is_none() && self.name.is_none()
    }

    /// These flags over `recorded`, as `offseal` combines them (strict when neither has a scope).
    fn over(&self, recorded: Option<&Target>) -> Target {
        match recorded {
            Some(recorded) if self.is_empty() => recorded.clone(),
            _ => Target {
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

    fn scope(&self) -> &str {
        self.scope.as_deref().unwrap_or("strict")
    }

    /// As `offseal` prints it: `strict ns/name`, `namespace-wide ns`, `cluster-wide`.
    fn display(&self) -> String {
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

    /// The provenance comment's text up to the date.
    fn comment(&self) -> String {
        let mut text = format!("# offseal: scope={}", self.scope());
        if let Some(ns) = &self.namespace {
            text += &format!(" namespace={ns}");
        }
        if let Some(name) = &self.name {
            text += &format!(" name={name}");
        }
        text + &format!(" cert={FINGERPRINT} sealed=")
    }

    /// The `unseal --raw` flags that open a value sealed for this target.
    fn unseal_flags(&self) -> Vec<String> {
        let mut flags = vec!["--scope".to_owned(), self.scope().to_owned()];
        if self.scope() != "cluster-wide" {
            flags.push("--namespace".to_owned());
            flags.push(self.namespace.clone().unwrap_or_default());
        }
        if self.scope() == "strict" {
            flags.push("--name".to_owned());
            flags.push(self.name.clone().unwrap_or_default());
        }
        flags
    }

    /// Flags giving every part of this target.
    fn flags(&self) -> Vec<String> {
        let mut flags = vec!["--scope".to_owned(), self.scope().to_owned()];
        if let Some(ns) = &self.namespace {
            flags.extend(["--namespace".to_owned(), ns.clone()]);
        }
        if let Some(name) = &self.name {
            flags.extend(["--name".to_owned(), name.clone()]);
        }
        flags
    }

    /// Reads a provenance comment line (`# offseal: scope=... namespace=... name=...`).
    fn from_comment(line: &str) -> Option<Target> {
        let rest = line
            .trim()
            .strip_prefix('#')?
            .trim()
            .strip_prefix("offseal:")?;
        let mut target = Target::default();
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
struct Credentials {
    client_id: String,
    client_secret: String,
    tenant: String,
}

fn credentials() -> Credentials {
    let json: Value =
        serde_json::from_slice(&fs::read(testdata("az-credentials.json")).unwrap()).unwrap();
    let field = |name: &str| json[name].as_str().unwrap().to_owned();
    Credentials {
        client_id: field("appId"),
        client_secret: field("password"),
        tenant: field("tenant"),
    }
}

/// `a.b\.c` as keys (`\.` is a dot in a key, `\\` a backslash).
fn parse_path(text: &str) -> Vec<String> {
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

/// Keys as `offseal` prints a path.
fn display_path(keys: &[String]) -> String {
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

fn cases() -> Vec<Case> {
    let root = testdata("values-cases");
    let mut dirs: Vec<PathBuf> = fs::read_dir(&root)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_dir())
        .collect();
    dirs.sort();
    dirs.into_iter()
        .map(|dir| {
            let read = |file: &str| {
                fs::read(dir.join(file)).unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
            };
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
                dir,
            }
        })
        .collect()
}

fn bless() -> bool {
    std::env::var_os("OFFSEAL_BLESS").is_some_and(|v| v == "1")
}

/// Whether this case's expected files are (re)written.
fn blessing(case: &Case) -> bool {
    bless() && !case.known_bug
}

/// What one run of `offseal values` did.
struct Run {
    code: Option<i32>,
    stdout: Vec<u8>,
    /// With the file's path replaced by `<file>`.
    stderr: String,
    /// The file's bytes afterwards.
    file: Vec<u8>,
}

/// Runs `offseal values` on a temporary copy of `input` with the case's `args`.
fn run_values(input: &[u8], args: &[String]) -> Run {
    let (_dir, path) = temp_file("values.yaml", input);
    let file = path.to_str().unwrap();
    let out = offseal()
        .args(["values", file, "--cert", &key("controller-4096.crt.pem")])
        .arg("--credentials")
        .arg(testdata("az-credentials.json"))
        .args(args)
        .output()
        .unwrap();
    Run {
        code: out.status.code(),
        stdout: out.stdout,
        stderr: String::from_utf8_lossy(&out.stderr).replace(file, FILE),
        file: fs::read(&path).unwrap(),
    }
}

/// Reads YAML with the independent, libyaml-based reader. It reads a byte order mark followed
/// by `---` as a second document, so the mark (no data) is dropped first.
fn libyaml_read(bytes: &[u8]) -> Result<Value, String> {
    let bytes = bytes.strip_prefix("\u{feff}".as_bytes()).unwrap_or(bytes);
    serde_norway::from_slice::<Value>(bytes).map_err(|e| e.to_string())
}

/// Paths of every `external_secrets` key reachable through mappings.
fn find_blocks(value: &Value, path: &mut Vec<String>, found: &mut Vec<Vec<String>>) {
    if let Value::Object(map) = value {
        for (key, child) in map {
            path.push(key.clone());
            if key == "external_secrets" {
                found.push(path.clone());
            }
            find_blocks(child, path, found);
            path.pop();
        }
    }
}

fn get<'a>(value: &'a Value, keys: &[&str]) -> Option<&'a Value> {
    keys.iter().try_fold(value, |v, k| v.as_object()?.get(*k))
}

/// Sets `keys` to `new`; missing or non-mapping parents become mappings.
fn set(value: &mut Value, keys: &[String], new: Value) {
    let mut current = value;
    for key in keys {
        if !current.is_object() {
            *current = Value::Object(serde_json::Map::new());
        }
        current = current
            .as_object_mut()
            .unwrap()
            .entry(key.clone())
            .or_insert(Value::Null);
    }
    *current = new;
}

/// Where `got` and `expected` first differ, for messages.
fn first_difference(got: &Value, expected: &Value, at: &str) -> String {
    if let (Value::Object(g), Value::Object(e)) = (got, expected) {
        for key in g.keys().chain(e.keys()) {
            let (a, b) = (g.get(key), e.get(key));
            if a != b {
                return match (a, b) {
                    (Some(a), Some(b)) => first_difference(a, b, &format!("{at}.{key}")),
                    _ => format!("{at}.{key}: got {a:?}, expected {b:?}"),
                };
            }
        }
    }
    format!("{at}: got {got}, expected {expected}")
}

/// Opens a sealed value with `controller-4096.key.pem`; `Err` says why not.
fn open(sealed: &str, target: &Target) -> Result<Vec<u8>, String> {
    let out = offseal()
        .args(["unseal", "--raw", "--recovery-private-key"])
        .arg(key("controller-4096.key.pem"))
        .args(target.unseal_flags())
        .write_stdin(sealed)
        .output()
        .unwrap();
    if out.status.success() {
        Ok(out.stdout)
    } else {
        Err(String::from_utf8_lossy(&out.stderr).into_owned())
    }
}

/// Compares `got` with the expected file's bytes (or blesses it); a diff-like message if not.
fn compare_expected(case: &Case, file: &str, got: &[u8]) -> Option<String> {
    let path = case.dir.join(file);
    if blessing(case) {
        fs::write(&path, got).unwrap();
        return None;
    }
    let expected = fs::read(&path).unwrap_or_default();
    (expected != got).then(|| diff(&expected, got, file))
}

/// A line diff: the two lines before the first difference, then the differing lines (up to
/// the common end), each line quoted so that CR, tabs and a missing final newline show.
fn diff(expected: &[u8], got: &[u8], file: &str) -> String {
    let expected = String::from_utf8_lossy(expected);
    let got = String::from_utf8_lossy(got);
    let e: Vec<&str> = expected.split_inclusive('\n').collect();
    let g: Vec<&str> = got.split_inclusive('\n').collect();
    let first = e.iter().zip(&g).take_while(|(a, b)| a == b).count();
    let common_tail = e[first..]
        .iter()
        .rev()
        .zip(g[first..].iter().rev())
        .take_while(|(a, b)| a == b)
        .count();
    let mut text = format!("{file} differs from line {}:\n", first + 1);
    for line in &e[first.saturating_sub(2)..first] {
        text += &format!("  {line:?}\n");
    }
    for line in &e[first..e.len() - common_tail] {
        text += &format!("- {line:?}\n");
    }
    for line in &g[first..g.len() - common_tail] {
        text += &format!("+ {line:?}\n");
    }
    text
}

/// The checks of an edited case; each problem found is pushed to `problems`. Returns whether
/// libyaml's reading of the output was compared with the input's (`Some(false)`: libyaml
/// cannot read the input; `None`: the checks stopped before).
fn check_edited(
    case: &Case,
    run: &Run,
    creds: &Credentials,
    problems: &mut Vec<String>,
) -> Option<bool> {
    if !run.stdout.is_empty() {
        problems.push(format!(
            "stdout is not empty: {}",
            String::from_utf8_lossy(&run.stdout)
        ));
    }
    let Ok(out) = String::from_utf8(run.file.clone()) else {
        problems.push("the output is not UTF-8".to_owned());
        return None;
    };
    if out.contains(&creds.client_secret) || run.stderr.contains(&creds.client_secret) {
        problems.push("the client secret appears in plain".to_owned());
    }
    if let Some(problem) = compare_expected(case, "out.yaml", redact(&out).as_bytes()) {
        problems.push(problem);
    }
    let sealed = sealed_values(&out);
    if sealed.len() != case.sealed_count {
        problems.push(format!(
            "{} sealed values in the output, expected {}",
            sealed.len(),
            case.sealed_count
        ));
    }

    // The target: the flags, missing parts from the input's provenance comment.
    let input_text = String::from_utf8_lossy(&case.input);
    let mut recorded: Vec<Target> = input_text
        .lines()
        .filter_map(Target::from_comment)
        .collect();
    recorded.dedup();
    let target = case
        .flags
        .target
        .over((recorded.len() == 1).then(|| &recorded[0]));
    if case.flags.no_provenance {
        if out.lines().any(|l| Target::from_comment(l).is_some()) {
            problems.push("--no-provenance, but a provenance comment remains".to_owned());
        }
    } else if !out.contains(&target.comment()) {
        problems.push(format!(
            "no provenance comment `{}<date>`",
            target.comment()
        ));
    }

    // The data, read by libyaml.
    let got = match libyaml_read(&run.file) {
        Ok(got) => got,
        Err(e) => {
            problems.push(format!("libyaml cannot read the output: {e}"));
            return None;
        }
    };
    let block = match &case.flags.at {
        Some(at) => at.clone(),
        None => {
            let mut found = Vec::new();
            find_blocks(&got, &mut Vec::new(), &mut found);
            if found.len() != 1 {
                problems.push(format!(
                    "the output holds {} `external_secrets` blocks: {found:?}",
                    found.len()
                ));
                return None;
            }
            found.remove(0)
        }
    };
    let expected_stderr = format!(
        "{FILE}: sealed client_id, client_secret and azure_tenant_id at `{}` for {}\n",
        display_path(&block),
        target.display()
    );
    if run.stderr != expected_stderr {
        problems.push(format!(
            "stderr: got {:?}, expected {expected_stderr:?}",
            run.stderr
        ));
    }
    let keys: Vec<&str> = block.iter().map(String::as_str).collect();
    let Some(block_value) = get(&got, &keys) else {
        problems.push(format!("libyaml finds no `{}`", display_path(&block)));
        return None;
    };
    let tenant = get(block_value, &["azure_tenant_id"]);
    if tenant.and_then(Value::as_str) != Some(creds.tenant.as_str()) {
        problems.push(format!("azure_tenant_id reads as {tenant:?}"));
    }
    let mut opened = Vec::new();
    for (field, plaintext) in [
        ("client_id", &creds.client_id),
        ("client_secret", &creds.client_secret),
    ] {
        let value = get(block_value, &["keyvault_credentials", field]);
        let Some(text) = value.and_then(Value::as_str) else {
            problems.push(format!("{field} reads as {value:?}, not a string"));
            continue;
        };
        if !sealed.iter().any(|s| s == text) {
            problems.push(format!("{field} is not a sealed value: {text:?}"));
            continue;
        }
        match open(text, &target) {
            Ok(bytes) if bytes == plaintext.as_bytes() => {}
            Ok(_) => problems.push(format!(
                "{field} opens for {} to the wrong plaintext",
                target.display()
            )),
            Err(e) => problems.push(format!(
                "{field} does not open for {}: {e}",
                target.display()
            )),
        }
        opened.push((field, text.to_owned()));
    }

    // Sealing the output again (rotation) changes only the sealed values: no second comment.
    let mut again_args = Vec::new();
    let mut args = case.args.iter();
    while let Some(arg) = args.next() {
        if matches!(arg.as_str(), "--scope" | "-n" | "--namespace" | "--name") {
            args.next();
        } else {
            again_args.push(arg.clone());
        }
    }
    again_args.extend(target.flags());
    let again = run_values(&run.file, &again_args);
    if again.code != Some(0) {
        problems.push(format!("sealing the output again fails: {}", again.stderr));
    } else if redact(&String::from_utf8_lossy(&again.file)) != redact(&out) {
        problems.push(format!(
            "sealing the output again changes more than the sealed values:\n{}",
            diff(
                redact(&out).as_bytes(),
                redact(&String::from_utf8_lossy(&again.file)).as_bytes(),
                "the second output"
            )
        ));
    }

    // The input's data plus exactly these changes.
    let Ok(mut expected) = libyaml_read(&case.input) else {
        return Some(false);
    };
    for (field, sealed) in opened {
        let mut path = block.clone();
        path.extend(["keyvault_credentials".to_owned(), field.to_owned()]);
        set(&mut expected, &path, Value::String(sealed));
    }
    let mut path = block.clone();
    path.push("azure_tenant_id".to_owned());
    set(&mut expected, &path, Value::String(creds.tenant.clone()));
    if got != expected {
        problems.push(format!(
            "libyaml reads other changes than the credentials: {}",
            first_difference(&got, &expected, "")
        ));
    }
    Some(true)
}

/// The checks of a refused case.
fn check_refused(case: &Case, run: &Run, creds: &Credentials, problems: &mut Vec<String>) {
    if run.code != Some(1) {
        problems.push(format!("exit code {:?}, expected 1", run.code));
    }
    if !run.stdout.is_empty() {
        problems.push(format!(
            "stdout is not empty: {}",
            String::from_utf8_lossy(&run.stdout)
        ));
    }
    if run.stderr.contains(&creds.client_secret) {
        problems.push("the client secret appears on stderr".to_owned());
    }
    if let Some(problem) = compare_expected(case, "error.txt", run.stderr.as_bytes()) {
        problems.push(problem);
    }
    if run.file != case.input {
        problems.push("the file was changed".to_owned());
    }
}

#[test]
fn values_cases_match_expected_files() {
    let cases = cases();
    assert!(cases.len() >= 40, "only {} cases", cases.len());
    let creds = credentials();
    let mut failures = Vec::new();
    let (mut edited, mut refused) = (0, 0);
    let (mut compared, mut unreadable) = (0, Vec::new());
    for case in &cases {
        let result = catch_unwind(AssertUnwindSafe(|| {
            let run = run_values(&case.input, &case.args);
            let (out_file, err_file) = (case.dir.join("out.yaml"), case.dir.join("error.txt"));
            let succeeded = run.code == Some(0);
            if blessing(case) {
                let _ = fs::remove_file(if succeeded { &err_file } else { &out_file });
            }
            let mut problems = Vec::new();
            let mut libyaml = None;
            match (succeeded, out_file.exists(), err_file.exists()) {
                (true, true, false) => {
                    libyaml = check_edited(case, &run, &creds, &mut problems);
                }
                (false, false, true) => check_refused(case, &run, &creds, &mut problems),
                (true, false, true) => problems.push(format!(
                    "edited, but expected the error {:?}",
                    fs::read_to_string(&err_file).unwrap_or_default()
                )),
                (false, true, false) => problems.push(format!(
                    "refused (exit code {:?}), but expected an edit: {}",
                    run.code, run.stderr
                )),
                _ if blessing(case) => {
                    if succeeded {
                        libyaml = check_edited(case, &run, &creds, &mut problems);
                    } else {
                        check_refused(case, &run, &creds, &mut problems);
                    }
                }
                _ => problems.push("needs exactly one of out.yaml, error.txt".to_owned()),
            }
            (succeeded, libyaml, problems)
        }));
        match result {
            Ok((succeeded, libyaml, mut problems)) => {
                if succeeded {
                    edited += 1;
                } else {
                    refused += 1;
                }
                match libyaml {
                    Some(true) => compared += 1,
                    Some(false) => unreadable.push(case.name.as_str()),
                    None => {}
                }
                if case.known_bug {
                    let why = fs::read_to_string(case.dir.join("known-bug")).unwrap_or_default();
                    problems.push(if problems.is_empty() {
                        "matches its expected file: the bug is fixed, remove `known-bug`".to_owned()
                    } else {
                        format!("(known bug: {})", why.trim())
                    });
                }
                if !problems.is_empty() {
                    failures.push(format!("{}:\n  {}", case.name, problems.join("\n  ")));
                }
            }
            Err(_) => failures.push(format!("{}: panicked (see above)", case.name)),
        }
    }
    eprintln!(
        "{} values cases: {edited} edited, {refused} refused; libyaml compared {compared}, could not read {unreadable:?}",
        cases.len()
    );
    if unreadable != LIBYAML_CANNOT_READ {
        failures.push(format!(
            "libyaml could not read the inputs {unreadable:?}; LIBYAML_CANNOT_READ says {LIBYAML_CANNOT_READ:?}"
        ));
    }
    assert!(
        failures.is_empty(),
        "{} of {} values cases failed:\n\n{}",
        failures.len(),
        cases.len(),
        failures.join("\n\n")
    );
}

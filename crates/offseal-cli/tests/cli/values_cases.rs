//! The values-file corpus: `testdata/values-cases/*` (see its README) run through
//! `offseal values`, for what a user sees.
//!
//! An edited case must exit 0 with stdout empty and the one success line on stderr, and the
//! file must match `out.yaml` (redacted) and hold that many sealed values. A refused case must
//! exit 1 with stdout empty, stderr equal to `error.txt`, and the file unchanged. No output
//! may hold the client secret.
//!
//! What the edit means — the values open for the target, libyaml reads the input plus the
//! edit, sealing again changes only the ciphertexts — is checked one level down, on the
//! library (offseal-core's `tests/values.rs`), against the same expected files.
//!
//! `OFFSEAL_BLESS=1` (re)writes `out.yaml`/`error.txt`; review every change: they are the spec.
//! Every case runs even when one fails; the failures are reported together at the end.

use std::fs;
use std::panic::{AssertUnwindSafe, catch_unwind};

use offseal_testkit::cases::{
    self, AzFixture, Case, FILE, blessing, compare_expected, display_path,
};
use serde_json::Value;

use crate::util::{key, offseal, temp_file, testdata};

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

/// Paths of every `external_secrets` key reachable through mappings, as an independent
/// (libyaml-based) reader sees them.
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

/// Where the credentials went: `--at`, else the one block libyaml finds.
fn block_of(case: &Case, output: &[u8]) -> Result<Vec<String>, String> {
    if let Some(at) = &case.flags.at {
        return Ok(at.clone());
    }
    let bytes = output.strip_prefix("\u{feff}".as_bytes()).unwrap_or(output);
    let data: Value = serde_norway::from_slice(bytes).map_err(|e| e.to_string())?;
    let mut found = Vec::new();
    find_blocks(&data, &mut Vec::new(), &mut found);
    match found.as_slice() {
        [one] => Ok(one.clone()),
        _ => Err(format!(
            "the output holds {} blocks: {found:?}",
            found.len()
        )),
    }
}

/// The checks of an edited case.
fn check_edited(case: &Case, run: &Run, creds: &AzFixture, problems: &mut Vec<String>) {
    if !run.stdout.is_empty() {
        problems.push(format!(
            "stdout is not empty: {}",
            String::from_utf8_lossy(&run.stdout)
        ));
    }
    let Ok(out) = String::from_utf8(run.file.clone()) else {
        problems.push("the output is not UTF-8".to_owned());
        return;
    };
    if out.contains(&creds.client_secret) || run.stderr.contains(&creds.client_secret) {
        problems.push("the client secret appears in plain".to_owned());
    }
    problems.extend(cases::output_problems(case, &out, true));
    match block_of(case, &run.file) {
        Err(problem) => problems.push(problem),
        Ok(block) => {
            let expected_stderr = format!(
                "{FILE}: sealed client_id, client_secret and azure_tenant_id at `{}` for {}\n",
                display_path(&block),
                case.target().display()
            );
            if run.stderr != expected_stderr {
                problems.push(format!(
                    "stderr: got {:?}, expected {expected_stderr:?}",
                    run.stderr
                ));
            }
        }
    }
}

/// The checks of a refused case.
fn check_refused(case: &Case, run: &Run, creds: &AzFixture, problems: &mut Vec<String>) {
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
    if let Some(problem) = compare_expected(case, "error.txt", run.stderr.as_bytes(), true) {
        problems.push(problem);
    }
    if run.file != case.input {
        problems.push("the file was changed".to_owned());
    }
}

#[test]
fn values_cases_match_expected_files() {
    let cases = cases::cases();
    assert!(cases.len() >= 40, "only {} cases", cases.len());
    let creds = cases::credentials();
    let mut failures = Vec::new();
    let (mut edited, mut refused) = (0, 0);
    for case in &cases {
        let result = catch_unwind(AssertUnwindSafe(|| {
            let run = run_values(&case.input, &case.args);
            let (out_file, err_file) = (case.dir.join("out.yaml"), case.dir.join("error.txt"));
            let succeeded = run.code == Some(0);
            if blessing(case) {
                let _ = fs::remove_file(if succeeded { &err_file } else { &out_file });
            }
            let mut problems = Vec::new();
            match (succeeded, out_file.exists(), err_file.exists()) {
                (true, true, false) => check_edited(case, &run, &creds, &mut problems),
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
                        check_edited(case, &run, &creds, &mut problems);
                    } else {
                        check_refused(case, &run, &creds, &mut problems);
                    }
                }
                _ => problems.push("needs exactly one of out.yaml, error.txt".to_owned()),
            }
            (succeeded, problems)
        }));
        match result {
            Ok((succeeded, mut problems)) => {
                if succeeded {
                    edited += 1;
                } else {
                    refused += 1;
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
        "{} values cases: {edited} edited, {refused} refused",
        cases.len()
    );
    cases::assert_all_passed(cases.len(), &failures);
}

//! File-driven cases: `tests/cases/<NN-name>/{in.yaml, edits, out.yaml | error.txt}`.
//!
//! `out.yaml` is compared byte for byte, `error.txt` with the error's message. Run with
//! `OFFSEAL_BLESS=1` to (re)write them, then review every change: these files are the spec.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::fs;
use std::path::{Path as FsPath, PathBuf};

use offseal_yaml::{Document, Edit, set_scalars};

struct Case {
    name: String,
    dir: PathBuf,
    input: Vec<u8>,
    edits: Vec<Edit>,
}

fn cases() -> Vec<Case> {
    let root = FsPath::new(env!("CARGO_MANIFEST_DIR")).join("tests/cases");
    let mut dirs: Vec<PathBuf> = fs::read_dir(&root)
        .unwrap_or_else(|e| panic!("{}: {e}", root.display()))
        .map(|entry| entry.unwrap().path())
        .filter(|path| path.is_dir())
        .collect();
    dirs.sort();
    dirs.into_iter()
        .map(|dir| Case {
            name: dir.file_name().unwrap().to_string_lossy().into_owned(),
            input: fs::read(dir.join("in.yaml")).unwrap_or_else(|e| panic!("{dir:?}: {e}")),
            edits: common::parse_edits(&fs::read_to_string(dir.join("edits")).unwrap()),
            dir,
        })
        .collect()
}

fn bless() -> bool {
    std::env::var_os("OFFSEAL_BLESS").is_some_and(|v| v == "1")
}

#[test]
#[expect(
    clippy::disallowed_methods,
    reason = "blessing writes the expected test files, not a values file"
)]
fn cases_match_expected_files() {
    let cases = cases();
    assert!(cases.len() >= 42, "only {} cases", cases.len());
    let mut failures = Vec::new();
    let (mut edited, mut refused) = (0, 0);
    for case in &cases {
        let out_file = case.dir.join("out.yaml");
        let err_file = case.dir.join("error.txt");
        let result = set_scalars(&case.input, &case.edits);
        match &result {
            Ok(_) => edited += 1,
            Err(_) => refused += 1,
        }
        if bless() {
            let _ = fs::remove_file(&out_file);
            let _ = fs::remove_file(&err_file);
            match &result {
                Ok(out) => fs::write(&out_file, out).unwrap(),
                Err(e) => fs::write(&err_file, format!("{e}\n")).unwrap(),
            }
            continue;
        }
        match (&result, fs::read(&out_file), fs::read_to_string(&err_file)) {
            (Ok(out), Ok(expected), Err(_)) => {
                if *out != expected {
                    failures.push(format!(
                        "{}: output differs\n--- expected\n{}\n--- got\n{}",
                        case.name,
                        String::from_utf8_lossy(&expected),
                        String::from_utf8_lossy(out)
                    ));
                }
            }
            (Err(e), Err(_), Ok(expected)) => {
                if format!("{e}\n") != expected {
                    failures.push(format!(
                        "{}: error differs\n--- expected\n{expected}--- got\n{e}",
                        case.name
                    ));
                }
            }
            (Ok(_), _, Ok(expected)) => {
                failures.push(format!(
                    "{}: edited, but expected error {expected}",
                    case.name
                ));
            }
            (Err(e), Ok(_), _) => failures.push(format!("{}: refused: {e}", case.name)),
            _ => failures.push(format!(
                "{}: needs exactly one of out.yaml, error.txt",
                case.name
            )),
        }
    }
    eprintln!("{} cases: {edited} edited, {refused} refused", cases.len());
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

/// Edited files read back with the edits, and editing them again changes nothing.
#[test]
fn edited_cases_read_back_and_are_idempotent() {
    for case in cases() {
        let Ok(out) = set_scalars(&case.input, &case.edits) else {
            continue;
        };
        let doc = Document::parse(&out).unwrap();
        for edit in &case.edits {
            match edit {
                Edit::Set { path, value } => {
                    let got = doc
                        .get(path)
                        .unwrap()
                        .unwrap_or_else(|| panic!("{}: {path} missing", case.name));
                    assert_eq!(&got.value, value, "{}: {path}", case.name);
                }
                Edit::SetComment { path, marker, text } => {
                    if let Some(text) = text {
                        assert_eq!(
                            doc.leading_comment(path, marker).as_ref(),
                            Some(text),
                            "{}: comment at {path}",
                            case.name
                        );
                    }
                }
                _ => unreachable!(),
            }
        }
        let again = set_scalars(&out, &case.edits).unwrap_or_else(|e| panic!("{}: {e}", case.name));
        assert!(again == out, "{}: a second run changed the file", case.name);
    }
}

/// An independent reader (libyaml, through serde_norway) agrees that each edited file holds
/// the input's data plus the edits.
#[test]
fn libyaml_agrees_with_edited_cases() {
    let mut skipped = Vec::new();
    let mut checked = 0;
    for case in cases() {
        let Ok(out) = set_scalars(&case.input, &case.edits) else {
            continue;
        };
        let mut expected = match common::libyaml_read(&case.input) {
            Ok(v) => v,
            Err(_) => {
                skipped.push(case.name);
                continue;
            }
        };
        common::apply_to_value(&mut expected, &case.edits);
        let got = common::libyaml_read(&out)
            .unwrap_or_else(|e| panic!("{}: libyaml cannot read the output: {e}", case.name));
        assert_eq!(got, expected, "{}: libyaml reads different data", case.name);
        checked += 1;
    }
    eprintln!(
        "libyaml cross-check: {checked} checked, skipped (libyaml cannot read the input): {skipped:?}"
    );
    assert!(checked >= 25, "only {checked} cases cross-checked");
}

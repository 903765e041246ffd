//! No error message and no `Debug` output of a `Scalar`, an `Edit` or a `Document` holds a
//! value: values are secrets' ciphertexts.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::fs;
use std::path::Path as FsPath;

use offseal_yaml::{Document, Edit, Path, set_scalars};

const SECRET: &str = "S3cr3tV4lue";
const NEW: &str = "N3wS3cr3t";

fn assert_clean(what: &str, text: &str, secrets: &[&str]) {
    for secret in secrets {
        assert!(!text.contains(secret), "{what} leaks a value: {text}");
    }
}

#[test]
fn debug_of_scalar_edit_and_document_hides_values() {
    let input = format!("a:\n  b: {SECRET}\n  c: '{SECRET}'\n  d: |\n    {SECRET}\n");
    let doc = Document::parse(input.as_bytes()).unwrap();
    assert_clean("Document Debug", &format!("{doc:?}"), &[SECRET]);
    for scalar in doc.scalars() {
        assert_eq!(scalar.value.trim_end(), SECRET);
        assert_clean("Scalar Debug", &format!("{scalar:?}"), &[SECRET]);
        assert_clean("Scalar Debug (pretty)", &format!("{scalar:#?}"), &[SECRET]);
    }
    let got = doc.get(&Path::parse("a.b").unwrap()).unwrap().unwrap();
    assert_clean("Scalar Debug", &format!("{got:?}"), &[SECRET]);
    let edits = [
        Edit::set(Path::parse("a.b").unwrap(), NEW),
        Edit::comment(Path::parse("a.b").unwrap(), "offseal:", "offseal: sealed"),
    ];
    assert_clean("Edit Debug", &format!("{edits:?} {edits:#?}"), &[NEW]);
}

/// Refusals of every kind, with the secret next to (or at) the place that is refused.
#[test]
fn errors_hide_values() {
    let scenarios: Vec<(String, &str)> = vec![
        (format!("a:\n  b: *x\nx: &x {SECRET}\n"), "a.b"),
        (format!("x: &x {SECRET}\na: *x\n"), "x"),
        (format!("a: !!binary {SECRET}\n"), "a"),
        (format!("a: [{SECRET}]\n"), "a"),
        (format!("a: {{k: {SECRET}}}\n"), "a"),
        (format!("a: {{k: {SECRET}}}\n"), "a.new"),
        (format!("- {SECRET}\n"), "a"),
        (format!("a: {SECRET}\n"), "a.b"),
        (format!("a: {SECRET}\na: {SECRET}\n"), "a"),
        (format!("a: {SECRET}\n---\nb: {SECRET}\n"), "a"),
        (format!("a: \"{SECRET}\n"), "a"),
        (format!("a: {SECRET}: b\n"), "a"),
        (format!("a: '{SECRET}'x\n"), "a"),
        (format!("a: {SECRET}\n\tb: 1\n"), "a"),
        (format!("a: @{SECRET}\n"), "a"),
        (format!("a: `{SECRET}\n"), "a"),
        (format!("a: %{SECRET}\n"), "a"),
        (format!("a: {{{SECRET}]\n"), "a"),
        (format!("a: [{SECRET}\n"), "a"),
        (format!("a: \"\\q{SECRET}\"\n"), "a"),
        (format!("a: |\n  {SECRET}"), "b"),
        (format!("{SECRET}\n"), "a"),
    ];
    for (input, path) in &scenarios {
        let edits = [Edit::set(Path::parse(path).unwrap(), NEW)];
        let err = set_scalars(input.as_bytes(), &edits)
            .expect_err(&format!("expected a refusal for {input:?}"));
        assert_clean("error Display", &err.to_string(), &[SECRET, NEW]);
        assert_clean("error Debug", &format!("{err:?}"), &[SECRET, NEW]);
    }
    // Not UTF-8, with the secret right before the bad byte.
    let mut bytes = format!("a: {SECRET}").into_bytes();
    bytes.push(0xFF);
    let err = Document::parse(&bytes).unwrap_err();
    assert_clean("error", &format!("{err} {err:?}"), &[SECRET]);
}

/// The refused cases of `tests/cases`: no error names any value of the input or the edits.
#[test]
fn refused_cases_hide_values() {
    let root = FsPath::new(env!("CARGO_MANIFEST_DIR")).join("tests/cases");
    let mut checked = 0;
    for dir in fs::read_dir(root).unwrap() {
        let dir = dir.unwrap().path();
        let input = fs::read(dir.join("in.yaml")).unwrap();
        let edits = common::parse_edits(&fs::read_to_string(dir.join("edits")).unwrap());
        let Err(err) = set_scalars(&input, &edits) else {
            continue;
        };
        let mut values: Vec<String> = edits
            .iter()
            .filter_map(|e| match e {
                Edit::Set { value, .. } => Some(value.clone()),
                _ => None,
            })
            .collect();
        if let Ok(doc) = Document::parse(&input) {
            values.extend(doc.scalars().into_iter().map(|s| s.value));
        }
        // Short values ("old", "a") occur in ordinary words.
        let values: Vec<&str> = values
            .iter()
            .map(String::as_str)
            .filter(|v| v.len() >= 8)
            .collect();
        assert_clean("error Display", &err.to_string(), &values);
        assert_clean("error Debug", &format!("{err:?}"), &values);
        checked += 1;
    }
    assert!(checked >= 15, "only {checked} refused cases");
}

//! The YAML editor (`offseal_yaml`): arbitrary bytes are parsed; a document that parses is
//! queried and edited at a path taken from the document itself and at the main job's
//! `external_secrets.keyvault_credentials.client_id`.
//!
//! A documented refusal (`Err` naming what is not supported) is fine; a panic is a bug, and so
//! is an edit that succeeds but whose output does not parse, does not read back as the edit
//! said, or changes again when the same edit is applied to it a second time. So is the
//! editor's own safety net going off: [`Error::Verify`] (the result did not read back as
//! planned) and [`Error::ConflictingEdits`] (planned splices overlap; the target never gives
//! edits that conflict) mean the editor planned a wrong edit of a file it parsed.

#![no_main]

use libfuzzer_sys::fuzz_target;
use offseal_yaml::{Document, Edit, Error, Path, Segment};

/// The value the main job writes: `offseal values` sets it to a sealed client id.
const MAIN_JOB_PATH: &str = "external_secrets.keyvault_credentials.client_id";
/// The provenance comment's marker, as `offseal values` writes it.
const MARKER: &str = "offseal:";
/// New values: sealed-like base64, the empty string, and strings that must be quoted.
const VALUES: [&str; 6] = [
    "AgB4xk+/Q9==",
    "",
    "yes",
    "a: b # c",
    "line\nbreak\t\"quoted\"",
    " leading space, trailing ",
];

fuzz_target!(|data: &[u8]| {
    let Ok(doc) = Document::parse(data) else {
        return;
    };
    // The read-only queries must not panic either.
    let scalars = doc.scalars();
    let _ = doc.find_keys("client_id");

    let mut paths = Vec::with_capacity(3);
    if let Ok(main_job) = Path::parse(MAIN_JOB_PATH) {
        paths.push(main_job);
    }
    // From the document: the scalar a byte of the input picks (paths through sequences are
    // refused by the editor, which is part of what is checked), and a new key beside it.
    let pick = usize::from(data.first().copied().unwrap_or(0));
    if let Some(scalar) = scalars.get(pick % scalars.len().max(1)) {
        paths.push(scalar.path.clone());
        if let Some(parent) = scalar.path.parent() {
            paths.push(parent.join(Segment::Key("fuzz_new_key".to_owned())));
        }
    }
    let value = VALUES[data.len() % VALUES.len()];

    for path in &paths {
        let _ = doc.get(path);
        let _ = doc.leading_comment(path, MARKER);
        let set = Edit::set(path.clone(), value);
        let comment = Edit::comment(
            path.clone(),
            MARKER,
            "offseal: sealed for ns/app on 2026-01-01",
        );
        check(&doc, std::slice::from_ref(&set));
        check(&doc, std::slice::from_ref(&comment));
        check(&doc, &[set, comment]);
        check(&doc, &[Edit::remove_comment(path.clone(), MARKER)]);
    }
});

/// Applies `edits`; when the editor accepts them, the output must parse, read back as the
/// edits say, and be left byte for byte as it is by the same edits applied again.
///
/// A removed comment is not checked that way: removing one marked line lets the next marked
/// line of the same comment block (if any) be read, and removed by a second removal.
fn check(doc: &Document, edits: &[Edit]) {
    let output = match doc.edit(edits) {
        Ok(output) => output,
        Err(e @ (Error::Verify { .. } | Error::ConflictingEdits { .. })) => {
            panic!("a valid file was refused by the editor's own check: {e} ({edits:?})")
        }
        Err(_) => return,
    };
    if let [Edit::SetComment { .. }] = edits {
        one_line_changed(doc.source().as_bytes(), &output);
    }
    let edited = match Document::parse(&output) {
        Ok(edited) => edited,
        Err(e) => panic!("the editor's output does not parse: {e}"),
    };
    for edit in edits {
        match edit {
            Edit::Set { path, value } => match edited.get(path) {
                Ok(Some(scalar)) => assert_eq!(&scalar.value, value, "{path} reads back wrong"),
                other => panic!("{path} does not read back after set: {other:?}"),
            },
            Edit::SetComment {
                path,
                marker,
                text: Some(text),
            } => {
                let got = edited.leading_comment(path, marker);
                assert_eq!(got.as_ref(), Some(text), "the comment above {path}");
            }
            _ => return,
        }
    }
    match edited.edit(edits) {
        Ok(again) => assert!(again == output, "a second identical edit changed the file"),
        Err(e) => panic!("a second identical edit was refused: {e}"),
    }
}

/// A comment edit alone changes one line: it inserts, replaces or removes a single line and
/// leaves every other byte as it was.
fn one_line_changed(input: &[u8], output: &[u8]) {
    let prefix = input
        .iter()
        .zip(output)
        .take_while(|(a, b)| a == b)
        .count();
    let rest = input.len().min(output.len()) - prefix;
    let suffix = input
        .iter()
        .rev()
        .zip(output.iter().rev())
        .take(rest)
        .take_while(|(a, b)| a == b)
        .count();
    let removed = &input[prefix..input.len() - suffix];
    let added = &output[prefix..output.len() - suffix];
    let breaks = |b: &[u8]| b.iter().filter(|&&c| c == b'\n').count();
    assert!(
        breaks(removed) <= 1 && breaks(added) <= 1,
        "a comment edit changed more than one line"
    );
}

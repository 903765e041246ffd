//! Test support shared by offseal's crates: where `testdata/` is, how random ciphertexts are
//! redacted so outputs can be compared, and the `testdata/values-cases` corpus, which the
//! library (`ValuesFile`) and the binary (`offseal values`) are both held to.
//!
//! It depends on no offseal crate, so any of them can use it in its tests.

#![allow(
    clippy::missing_panics_doc,
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "test support: a missing or malformed fixture is a test failure, so a panic"
)]

use std::fs;
use std::path::{Path, PathBuf};

pub mod cases;

/// The directories directly under `root`, in name order: one per case of a corpus.
#[must_use]
pub fn case_dirs(root: &Path) -> Vec<PathBuf> {
    let mut dirs: Vec<PathBuf> = fs::read_dir(root)
        .unwrap_or_else(|e| panic!("{}: {e}", root.display()))
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_dir())
        .collect();
    dirs.sort();
    dirs
}

/// `testdata/` at the workspace root, joined with `rel`.
#[must_use]
pub fn testdata(rel: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../testdata")
        .join(rel)
}

/// The bytes of a file under `testdata/`.
#[must_use]
pub fn read(rel: &str) -> Vec<u8> {
    fs::read(testdata(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"))
}

/// Every base64 run long enough to be a sealed value (300 characters or more), in order.
#[must_use]
pub fn sealed_values(text: &str) -> Vec<String> {
    let mut found = Vec::new();
    let mut run = String::new();
    for c in text.chars().chain(std::iter::once(' ')) {
        if c.is_ascii_alphanumeric() || matches!(c, '+' | '/' | '=') {
            run.push(c);
        } else {
            if run.len() >= 300 {
                found.push(std::mem::take(&mut run));
            }
            run.clear();
        }
    }
    found
}

/// `text` with every sealed value replaced by `<sealed>` and provenance dates by `<date>`.
#[must_use]
pub fn redact(text: &str) -> String {
    let mut out = text.to_owned();
    for sealed in sealed_values(text) {
        out = out.replacen(&sealed, "<sealed>", 1);
    }
    let mut result = String::new();
    let mut rest = out.as_str();
    while let Some(at) = rest.find("sealed=") {
        let date_start = at + "sealed=".len();
        result.push_str(&rest[..date_start]);
        let date: String = rest[date_start..].chars().take(10).collect();
        if date.len() == 10 && date.chars().all(|c| c.is_ascii_digit() || c == '-') {
            result.push_str("<date>");
            rest = &rest[date_start + 10..];
        } else {
            rest = &rest[date_start..];
        }
    }
    result.push_str(rest);
    result
}

/// A line diff for messages: the two lines before the first difference, then the differing
/// lines (up to the common end), each quoted so that CR, tabs and a missing final newline show.
#[must_use]
pub fn diff(expected: &[u8], got: &[u8], file: &str) -> String {
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

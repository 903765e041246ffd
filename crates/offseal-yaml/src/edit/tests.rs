//! The read-back check: it refuses wrong splices, and it agrees with the comparison of a full
//! tree of the edited text on correct and corrupted results alike.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use std::fs;

use super::Plan;
use crate::document::Document;
use crate::edit::Edit;
use crate::error::Error;
use crate::path::Path;

fn path(text: &str) -> Path {
    Path::parse(text).unwrap()
}

/// The edits of the main job, with a provenance comment.
fn main_job() -> Vec<Edit> {
    let creds = path("external_secrets.keyvault_credentials");
    vec![
        Edit::set(creds.join_key("client_id"), "AgB4xk+/Q9=="),
        Edit::set(
            creds.join_key("client_secret"),
            "s3cret: with # and \"quotes\"",
        ),
        Edit::set(path("external_secrets.azure_tenant_id"), "yes"),
        Edit::comment(creds, "offseal:", "offseal: sealed for prod"),
    ]
}

/// Whether the full comparison (a tree of `out`) finds `out` as expected.
fn full_check(plan: &Plan<'_>, out: &str) -> bool {
    plan.differences(out.to_owned())
        .is_some_and(|d| d.is_empty())
}

/// A tiny deterministic generator (the tests need no real randomness).
struct Lcg(u64);

impl Lcg {
    fn below(&mut self, n: usize) -> usize {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        usize::try_from(self.0 >> 33).unwrap() % n.max(1)
    }
}

const INSERTS: &[&str] = &[
    " ", "\n", "\n  ", "#", "# ", "\"", "'", ":", ": ", "- ", "x", "\t", "&a ", "*a", "!!str ",
    "? ", "|", ">-\n  ", "{", "[", "}", ",", "---\n", "...\n", "\\",
];

/// Corrupts `out` in `count` ways: deletes a character or inserts a fragment somewhere.
fn corruptions(out: &str, count: usize, seed: u64) -> Vec<String> {
    let boundaries: Vec<usize> = out
        .char_indices()
        .map(|(i, _)| i)
        .chain([out.len()])
        .collect();
    let mut rng = Lcg(seed);
    (0..count)
        .map(|_| {
            let at = boundaries[rng.below(boundaries.len())];
            let mut m = out.to_owned();
            if rng.below(3) == 0 && at < out.len() {
                m.remove(at);
            } else {
                m.insert_str(at, INSERTS[rng.below(INSERTS.len())]);
            }
            m
        })
        .collect()
}

/// Inputs: the corpus of the file-driven cases, plus a few with anchors, aliases, tags and
/// comments in places where a `#` is content.
fn inputs() -> Vec<(String, String)> {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/cases");
    // The crate's own corpus (it ships with the package), in name order.
    let mut dirs: Vec<std::path::PathBuf> = fs::read_dir(&root)
        .unwrap_or_else(|e| panic!("{}: {e}", root.display()))
        .map(|entry| entry.unwrap().path())
        .collect();
    dirs.sort();
    let mut inputs: Vec<(String, String)> = dirs
        .into_iter()
        .filter_map(|dir| {
            let text = fs::read_to_string(dir.join("in.yaml")).ok()?;
            Some((dir.file_name()?.to_string_lossy().into_owned(), text))
        })
        .filter(|(_, text)| text.len() <= 4096)
        .collect();
    let extra = [
        "base: &b {x: 1}\nuse: *b\nexternal_secrets:\n  tag: !!str 12\n  # offseal: old\n  keyvault_credentials:\n    client_id: old\n",
        "external_secrets:\n  note: |\n    # not a comment\n  keyvault_credentials: {client_id: a, client_secret: b}\n  azure_tenant_id: \"multi\n    line\"\n",
        "a:\n  ? b\nexternal_secrets:\n  ? [x, y]\n  : z\n  list:\n  - {k: v}\n  - [1, 2]\n",
    ];
    inputs.extend(
        extra
            .iter()
            .enumerate()
            .map(|(i, t)| (format!("extra-{i}"), (*t).to_owned())),
    );
    inputs
}

#[test]
fn read_back_agrees_with_the_tree_comparison() {
    let edits = main_job();
    let (mut planned, mut refused, mut accepted) = (0, 0, 0);
    for (i, (name, input)) in inputs().iter().enumerate() {
        let Ok(doc) = Document::parse(input.as_bytes()) else {
            continue;
        };
        let Ok(mut plan) = super::plan(&doc, &edits) else {
            continue;
        };
        let Ok(out) = plan.splice() else {
            continue;
        };
        planned += 1;
        assert!(
            plan.reads_back(&out),
            "{name}: the correct result is refused"
        );
        assert!(full_check(&plan, &out), "{name}");
        let seed = u64::try_from(i).unwrap();
        for bad in corruptions(&out, 200, seed) {
            let streamed = plan.reads_back(&bad);
            assert_eq!(
                streamed,
                full_check(&plan, &bad),
                "{name}: the checks disagree on\n{bad}"
            );
            if streamed {
                accepted += 1;
            } else {
                refused += 1;
            }
        }
    }
    assert!(planned >= 40, "only {planned} inputs were planned");
    // Most corruptions change the data; some (a space in a comment) do not.
    assert!(refused > accepted, "{refused} refused, {accepted} accepted");
}

#[test]
fn a_wrong_splice_is_refused() {
    // The `? key` bug: the new key went after the line holding the end of the mapping's last
    // value, which for an explicit key without a value is the next key of an outer mapping.
    let input = "a:\n  ? b\nc: 1\n";
    let doc = Document::parse(input.as_bytes()).unwrap();
    let edits = [Edit::set(path("a.c"), "v")];
    let mut plan = super::plan(&doc, &edits).unwrap();
    assert_eq!(plan.splices.len(), 1);
    plan.splices[0].start = input.len();
    plan.splices[0].end = input.len();
    let out = plan.splice().unwrap();
    assert_eq!(out, "a:\n  ? b\nc: 1\n  c: v\n");
    let err = plan.verify(out).unwrap_err();
    assert!(matches!(err, Error::Verify { .. }), "{err:?}");

    // A value written without its quotes, a comment put one line too high, a value that
    // swallows the next line: each reads back as other data.
    let input =
        "# head\nexternal_secrets:\n  keyvault_credentials:\n    client_id: old\n    other: 1\n";
    let doc = Document::parse(input.as_bytes()).unwrap();
    let edits = main_job();
    for (what, tamper) in [
        ("unquoted", 0),
        ("comment above the wrong key", 1),
        ("swallowed line", 2),
    ] {
        let mut plan = super::plan(&doc, &edits).unwrap();
        let good = plan.splice().unwrap();
        assert!(plan.reads_back(&good), "{what}");
        let bad = match tamper {
            0 => good.replace("\"s3cret: with # and \\\"quotes\\\"\"", "s3cret"),
            1 => good.replace(
                "  # offseal: sealed for prod\n  keyvault_credentials:",
                "  keyvault_credentials:\n  # offseal: sealed for prod",
            ),
            _ => good.replace("client_id: AgB4xk+/Q9==", "client_id: \"AgB4xk+/Q9==\n"),
        };
        assert_ne!(bad, good, "{what}");
        let err = plan.verify(bad).unwrap_err();
        assert!(matches!(err, Error::Verify { .. }), "{what}: {err:?}");
    }
}

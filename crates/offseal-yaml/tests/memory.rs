//! Memory stays proportional to the input: parsing and editing a large, node-dense file peaks
//! at a small multiple of its size on the heap, counted by a global allocator.
//!
//! One test in its own binary: the allocator's counters are global, and tests run in parallel.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use offseal_yaml::{Document, Edit, Path};
use peak_alloc::PeakAlloc;

#[global_allocator]
static HEAP: PeakAlloc = PeakAlloc;

/// A file of about `size` bytes: a credentials block, then `record(i)` for i = 0, 1, ...
fn generate(size: usize, record: impl Fn(usize) -> String) -> String {
    let mut text = String::from(
        "# big\nexternal_secrets:\n  keyvault_credentials:\n    client_id: old\n    client_secret: old\n",
    );
    let mut i = 0;
    while text.len() < size {
        text.push_str(&record(i));
        i += 1;
    }
    text
}

/// Mostly structure: about 16 nodes per 110 bytes (mappings, sequences, flow collections,
/// quoted and commented scalars).
fn dense(size: usize) -> String {
    generate(size, |i| {
        format!(
            "k{i}:\n  name: value-{i}   # comment {i}\n  list:\n    - a{i}\n    - \"b {i}\"\n  nested: {{x: {i}, y: [1, 2]}}\n"
        )
    })
}

/// Long sealed-looking values, each with a provenance comment.
fn sealed(size: usize) -> String {
    let value = "AgB".to_owned() + &"x7Q+/Lm9".repeat(90);
    generate(size, |i| {
        format!(
            "app{i}:\n  # offseal: scope=strict namespace=ns name=app cert=SHA256:x sealed=2026-12-01\n  password: {value}\n  user: \"admin {i}\"\n"
        )
    })
}

/// The peak heap while `work` runs, beyond what was allocated before, per byte of `input`.
fn peak_per_byte(input: &str, work: impl FnOnce()) -> f64 {
    HEAP.reset_peak_usage();
    let before = HEAP.current_usage();
    work();
    let peak = HEAP.peak_usage() - before;
    #[expect(clippy::cast_precision_loss, reason = "a ratio for a message")]
    let ratio = peak as f64 / input.len() as f64;
    ratio
}

fn main_job() -> Vec<Edit> {
    let creds = Path::parse("external_secrets.keyvault_credentials").unwrap();
    vec![
        Edit::set(creds.join_key("client_id"), "AgB".repeat(240)),
        Edit::set(creds.join_key("client_secret"), "AgC".repeat(240)),
        Edit::set(
            Path::parse("external_secrets.azure_tenant_id").unwrap(),
            "d93d3d23-50e3-46db-b3ad-8c6c281b431e",
        ),
        Edit::comment(
            creds,
            "offseal:",
            "offseal: scope=strict namespace=ns name=app",
        ),
    ]
}

#[test]
fn parse_edit_and_scan_peak_at_a_few_times_the_input() {
    for (name, input, limit) in [
        ("dense", dense(1 << 20), 7.5),
        ("sealed values", sealed(2 << 20), 3.0),
    ] {
        // Parse, edit (with the read-back check) and keep both, as `offseal values` does:
        // the source, its tree and the new file.
        let edit = peak_per_byte(&input, || {
            let doc = Document::parse(input.as_bytes()).unwrap();
            let out = doc.edit(&main_job()).unwrap();
            assert!(out.len() > input.len());
        });
        assert!(
            edit <= limit,
            "{name}: parse and edit peaked at {edit:.2} bytes per input byte (limit {limit})"
        );
        // A scan of every value with the comments above its keys (`offseal check`) needs
        // almost nothing beyond the document.
        let doc = Document::parse(input.as_bytes()).unwrap();
        let scan = peak_per_byte(&input, || {
            let mut commented = 0;
            doc.visit_scalars(|s| {
                if s.leading_comment(s.path().len(), "offseal:").is_some() {
                    commented += 1;
                }
            });
            assert!(commented > 0 || name == "dense");
        });
        assert!(
            scan <= 0.5,
            "{name}: the scan peaked at {scan:.2} bytes per input byte"
        );
        eprintln!("{name}: edit {edit:.2}, scan {scan:.2} bytes per input byte");
    }
}

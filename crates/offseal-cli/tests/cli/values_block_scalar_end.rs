//! `offseal values` on files that end in a block scalar whose last line holds only spaces and
//! no line break (the editor once refused them: its parser and libyaml read that line
//! differently).

use crate::util::{CLIENT_ID, TENANT_ID, key, offseal, open_raw, testdata};

const STRICT: [&str; 4] = ["-n", "tenant-a", "--name", "azure-keyvault-credentials"];

/// Seals `testdata/az-credentials.json` into `input` and returns the file written.
fn seal(input: &str) -> String {
    let (_dir, path) = crate::util::temp_file("values.yaml", input.as_bytes());
    offseal()
        .args(["values", path.to_str().unwrap()])
        .args(["--cert", &key("controller-4096.crt.pem")])
        .args([
            "--credentials",
            testdata("az-credentials.json").to_str().unwrap(),
        ])
        .args(STRICT)
        .assert()
        .success();
    std::fs::read_to_string(&path).unwrap()
}

#[test]
fn a_keep_block_scalar_ending_in_a_line_of_spaces_is_sealed() {
    for (input, last) in [
        // The last value, nested, with a line of spaces less indented than its key.
        ("a:\n  b: |+\n ", "b"),
        // At the root, the line of spaces as deep as any content could be.
        ("note: |+\n   ", "note"),
        // With content and blank lines before the line of spaces.
        ("a:\n  b: |+\n    text\n\n ", "b"),
        ("a:\n  b: >+\n    folded\n ", "b"),
    ] {
        let out = seal(input);
        // Every byte of the file is kept, in order: the new lines go before the line of
        // spaces, which stays last, with no line break added.
        let spaces = &input[input.rfind('\n').unwrap() + 1..];
        let head = &input[..input.len() - spaces.len()];
        assert!(out.starts_with(head), "{input:?} -> {out:?}");
        assert!(
            out.ends_with(&format!("\n{spaces}")),
            "{input:?} -> {out:?}"
        );
        // libyaml (as Helm reads it) sees the block scalar as before, and the sealed values.
        let before: serde_json::Value = serde_norway::from_str(input).unwrap();
        let after: serde_json::Value = serde_norway::from_str(&out).unwrap();
        let pick = |v: &serde_json::Value| {
            v.get("a")
                .map_or_else(|| v[last].clone(), |a| a[last].clone())
        };
        assert_eq!(pick(&after), pick(&before), "{input:?} -> {out:?}");
        let creds = &after["external_secrets"]["keyvault_credentials"];
        let client_id = creds["client_id"].as_str().unwrap();
        assert_eq!(
            open_raw(client_id, "controller-4096.key.pem", &STRICT),
            CLIENT_ID.as_bytes()
        );
        assert_eq!(after["external_secrets"]["azure_tenant_id"], TENANT_ID);
        assert!(creds["client_secret"].as_str().unwrap().len() > 500);
    }
}

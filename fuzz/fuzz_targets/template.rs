//! The `spec.template.data` renderer (`offseal_core::manifest::template::render`): Go
//! `text/template` text over a fixed map of opened values.
//!
//! An `Err` is fine; a panic is a bug, and so are output over the 1 MiB cap, an error that
//! quotes a value, and text without `{{` that does not render to itself.

#![no_main]

use std::collections::BTreeMap;

use libfuzzer_sys::fuzz_target;
use offseal_core::manifest::template;
use offseal_core::secrecy::SecretSlice;

/// Values no message may contain (each 8 characters or more).
const VALUES: [(&str, &[u8]); 4] = [
    ("password", b"PW-hunter2-PW"),
    ("token", b"TK-t0k3n-TK\n"),
    ("b64", b"UFctc2VjcmV0LVBX"),
    ("binary", b"\xff\xfeBIN-value\x00"),
];

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let values: BTreeMap<String, SecretSlice<u8>> = VALUES
        .iter()
        .map(|(k, v)| ((*k).to_owned(), SecretSlice::from(v.to_vec())))
        .collect();
    match template::render(text, &values) {
        Ok(out) => {
            assert!(out.len() <= 1024 * 1024, "rendered {} bytes", out.len());
            if !text.contains("{{") {
                assert_eq!(&out[..], text.as_bytes(), "plain text changed");
            }
        }
        Err(err) => {
            let message = err.to_string();
            for (_, value) in VALUES {
                let shown = String::from_utf8_lossy(value);
                let core = shown.trim_matches(|c: char| !c.is_ascii_alphanumeric());
                assert!(!message.contains(core), "an error quotes a value: {message}");
            }
            assert!(err.line >= 1 && err.column >= 1);
        }
    }
});

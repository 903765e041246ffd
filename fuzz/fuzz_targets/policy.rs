//! The repository policy (`offseal_core::policy::Policy`): `.offseal.yaml` from a repository,
//! parsed and matched against paths.
//!
//! An `Err` is fine; a panic is a bug, and so is an error without a line and column.

#![no_main]

use libfuzzer_sys::fuzz_target;
use offseal_core::Error;
use offseal_core::policy::Policy;

/// Paths a repository holds, matched against every parsed policy.
const PATHS: [&str; 5] = [
    "tenants/blue/values.yaml",
    "clusters/prod/tenants/a/values.yml",
    "shared/x.yaml",
    "",
    "a/b/c/d/e/f/g/h/values.yaml",
];

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    match Policy::parse(text, ".offseal.yaml") {
        Ok(policy) => {
            for path in PATHS {
                if let Ok(Some(resolved)) = policy.resolve(path) {
                    assert!(resolved.rule >= 1 && resolved.rule <= policy.rules().len());
                }
            }
        }
        Err(Error::Policy { line, column, .. }) => {
            assert!(line >= 1 && column >= 1, "no place: {line}:{column}");
        }
        Err(other) => panic!("not a policy error: {other}"),
    }
});

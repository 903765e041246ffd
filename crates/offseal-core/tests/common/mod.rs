//! Helpers shared by the integration tests: fixture paths and loaders.
#![allow(dead_code, unreachable_pub)]
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::PathBuf;
use std::time::{Duration, SystemTime};

use offseal_core::{Certificate, SealingKey, UnsealingKeys};

/// `testdata/` at the workspace root.
pub fn testdata(rel: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../testdata")
        .join(rel)
}

/// The bytes of a file under `testdata/`.
pub fn read(rel: &str) -> Vec<u8> {
    std::fs::read(testdata(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"))
}

/// A day when every controller certificate in testdata is valid (and the expired one is not).
pub fn valid_day() -> SystemTime {
    // 2027-06-01
    SystemTime::UNIX_EPOCH + Duration::from_secs(1_811_894_400)
}

/// `testdata/keys/<name>.crt.pem`, parsed.
pub fn certificate(name: &str) -> Certificate {
    let rel = format!("keys/{name}.crt.pem");
    Certificate::parse(&read(&rel), &rel).unwrap()
}

/// The sealing key of `testdata/keys/<name>.crt.pem` on [`valid_day`].
pub fn sealing_key(name: &str) -> SealingKey {
    certificate(name).sealing_key(valid_day()).unwrap()
}

/// The private keys `testdata/keys/<name>.key.pem`.
pub fn unsealing_keys(names: &[&str]) -> UnsealingKeys {
    let mut keys = UnsealingKeys::new();
    for name in names {
        let rel = format!("keys/{name}.key.pem");
        keys.add(&read(&rel), &rel).unwrap();
    }
    keys
}

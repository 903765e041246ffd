//! The manifest reader (`offseal_core::manifest`): Secret and SealedSecret streams, YAML or
//! JSON, several documents or a `v1.List`.
//!
//! What reads is inspected, written back in both formats and read again, merged into itself
//! (kubeseal `--merge-into`), verified against an empty key set, and (for Secrets) sealed with
//! the 2048-bit test certificate. An `Err` is fine; a panic is a bug, and so is output that
//! does not read back as what was written.

#![no_main]

use libfuzzer_sys::fuzz_target;
use offseal_core::manifest::{self, Format, SealOptions, SealedSecret, Secret};
use offseal_core::secrecy::ExposeSecret;
use offseal_core::{UnsealingKeys, hazmat};
use offseal_fuzz::{SEALING_KEY, rng};

fuzz_target!(|data: &[u8]| {
    let _ = manifest::holds_sealed_secrets(data);
    let _ = manifest::detect_format(data);
    if let Ok(sealed) = manifest::read_sealed_secrets(data, "fuzz.yaml") {
        sealed_secrets(&sealed);
    }
    if let Ok(secrets) = manifest::read_secrets(data, "fuzz.yaml") {
        self::secrets(&secrets);
    }
});

/// SealedSecrets that were read.
fn sealed_secrets(list: &[SealedSecret]) {
    let none = UnsealingKeys::new();
    for sealed in list {
        let _ = (sealed.scope(), sealed.label(), sealed.describe());
        let _ = (sealed.target(), sealed.owner_reference());
        assert_eq!(sealed.verify(&none).len(), sealed.spec.encrypted_data.len());
        let mut merged = sealed.clone();
        merged.merge(sealed.clone());
        assert!(
            &merged == sealed,
            "merging a SealedSecret into itself changed it"
        );
    }
    for format in [Format::Yaml, Format::Json] {
        let text = match manifest::to_string(list, format) {
            Ok(text) => text,
            Err(e) => panic!("writing SealedSecrets as {format:?} failed: {e}"),
        };
        match manifest::read_sealed_secrets(text.as_bytes(), "written") {
            Ok(back) => assert!(
                back == list,
                "SealedSecrets written as {format:?} read back differently"
            ),
            Err(e) => panic!("SealedSecrets written as {format:?} do not read back: {e}"),
        }
    }
}

/// Secrets that were read.
fn secrets(list: &[Secret]) {
    for format in [Format::Yaml, Format::Json] {
        let text = match manifest::to_string(list, format) {
            Ok(text) => text,
            Err(e) => panic!("writing Secrets as {format:?} failed: {e}"),
        };
        match manifest::read_secrets(text.as_bytes(), "written") {
            Ok(back) => {
                assert_eq!(back.len(), list.len(), "Secrets written as {format:?}");
                for (a, b) in list.iter().zip(&back) {
                    assert_same_secret(a, b);
                }
            }
            Err(e) => panic!("Secrets written as {format:?} do not read back: {e}"),
        }
    }
    let mut rng = rng();
    for secret in list {
        let _ = secret.describe();
        for options in [
            SealOptions::default(),
            SealOptions::new(Some("fuzz-name"), Some("fuzz-ns"), None).allow_empty_data(true),
        ] {
            if let Ok(sealed) =
                hazmat::seal_secret_with_rng(secret, &mut rng, &SEALING_KEY, &options)
            {
                let items = secret.data.keys().chain(secret.string_data.keys());
                assert!(
                    items
                        .clone()
                        .all(|k| sealed.spec.encrypted_data.contains_key(k))
                );
                assert!(sealed.spec.encrypted_data.len() <= items.count());
                assert!(sealed.target().is_ok(), "a sealed Secret has no target");
            }
        }
    }
}

/// Two Secrets hold the same metadata and values.
fn assert_same_secret(a: &Secret, b: &Secret) {
    assert!(a.metadata == b.metadata, "metadata changed");
    assert_eq!(
        (&a.kind, &a.api_version, &a.type_),
        (&b.kind, &b.api_version, &b.type_)
    );
    assert_eq!(a.immutable, b.immutable);
    let data = |s: &Secret| -> Vec<(String, Vec<u8>)> {
        s.data
            .iter()
            .map(|(k, v)| (k.clone(), v.expose_secret().to_vec()))
            .collect()
    };
    assert!(data(a) == data(b), "data changed");
    let text = |s: &Secret| -> Vec<(String, String)> {
        s.string_data
            .iter()
            .map(|(k, v)| (k.clone(), v.expose_secret().to_owned()))
            .collect()
    };
    assert!(text(a) == text(b), "stringData changed");
}

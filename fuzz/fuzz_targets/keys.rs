//! Certificates and keys: `Certificate::parse` and `SealingKey::from_certificate` (PEM bundle,
//! PEM public key, DER of either) and `UnsealingKeys::add` (PEM private keys, a Kubernetes
//! key Secret or a `List` of them, YAML or JSON).
//!
//! An `Err` is fine; a panic is a bug, and so is a parsed key whose sizes disagree, or a
//! certificate that gives a sealing key at a time it says it is not valid.

#![no_main]

use libfuzzer_sys::fuzz_target;
use offseal_core::{Certificate, MIN_RSA_BITS, SealingKey, UnsealingKeys, Validity};
use offseal_fuzz::now;

fuzz_target!(|data: &[u8]| {
    let now = now();
    if let Ok(cert) = Certificate::parse(data, "fuzz.pem") {
        assert!(
            cert.bits() >= MIN_RSA_BITS,
            "a key under {MIN_RSA_BITS} bits was accepted"
        );
        assert_eq!(cert.size(), cert.bits().div_ceil(8));
        assert!(cert.fingerprint().starts_with("SHA256:"));
        let validity = cert.validity_at(now);
        match (cert.info(), validity) {
            (None, Validity::Unknown) => {}
            (Some(info), _) => {
                assert_ne!(validity, Validity::Unknown);
                let _ = (info.not_before.date(), info.not_after.long_date());
            }
            (None, other) => panic!("a bare public key has validity {other:?}"),
        }
        match cert.sealing_key(now) {
            Ok(key) => {
                assert!(matches!(
                    validity,
                    Validity::Valid | Validity::Unknown | Validity::NotYetValid
                ));
                assert_eq!(
                    cert.warning_at(now).is_some(),
                    validity == Validity::NotYetValid
                );
                assert_eq!((key.bits(), key.size()), (cert.bits(), cert.size()));
                assert_eq!(key.fingerprint(), cert.fingerprint());
            }
            Err(_) => assert_eq!(validity, Validity::Expired),
        }
    }
    let _ = SealingKey::from_certificate(data, "fuzz.pem", now);

    let mut keys = UnsealingKeys::new();
    if let Ok(read) = keys.add(data, "fuzz.key") {
        assert!(
            keys.len() <= read,
            "{} keys kept of {read} read",
            keys.len()
        );
        assert_eq!(keys.fingerprints().count(), keys.len());
        // Adding the same keys again adds no key.
        let before = keys.len();
        if let Ok(again) = keys.add(data, "fuzz.key") {
            assert_eq!(again, read);
        }
        assert_eq!(keys.len(), before);
    }
});

//! Key limits, the same for every backend: 2048 to 8192 bits, a public exponent up to 2^31-1
//! (Go's limit). Certificates from `testdata/keys/make-limit-keys.sh`.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use offseal_core::secrecy::ExposeSecret as _;
use offseal_core::{Certificate, CertificateProblem, Error, RSA_BACKEND, Target};

fn refusal(name: &str) -> (CertificateProblem, String) {
    let rel = format!("keys/{name}.crt.pem");
    match Certificate::parse(&common::read(&rel), &rel) {
        Err(err @ Error::Certificate { .. }) => {
            let message = err.to_string();
            let Error::Certificate { reason, .. } = err else {
                unreachable!()
            };
            (reason, message)
        }
        other => panic!("{name} ({RSA_BACKEND}): {other:?}"),
    }
}

/// Seals with the certificate `name` and opens with its key.
fn round_trip(name: &str, bits: usize) {
    let key = common::sealing_key(name);
    assert_eq!(key.bits(), bits, "{name}");
    let target = Target::strict("tenant-a", "app").unwrap();
    let sealed = offseal_core::seal(&key, &target, b"at the limit").unwrap();
    let keys = common::unsealing_keys(&[name]);
    let opened = offseal_core::open(&keys, &target, &sealed)
        .unwrap_or_else(|e| panic!("{name} ({RSA_BACKEND}): {e}"));
    assert_eq!(opened.expose_secret(), b"at the limit");
}

#[test]
fn an_8192_bit_key_seals_and_opens() {
    round_trip("rsa-8192", 8192);
}

#[test]
fn an_8193_bit_key_is_refused_with_its_size() {
    let (reason, message) = refusal("refuse-rsa-8193");
    assert_eq!(
        reason,
        CertificateProblem::TooLarge {
            bits: 8193,
            max: 8192
        }
    );
    assert_eq!(
        message,
        "keys/refuse-rsa-8193.crt.pem: the certificate's RSA key is 8193 bits; offseal accepts \
         at most 8192 (the controller's keys are 4096 bits unless its --key-size says otherwise)"
    );
}

#[test]
fn a_public_exponent_of_2_pow_31_minus_1_is_accepted() {
    round_trip("rsa-e-2147483647", 2048);
}

#[test]
fn a_larger_public_exponent_is_refused_as_go_does() {
    let (reason, message) = refusal("refuse-rsa-e-2147483649");
    assert_eq!(
        reason,
        CertificateProblem::ExponentTooLarge {
            exponent: "2147483649".to_owned()
        }
    );
    assert_eq!(
        message,
        "keys/refuse-rsa-e-2147483649.crt.pem: the certificate's RSA public exponent is \
         2147483649; kubeseal, the controller (Go's crypto/rsa) and offseal accept at most \
         2147483647 (2^31-1)"
    );
}

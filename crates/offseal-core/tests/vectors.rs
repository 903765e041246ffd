//! Known-answer vectors made with Go's crypto/rsa (the library the controller uses), and crafted
//! values that every backend must refuse alike (`testdata/crafted-values.py`).

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use offseal_core::secrecy::ExposeSecret;
use offseal_core::{Envelope, Error, RSA_BACKEND, Scope, Target};
use serde_json::Value;

fn vectors() -> Vec<Value> {
    vectors_in("values.json")
}

fn vectors_in(file: &str) -> Vec<Value> {
    let all: Value = serde_json::from_slice(&common::read(file)).unwrap();
    all["vectors"].as_array().unwrap().clone()
}

fn target_of(v: &Value) -> Target {
    let scope: Scope = v["scope"].as_str().unwrap().parse().unwrap();
    Target::new(scope, v["namespace"].as_str(), v["name"].as_str()).unwrap()
}

/// One OAEP rule for every backend: a block that AWS-LC and Go refuse (leading byte set, wrong
/// label hash, no separator, stray padding, c >= n) is refused by the pure-Rust backend too,
/// with the same opaque error; so are a 16-byte session key and a bad GCM tag.
#[test]
fn crafted_values_are_refused_alike_by_every_backend() {
    let vectors = vectors_in("crafted-values.json");
    let ids: Vec<&str> = vectors.iter().map(|v| v["id"].as_str().unwrap()).collect();
    for kind in [
        "control-valid",
        "oaep-leading-byte-one",
        "oaep-wrong-label-hash",
        "oaep-separator-missing",
        "oaep-separator-two",
        "oaep-nonzero-in-padding",
        "rsa-block-equals-modulus",
        "rsa-block-above-modulus",
        "session-key-16-bytes",
        "gcm-tag-flipped",
    ] {
        assert!(ids.contains(&kind), "crafted-values.json lacks {kind}");
    }
    for v in &vectors {
        let id = v["id"].as_str().unwrap();
        let keys = common::unsealing_keys(&[v["keys"][0].as_str().unwrap()]);
        let sealed = v["sealed"].as_str().unwrap();
        // Every crafted value is well formed: only a private key can tell it is wrong.
        Envelope::from_base64(sealed).unwrap();
        let result = offseal_core::open(&keys, &target_of(v), sealed);
        if v["expect"] == "ok" {
            let expected = STANDARD
                .decode(v["plaintext_b64"].as_str().unwrap())
                .unwrap();
            let opened = result.unwrap_or_else(|e| panic!("{id} ({RSA_BACKEND}): {e}"));
            assert_eq!(opened.expose_secret(), expected.as_slice(), "{id}");
        } else {
            match result {
                Err(Error::NoKeyCouldDecrypt) => {}
                Err(other) => panic!("{id} ({RSA_BACKEND}): {other:?}, not NoKeyCouldDecrypt"),
                Ok(_) => panic!("{id} opened with the {RSA_BACKEND} backend but must fail"),
            }
        }
    }
}

#[test]
fn every_ok_vector_opens_to_its_plaintext_and_every_fail_vector_fails() {
    let vectors = vectors();
    assert!(vectors.len() >= 60, "the vector file shrank");
    let (mut ok, mut failed) = (0, 0);
    for v in &vectors {
        let id = v["id"].as_str().unwrap();
        let key_names: Vec<&str> = v["keys"]
            .as_array()
            .unwrap()
            .iter()
            .map(|k| k.as_str().unwrap())
            .collect();
        let keys = common::unsealing_keys(&key_names);
        let scope: Scope = v["scope"].as_str().unwrap().parse().unwrap();
        let target = Target::new(scope, v["namespace"].as_str(), v["name"].as_str()).unwrap();
        let result = offseal_core::open(&keys, &target, v["sealed"].as_str().unwrap());
        match v["expect"].as_str().unwrap() {
            "ok" => {
                let expected = STANDARD
                    .decode(v["plaintext_b64"].as_str().unwrap())
                    .unwrap();
                let opened = result.unwrap_or_else(|e| panic!("{id}: {e}"));
                assert_eq!(opened.expose_secret(), expected.as_slice(), "{id}");
                ok += 1;
            }
            "fail" => {
                let err = result
                    .err()
                    .unwrap_or_else(|| panic!("{id} opened but must fail"));
                assert!(
                    matches!(
                        err,
                        Error::NoKeyCouldDecrypt | Error::Malformed(_) | Error::Base64
                    ),
                    "{id}: unexpected error {err:?}"
                );
                failed += 1;
            }
            other => panic!("{id}: unknown expectation {other}"),
        }
    }
    assert!(ok >= 40 && failed >= 15, "ok {ok}, fail {failed}");
}

#[test]
fn structural_failures_are_told_apart_without_a_key() {
    for v in vectors() {
        let why = v["why"].as_str().unwrap_or_default();
        let parsed = Envelope::from_base64(v["sealed"].as_str().unwrap());
        if why.contains("claims") {
            // Well formed, but the RSA block does not fit the key it claims to be for.
            let key = common::sealing_key(v["keys"][0].as_str().unwrap());
            assert!(parsed.unwrap().check_key_size(key.size()).is_err(), "{why}");
            continue;
        }
        let structural = [
            "length prefix",
            "nothing after",
            "shorter than",
            "empty value",
            "plaintext where",
            "RSA part only",
        ];
        if structural.iter().any(|s| why.contains(s)) {
            assert!(parsed.is_err(), "{why}: parsed as an envelope");
        } else if v["expect"] == "ok" {
            let env = parsed.unwrap();
            let size = v["keys"][0].as_str().unwrap().split('-').nth(1).unwrap();
            assert_eq!(env.rsa_size() * 8, size.parse::<usize>().unwrap());
        }
    }
}

#[test]
fn scopes_in_the_vectors_map_to_their_labels() {
    for v in vectors() {
        let scope: Scope = v["scope"].as_str().unwrap().parse().unwrap();
        let target = Target::new(scope, v["namespace"].as_str(), v["name"].as_str()).unwrap();
        if v["expect"] == "ok" {
            assert_eq!(
                target.label(),
                v["label"].as_str().unwrap().as_bytes(),
                "{}",
                v["id"]
            );
        }
    }
}

//! `offseal unseal`: SealedSecrets and raw values back to plaintext, for recovery.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use predicates::prelude::*;
use serde_json::Value;

use crate::util::{key, offseal, testdata};

fn expected(scope: &str) -> Value {
    let path = testdata(&format!("manifests/sealedsecret-{scope}.expected.json"));
    serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap()
}

#[test]
fn vector_manifests_unseal_in_json_and_yaml() {
    for scope in ["strict", "namespace-wide", "cluster-wide"] {
        let manifest = testdata(&format!("manifests/sealedsecret-{scope}.json"));
        for (format, parse) in [
            (
                "json",
                (|s: &str| serde_json::from_str::<Value>(s).unwrap()) as fn(&str) -> Value,
            ),
            ("yaml", |s: &str| {
                assert!(s.starts_with("---\napiVersion: v1\n"), "{s}");
                // Read back with libyaml (serde_norway), independent of our writer.
                serde_norway::from_str::<Value>(s.trim_start_matches("---\n")).unwrap()
            }),
        ] {
            let out = offseal()
                .args(["unseal", "--recovery-private-key"])
                .arg(key("controller-keys-backup.json"))
                .arg("-f")
                .arg(&manifest)
                .args(["-o", format])
                .assert()
                .success()
                .stderr("");
            let secret = parse(&String::from_utf8(out.get_output().stdout.clone()).unwrap());
            assert_eq!(secret["kind"], "Secret");
            // The Secret lands where the SealedSecret is; the cluster-wide vector has no namespace.
            let namespace = if scope == "cluster-wide" {
                Value::Null
            } else {
                "tenant-a".into()
            };
            assert_eq!(secret["metadata"]["namespace"], namespace);
            for (k, v) in expected(scope).as_object().unwrap() {
                let got = STANDARD
                    .decode(secret["data"][k].as_str().unwrap())
                    .unwrap();
                assert_eq!(got, v.as_str().unwrap().as_bytes(), "{scope} {format} {k}");
            }
        }
    }
}

#[test]
fn the_wrong_key_is_an_error_naming_the_items() {
    offseal()
        .args(["unseal", "--recovery-private-key"])
        .arg(key("rotated-4096.key.pem"))
        .arg("-f")
        .arg(testdata("manifests/sealedsecret-strict.json"))
        .assert()
        .code(1)
        .stdout("")
        .stderr(
            "error: SealedSecret \"tenant-a/azure-keyvault-credentials\": cannot open encryptedData \
             \"client_id\", \"client_secret\" (label for strict): no key could decrypt secret\n",
        );
}

#[test]
fn keys_may_be_given_comma_separated_or_repeated() {
    let manifest = testdata("manifests/sealedsecret-cluster-wide.json");
    let both = format!(
        "{},{}",
        key("rotated-4096.key.pem"),
        key("controller-4096.pkcs8.pem")
    );
    offseal()
        .args(["unseal", "--recovery-private-key", &both, "-f"])
        .arg(&manifest)
        .assert()
        .success();
    offseal()
        .args([
            "unseal",
            "--recovery-private-key",
            &key("rotated-4096.key.pem"),
        ])
        .args(["--recovery-private-key", &key("controller-4096.key.pem")])
        .write_stdin(std::fs::read(&manifest).unwrap())
        .assert()
        .success();
}

#[test]
fn raw_values_open_to_their_exact_bytes() {
    let values: Value =
        serde_json::from_slice(&std::fs::read(testdata("values.json")).unwrap()).unwrap();
    let vector = values["vectors"]
        .as_array()
        .unwrap()
        .iter()
        .find(|v| {
            v["expect"] == "ok" && v["scope"] == "strict" && v["keys"][0] == "controller-3072"
        })
        .unwrap();
    let out = offseal()
        .args([
            "unseal",
            "--raw",
            "--recovery-private-key",
            &key("controller-3072.key.pem"),
        ])
        .args(["-n", vector["namespace"].as_str().unwrap()])
        .args(["--name", vector["name"].as_str().unwrap()])
        .write_stdin(vector["sealed"].as_str().unwrap())
        .assert()
        .success();
    let expected = STANDARD
        .decode(vector["plaintext_b64"].as_str().unwrap())
        .unwrap();
    assert_eq!(out.get_output().stdout, expected);
}

#[test]
fn bad_inputs_get_clear_errors() {
    offseal()
        .args([
            "unseal",
            "--raw",
            "--recovery-private-key",
            &key("controller-2048.key.pem"),
            "--scope",
            "cluster-wide",
        ])
        .write_stdin("not base64!")
        .assert()
        .code(1)
        .stderr(
            "error: cannot open the value for cluster-wide: sealed value is not valid base64\n",
        );
    offseal()
        .args([
            "unseal",
            "--recovery-private-key",
            &key("controller-2048.crt.pem"),
        ])
        .write_stdin("")
        .assert()
        .code(1)
        .stderr(predicate::str::contains(
            "no RSA PRIVATE KEY or PRIVATE KEY block (found CERTIFICATE)",
        ));
    offseal()
        .args([
            "unseal",
            "--recovery-private-key",
            &key("controller-2048.key.pem"),
        ])
        .write_stdin("kind: Secret\n")
        .assert()
        .code(1)
        .stderr("error: stdin: document 1: expected a SealedSecret, found kind \"Secret\"\n");
    offseal()
        .args([
            "unseal",
            "--recovery-private-key",
            &key("controller-2048.key.pem"),
        ])
        .assert()
        .code(1);
    offseal()
        .args(["unseal"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("--recovery-private-key <FILE>"));
}

#[test]
fn target_flags_without_raw_are_refused_not_ignored() {
    for flags in [
        &["-n", "x"][..],
        &["--name", "y"],
        &["--scope", "cluster-wide"],
    ] {
        offseal()
            .args([
                "unseal",
                "--recovery-private-key",
                &key("controller-2048.key.pem"),
            ])
            .args(flags)
            .write_stdin("")
            .assert()
            .code(1)
            .stdout("")
            .stderr(
                "error: --namespace, --name and --scope are for --raw; a SealedSecret opens \
                 for its own metadata (give it with -f)\n",
            );
    }
}

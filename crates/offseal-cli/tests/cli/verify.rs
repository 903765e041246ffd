//! `offseal verify`: open every value with the keys, print no plaintext.

use predicates::prelude::*;
use serde_json::Value;

use crate::util::{CLIENT_ID, CLIENT_SECRET, key, offseal, sealed_values_file, temp_file};

#[test]
fn opens_every_value_for_its_recorded_target() {
    let (_dir, path) = sealed_values_file("controller-4096.crt.pem");
    let file = path.to_str().unwrap();
    let out = offseal()
        .args(["verify", file, "--recovery-private-key", &key("controller-keys-backup.json")])
        .assert()
        .success()
        .stdout(format!(
            "{file}:4: `external_secrets.keyvault_credentials.client_id` ok: opens for strict ns/app (36 bytes)\n\
             {file}:5: `external_secrets.keyvault_credentials.client_secret` ok: opens for strict ns/app ({} bytes)\n",
            CLIENT_SECRET.len()
        ));
    let all = String::from_utf8_lossy(&out.get_output().stdout).into_owned()
        + &String::from_utf8_lossy(&out.get_output().stderr);
    assert!(!all.contains(CLIENT_SECRET) && !all.contains(CLIENT_ID));
}

#[test]
fn wrong_keys_targets_and_unsealed_values_fail() {
    let (_dir, path) = sealed_values_file("controller-4096.crt.pem");
    let file = path.to_str().unwrap();
    offseal()
        .args([
            "verify",
            file,
            "--recovery-private-key",
            &key("rotated-4096.key.pem"),
        ])
        .assert()
        .code(1)
        .stdout(predicate::str::contains(
            "FAILED for strict ns/app: no key could decrypt secret",
        ));
    offseal()
        .args([
            "verify",
            file,
            "--recovery-private-key",
            &key("controller-4096.key.pem"),
            "--scope",
            "cluster-wide",
        ])
        .assert()
        .code(1)
        .stdout(predicate::str::contains(
            "FAILED for cluster-wide: no key could decrypt secret",
        ));

    let (_dir, plain) = temp_file(
        "p.yaml",
        b"external_secrets:\n  keyvault_credentials:\n    client_id: abc\n",
    );
    let out = offseal()
        .args([
            "verify",
            plain.to_str().unwrap(),
            "--recovery-private-key",
            &key("controller-4096.key.pem"),
            "--json",
        ])
        .assert()
        .code(1);
    // One JSON line per value.
    let report: Value = serde_json::from_slice(&out.get_output().stdout).unwrap();
    assert_eq!(report["status"], "not-sealed");
    assert_eq!(report["command"], "verify");
}

#[test]
fn values_without_provenance_need_a_target() {
    let (_dir, path) = sealed_values_file("controller-4096.crt.pem");
    let file = path.to_str().unwrap();
    // A plaintext client id (`set --plain` refuses to write one over a sealed value), and no
    // comment: raw values sealed elsewhere have none.
    let text = std::fs::read_to_string(&path).unwrap();
    let without: String = text
        .lines()
        .filter(|l| !l.contains("# offseal:"))
        .map(|l| {
            if l.trim_start().starts_with("client_id:") {
                "    client_id: x\n".to_owned()
            } else {
                format!("{l}\n")
            }
        })
        .collect();
    std::fs::write(&path, without).unwrap();
    offseal()
        .args([
            "verify",
            file,
            "--recovery-private-key",
            &key("controller-4096.key.pem"),
        ])
        .assert()
        .code(1)
        .stdout(predicate::str::contains("FAILED: no target known"));
    offseal()
        .args([
            "verify",
            file,
            "--recovery-private-key",
            &key("controller-4096.key.pem"),
            "-n",
            "ns",
            "--name",
            "app",
        ])
        .assert()
        .code(1)
        .stdout(predicate::str::contains(
            "client_secret` ok: opens for strict ns/app",
        ))
        .stdout(predicate::str::contains(
            "client_id` FAILED: holds plaintext",
        ));
}

//! `offseal check`: lint without keys.

use predicates::prelude::*;
use serde_json::Value;

use crate::util::{key, offseal, sealed_values_file, temp_file};

#[test]
fn a_freshly_sealed_file_passes() {
    let (_dir, path) = sealed_values_file("controller-4096.crt.pem");
    offseal()
        .args([
            "check",
            path.to_str().unwrap(),
            "--cert",
            &key("controller-4096.crt.pem"),
        ])
        .assert()
        .success()
        .stdout("")
        .stderr("checked 1 file, 2 sealed values: 0 errors, 0 warnings\n");
}

#[test]
fn plaintext_empty_and_malformed_values_fail() {
    let long_garbage = "QUFB".repeat(120);
    let input = format!(
        "external_secrets:\n  azure_tenant_id: not-a-guid\n  keyvault_credentials:\n    client_id: 0b7ff3c4-6f8e-4c49-9a5c-3b8e2f1d9a10\n    client_secret: {long_garbage}\nother:\n  external_secrets:\n    keyvault_credentials:\n      client_id: \"\"\n"
    );
    let (_dir, path) = temp_file("values.yaml", input.as_bytes());
    let file = path.to_str().unwrap();
    offseal()
        .args(["check", file])
        .assert()
        .code(1)
        .stdout(format!(
            "{file}:2: error: `external_secrets.azure_tenant_id` is not a GUID\n\
             {file}:4: error: `external_secrets.keyvault_credentials.client_id` holds plaintext, not a sealed value\n\
             {file}:5: error: `external_secrets.keyvault_credentials.client_secret` holds malformed sealed data: its length prefix announces a 16705-byte RSA block but only 358 bytes follow\n\
             {file}:9: error: `other.external_secrets.keyvault_credentials.client_id` is empty\n"
        ))
        .stderr("checked 1 file, 3 sealed values: 4 errors, 0 warnings\n");
}

#[test]
fn values_for_another_key_fail_and_another_certificate_warns() {
    let (_dir, path) = sealed_values_file("controller-2048.crt.pem");
    let file = path.to_str().unwrap();
    offseal()
        .args(["check", file, "--cert", &key("controller-4096.crt.pem")])
        .assert()
        .code(1)
        .stdout(predicate::str::contains(
            "its RSA block is 256 bytes, but the certificate's key needs 512 (4096 bits)",
        ));
    // Same size, other key: the values still open while the controller keeps the old key.
    let (_dir, path) = sealed_values_file("controller-4096.crt.pem");
    let out = offseal()
        .args([
            "check",
            path.to_str().unwrap(),
            "--cert",
            &key("rotated-4096.crt.pem"),
            "--json",
        ])
        .assert()
        .success();
    let report: Value = serde_json::from_slice(&out.get_output().stdout).unwrap();
    let findings = report["files"][0]["findings"].as_array().unwrap();
    assert_eq!(findings.len(), 2);
    assert_eq!(findings[0]["severity"], "warning");
    assert!(
        findings[0]["message"]
            .as_str()
            .unwrap()
            .contains("was sealed with another certificate (SHA256:NfQ6")
    );
}

#[test]
fn an_expired_certificate_still_checks_and_unreadable_files_fail() {
    let (_dir, path) = sealed_values_file("controller-2048.crt.pem");
    offseal()
        .args([
            "check",
            path.to_str().unwrap(),
            "--cert",
            &key("expired-2048.crt.pem"),
        ])
        .assert()
        .success();
    offseal()
        .args(["check", "/nonexistent/values.yaml"])
        .assert()
        .code(1)
        .stdout(predicate::str::contains(
            "error: cannot open /nonexistent/values.yaml",
        ));
}

#[test]
fn many_files_are_checked_in_parallel_and_reported_in_input_order() {
    let dir = tempfile::tempdir().unwrap();
    let files: Vec<String> = (0..40)
        .map(|i| {
            let path = dir.path().join(format!("v{i:02}.yaml"));
            let content = if i % 3 == 0 {
                format!("external_secrets:\n  keyvault_credentials:\n    client_id: plain-{i}\n")
            } else {
                format!("other: {i}\n")
            };
            std::fs::write(&path, content).unwrap();
            path.display().to_string()
        })
        .collect();
    let out = offseal()
        .arg("check")
        .args(&files)
        .env("RAYON_NUM_THREADS", "4")
        .assert()
        .code(1);
    let stdout = String::from_utf8(out.get_output().stdout.clone()).unwrap();
    let reported: Vec<&str> = stdout
        .lines()
        .map(|l| l.split(':').next().unwrap())
        .collect();
    let expected: Vec<&str> = files.iter().step_by(3).map(String::as_str).collect();
    assert_eq!(reported, expected);
}

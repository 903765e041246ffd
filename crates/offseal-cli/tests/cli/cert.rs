//! `offseal cert`: what a certificate is.

use predicates::prelude::*;
use serde_json::Value;

use crate::util::{key, offseal};

#[test]
fn shows_the_certificate_and_its_kubeseal_fingerprint() {
    offseal()
        .args(["cert", &key("controller-4096.crt.pem")])
        .assert()
        .success()
        .stdout(predicate::str::contains("subject:     (empty)\n"))
        .stdout(predicate::str::contains(
            "not after:   2036-11-27T11:11:25Z\n",
        ))
        .stdout(predicate::str::contains(
            "status:      valid: can seal today\n",
        ))
        .stdout(predicate::str::contains("key:         RSA 4096 bits\n"))
        .stdout(predicate::str::contains(
            "fingerprint: SHA256:NfQ6GANZ5ZSZ45GsFMFEsYJbj4rlqJiSarri7KWL6ns\n",
        ));
}

#[test]
fn json_report_and_exit_code_say_whether_it_can_be_used() {
    let out = offseal()
        .args(["cert", "--json", &key("expired-2048.crt.pem")])
        .assert()
        .code(1)
        .stderr(predicate::str::contains(
            "expired certificate on January 1, 2020",
        ));
    let report: Value = serde_json::from_slice(&out.get_output().stdout).unwrap();
    assert_eq!(report["status"], "expired");
    assert_eq!(report["usable"], false);
    assert_eq!(report["bits"], 2048);
    assert_eq!(report["not_after"], "2020-01-01T00:00:00Z");

    let out = offseal()
        .args(["cert", "--json"])
        .env("SEALED_SECRETS_CERT", key("controller-4096.pub.pem"))
        .assert()
        .success();
    let report: Value = serde_json::from_slice(&out.get_output().stdout).unwrap();
    assert_eq!(report["status"], "no-validity");
    assert_eq!(
        report["fingerprint"],
        "SHA256:NfQ6GANZ5ZSZ45GsFMFEsYJbj4rlqJiSarri7KWL6ns"
    );
}

#[test]
fn refuses_what_is_not_a_usable_certificate() {
    offseal()
        .args(["cert", &key("refuse-ec-p256.crt.pem")])
        .assert()
        .code(1)
        .stdout("")
        .stderr(predicate::str::contains(
            "expected an RSA public key but found an ECDSA key",
        ));
}

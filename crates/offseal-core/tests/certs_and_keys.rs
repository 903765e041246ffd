//! Certificates and private keys in every form the controller and kubeseal use.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use offseal_core::{Certificate, CertificateProblem, Error, UnsealingKeys, Validity};

fn problem(name: &str) -> CertificateProblem {
    let rel = format!("keys/{name}");
    let cert = Certificate::parse(&common::read(&rel), &rel);
    let err = match cert {
        Ok(cert) => cert.sealing_key(common::valid_day()).unwrap_err(),
        Err(e) => e,
    };
    match err {
        Error::Certificate {
            reason,
            source_name,
        } => {
            assert_eq!(source_name, rel);
            reason
        }
        other => panic!("{name}: {other:?}"),
    }
}

#[test]
fn refused_certificates_are_refused_with_the_reason() {
    assert!(matches!(
        problem("refuse-ec-p256.crt.pem"),
        CertificateProblem::NotRsa { .. }
    ));
    assert_eq!(
        problem("refuse-rsa-1024.crt.pem"),
        CertificateProblem::TooSmall { bits: 1024 }
    );
    assert_eq!(
        problem("expired-2048.crt.pem"),
        CertificateProblem::Expired {
            on: "January 1, 2020".to_owned()
        }
    );
    let err = Certificate::parse(&common::read("keys/expired-2048.crt.pem"), "x.pem")
        .unwrap()
        .sealing_key(common::valid_day())
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        "x.pem: failed to encrypt using an expired certificate on January 1, 2020"
    );
}

#[test]
fn not_yet_valid_seals_with_a_warning_naming_the_date() {
    let cert = common::certificate("controller-4096");
    let before =
        cert.info().unwrap().not_before.to_system_time() - std::time::Duration::from_secs(1);
    assert_eq!(cert.validity_at(before), Validity::NotYetValid);
    assert!(cert.sealing_key(before).is_ok());
    let warning = cert.warning_at(before).unwrap();
    assert!(
        warning.contains("not valid before November 30, 2026"),
        "{warning}"
    );
    assert_eq!(cert.warning_at(common::valid_day()), None);
}

#[test]
fn fingerprints_match_ssh_keygen() {
    // `openssl x509 -pubkey | ssh-keygen -i -m PKCS8 | ssh-keygen -lf -`
    for (name, expected) in [
        (
            "controller-2048",
            "SHA256:Ow6Zk6WCVC3mb0hK5QIw75fZFsCfR3w4C/rj7BwNkLo",
        ),
        (
            "controller-4096",
            "SHA256:NfQ6GANZ5ZSZ45GsFMFEsYJbj4rlqJiSarri7KWL6ns",
        ),
        (
            "rotated-4096",
            "SHA256:3bkG43HiwTJjwsw0KtqxuX8on2csIoEQU6pX4FQQd3M",
        ),
    ] {
        let cert = common::certificate(name);
        assert_eq!(cert.fingerprint(), expected, "{name}");
        assert_eq!(
            cert.sealing_key(common::valid_day()).unwrap().fingerprint(),
            expected
        );
        let keys = common::unsealing_keys(&[name]);
        assert_eq!(keys.fingerprints().collect::<Vec<_>>(), [expected]);
    }
}

#[test]
fn certificate_forms_give_the_same_key() {
    let pem = common::certificate("controller-4096");
    let info = pem.info().unwrap();
    assert_eq!(info.subject, "");
    assert_eq!(info.serial, "9D688C0A562B8DABA434505D68572FF3");
    assert_eq!(info.not_after.to_string(), "2036-11-27T11:11:25Z");
    assert_eq!(pem.bits(), 4096);

    let bundle =
        Certificate::parse(&common::read("keys/bundle-4096-then-2048.crt.pem"), "b").unwrap();
    assert_eq!(
        bundle.bits(),
        4096,
        "the first certificate of a bundle is used"
    );

    let public = Certificate::parse(&common::read("keys/controller-4096.pub.pem"), "p").unwrap();
    assert_eq!(public.fingerprint(), pem.fingerprint());
    assert!(public.info().is_none());
    assert_eq!(
        public.validity_at(std::time::SystemTime::UNIX_EPOCH),
        Validity::Unknown
    );

    // DER of the certificate and of the public key.
    let der = x509_der(&common::read("keys/controller-4096.crt.pem"));
    assert_eq!(
        Certificate::parse(&der, "d").unwrap().fingerprint(),
        pem.fingerprint()
    );
    let der = x509_der(&common::read("keys/controller-4096.pub.pem"));
    assert_eq!(
        Certificate::parse(&der, "d").unwrap().fingerprint(),
        pem.fingerprint()
    );
}

fn x509_der(pem: &[u8]) -> Vec<u8> {
    use base64::Engine as _;
    let text = std::str::from_utf8(pem).unwrap();
    let body: String = text.lines().filter(|l| !l.starts_with("-----")).collect();
    base64::engine::general_purpose::STANDARD
        .decode(body)
        .unwrap()
}

#[test]
fn garbage_is_not_a_certificate() {
    for (bytes, needle) in [
        (&b"hello"[..], "neither PEM nor"),
        (
            b"-----BEGIN RSA PRIVATE KEY-----\nAQID\n-----END RSA PRIVATE KEY-----\n",
            "found RSA PRIVATE KEY but no CERTIFICATE",
        ),
        (
            b"-----BEGIN CERTIFICATE-----\nAQID\n-----END CERTIFICATE-----\n",
            "bad X.509",
        ),
        (b"", "neither PEM nor"),
    ] {
        let err = Certificate::parse(bytes, "c.pem").unwrap_err().to_string();
        assert!(err.starts_with("c.pem: not a certificate: "), "{err}");
        assert!(err.contains(needle), "{err}");
    }
}

#[test]
fn every_key_file_loads_and_duplicates_count_once() {
    for name in [
        "controller-2048.key.pem",
        "controller-3072.key.pem",
        "controller-4096.key.pem",
        "controller-4096.pkcs8.pem",
        "rotated-4096.key.pem",
        "expired-2048.key.pem",
        "controller-key-secret.json",
    ] {
        let rel = format!("keys/{name}");
        let mut keys = UnsealingKeys::new();
        assert_eq!(keys.add(&common::read(&rel), &rel).unwrap(), 1, "{name}");
    }
    let mut keys = UnsealingKeys::new();
    assert_eq!(
        keys.add(&common::read("keys/controller-keys-backup.json"), "b")
            .unwrap(),
        2
    );
    // The PKCS#1 and PKCS#8 forms of one key, and the backup again: still two keys.
    keys.add(&common::read("keys/controller-4096.key.pem"), "a")
        .unwrap();
    keys.add(&common::read("keys/controller-4096.pkcs8.pem"), "b")
        .unwrap();
    keys.add(&common::read("keys/controller-keys-backup.json"), "c")
        .unwrap();
    assert_eq!(keys.len(), 2);
}

#[test]
fn key_secrets_load_from_yaml_too() {
    let json: serde_json::Value =
        serde_json::from_slice(&common::read("keys/controller-keys-backup.json")).unwrap();
    // Two YAML documents, one Secret each.
    let mut yaml = String::new();
    for item in json["items"].as_array().unwrap() {
        yaml.push_str("---\n");
        yaml.push_str(&serde_saphyr::to_string(item).unwrap());
    }
    let mut keys = UnsealingKeys::new();
    assert_eq!(keys.add(yaml.as_bytes(), "backup.yaml").unwrap(), 2);
}

#[test]
fn bad_key_files_say_what_is_wrong() {
    let cases: [(&[u8], &str); 5] = [
        (
            b"apiVersion: v1\nkind: Secret\ndata: {}\n",
            "secret must contain a 'tls.key' key",
        ),
        (
            b"-----BEGIN ENCRYPTED PRIVATE KEY-----\nAQID\n-----END ENCRYPTED PRIVATE KEY-----\n",
            "encrypted",
        ),
        (
            b"-----BEGIN CERTIFICATE-----\nAQID\n-----END CERTIFICATE-----\n",
            "no RSA PRIVATE KEY or PRIVATE KEY block (found CERTIFICATE)",
        ),
        (
            b"kind: Secret\ndata:\n  tls.key: '%%%'\n",
            "not valid base64",
        ),
        (b"{{{ nope", "neither a PEM private key nor a Secret"),
    ];
    for (bytes, needle) in cases {
        let err = UnsealingKeys::new()
            .add(bytes, "k")
            .unwrap_err()
            .to_string();
        assert!(err.starts_with("k: "), "{err}");
        assert!(err.contains(needle), "{err}");
    }
}

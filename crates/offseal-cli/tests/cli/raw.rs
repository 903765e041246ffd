//! `offseal raw`: kubeseal --raw semantics.

use predicates::prelude::*;

use crate::util::{key, offseal, open_raw};

fn seal(args: &[&str], stdin: &[u8]) -> assert_cmd::assert::Assert {
    offseal()
        .arg("raw")
        .args(args)
        .write_stdin(stdin.to_vec())
        .assert()
}

#[test]
fn seals_stdin_with_no_trailing_newline_and_it_opens() {
    let cert = key("controller-4096.crt.pem");
    let out = seal(
        &["--cert", &cert, "-n", "tenant-a", "--name", "creds"],
        b"s3cr3t",
    )
    .success()
    .stderr("");
    let sealed = String::from_utf8(out.get_output().stdout.clone()).unwrap();
    assert!(!sealed.ends_with('\n'));
    assert!(
        sealed.starts_with("AgA")
            || sealed.starts_with("AgB")
            || sealed.starts_with("AgC")
            || sealed.starts_with("AgD"),
        "4096-bit prefix: {sealed:.8}"
    );
    let target = ["-n", "tenant-a", "--name", "creds"];
    assert_eq!(
        open_raw(&sealed, "controller-4096.key.pem", &target),
        b"s3cr3t"
    );
}

#[test]
fn every_scope_binds_its_label() {
    let cert = key("controller-2048.crt.pem");
    for (flags, opens_as) in [
        (
            vec!["--scope", "namespace-wide", "-n", "ns"],
            vec!["--scope", "namespace-wide", "-n", "ns"],
        ),
        (
            vec!["--scope", "cluster-wide"],
            vec!["--scope", "cluster-wide"],
        ),
    ] {
        let mut args = vec!["--cert", cert.as_str()];
        args.extend(&flags);
        let out = seal(&args, b"v").success();
        let sealed = String::from_utf8(out.get_output().stdout.clone()).unwrap();
        assert_eq!(
            open_raw(&sealed, "controller-2048.key.pem", &opens_as),
            b"v"
        );
        // Strict for some name never opens it.
        offseal()
            .args([
                "unseal",
                "--raw",
                "--recovery-private-key",
                &key("controller-2048.key.pem"),
                "-n",
                "ns",
                "--name",
                "x",
            ])
            .write_stdin(sealed)
            .assert()
            .failure()
            .stderr(predicate::str::contains("no key could decrypt secret"));
    }
}

#[test]
fn input_is_not_trimmed_but_a_newline_is_warned_about() {
    let cert = key("controller-2048.crt.pem");
    let target = ["-n", "ns", "--name", "app"];
    let out = seal(&["--cert", &cert, "-n", "ns", "--name", "app"], b"pw\n")
        .success()
        .stderr(predicate::str::contains(
            "warning: the value ends with a newline",
        ));
    let sealed = String::from_utf8(out.get_output().stdout.clone()).unwrap();
    assert_eq!(
        open_raw(&sealed, "controller-2048.key.pem", &target),
        b"pw\n"
    );

    let out = seal(
        &[
            "--cert",
            &cert,
            "-n",
            "ns",
            "--name",
            "app",
            "--trim-newline",
        ],
        b"pw\r\n",
    )
    .success()
    .stderr("");
    let sealed = String::from_utf8(out.get_output().stdout.clone()).unwrap();
    assert_eq!(open_raw(&sealed, "controller-2048.key.pem", &target), b"pw");
}

#[test]
fn from_file_reads_the_one_file_and_accepts_key_equals_path() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("value.bin");
    let bytes: Vec<u8> = (0..=255).collect();
    std::fs::File::create(&file)
        .and_then(|mut f| std::io::Write::write_all(&mut f, &bytes))
        .unwrap();
    let cert = key("controller-2048.crt.pem");
    for from in [
        file.display().to_string(),
        format!("client_secret={}", file.display()),
    ] {
        let out = seal(
            &[
                "--cert",
                &cert,
                "--scope",
                "cluster-wide",
                "--from-file",
                &from,
            ],
            b"ignored",
        )
        .success();
        let sealed = String::from_utf8(out.get_output().stdout.clone()).unwrap();
        assert_eq!(
            open_raw(
                &sealed,
                "controller-2048.key.pem",
                &["--scope", "cluster-wide"]
            ),
            bytes
        );
    }
}

#[test]
fn kubeseal_messages_for_missing_target_parts() {
    let cert = key("controller-2048.crt.pem");
    seal(&["--cert", &cert], b"v")
        .code(1)
        .stdout("")
        .stderr("error: must provide the --namespace flag with --raw and --scope strict\n");
    seal(
        &["--cert", &cert, "--name", "x", "--scope", "namespace-wide"],
        b"v",
    )
    .code(1)
    .stderr("error: must provide the --namespace flag with --raw and --scope namespace-wide\n");
    seal(&["--cert", &cert, "-n", "ns"], b"v")
        .code(1)
        .stderr("error: must provide the --name flag with --raw and --scope strict\n");
    seal(&["--cert", &cert, "-n", "Bad_NS", "--name", "x"], b"v")
        .code(1)
        .stderr(predicate::str::starts_with(
            "error: invalid namespace \"Bad_NS\"",
        ));
    seal(&["--cert", &cert, "--scope", "global"], b"v")
        .code(2)
        .stderr(predicate::str::contains(
            "invalid value 'global' for '--scope <SCOPE>'",
        ));
}

#[test]
fn the_certificate_comes_from_the_flag_or_sealed_secrets_cert() {
    let target = ["--scope", "cluster-wide"];
    let out = offseal()
        .args(["raw", "--scope", "cluster-wide"])
        .env("SEALED_SECRETS_CERT", key("controller-2048.crt.pem"))
        .write_stdin("v")
        .assert()
        .success();
    let sealed = String::from_utf8(out.get_output().stdout.clone()).unwrap();
    assert_eq!(open_raw(&sealed, "controller-2048.key.pem", &target), b"v");

    // The flag wins over the environment.
    let out = offseal()
        .args([
            "raw",
            "--scope",
            "cluster-wide",
            "--cert",
            &key("controller-4096.crt.pem"),
        ])
        .env("SEALED_SECRETS_CERT", key("controller-2048.crt.pem"))
        .write_stdin("v")
        .assert()
        .success();
    let sealed = String::from_utf8(out.get_output().stdout.clone()).unwrap();
    assert_eq!(open_raw(&sealed, "controller-4096.key.pem", &target), b"v");

    offseal()
        .args(["raw", "--scope", "cluster-wide"])
        .write_stdin("v")
        .assert()
        .code(2)
        .stderr(predicate::str::contains("--cert <FILE|URL>"));
}

#[test]
fn unusable_certificates_are_refused_and_nothing_is_printed() {
    for (cert, message) in [
        (
            "expired-2048.crt.pem",
            "failed to encrypt using an expired certificate on January 1, 2020",
        ),
        (
            "refuse-ec-p256.crt.pem",
            "expected an RSA public key but found an ECDSA key",
        ),
        (
            "refuse-rsa-1024.crt.pem",
            "the RSA key has 1024 bits; at least 2048 are needed",
        ),
        ("controller-2048.key.pem", "no CERTIFICATE or PUBLIC KEY"),
        ("does-not-exist.pem", "cannot open"),
    ] {
        seal(&["--cert", &key(cert), "--scope", "cluster-wide"], b"v")
            .code(1)
            .stdout("")
            .stderr(predicate::str::starts_with("error: ").and(predicate::str::contains(message)));
    }
}

/// `--cert -` and a value (or Secrets) on stdin: the certificate would take all of stdin and
/// leave an empty value to seal.
#[test]
fn a_certificate_and_a_value_cannot_both_come_from_stdin() {
    let cert = std::fs::read(key("controller-2048.crt.pem")).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let values = dir.path().join("values.yaml");
    std::fs::write(&values, "app:\n  x: old\n").unwrap();
    let values = values.to_str().unwrap();
    for (args, what) in [
        (
            vec!["raw", "-n", "d", "--name", "x", "--allow-empty"],
            "the value (stdin)",
        ),
        (
            vec!["raw", "-n", "d", "--name", "x", "--from-file", "/dev/stdin"],
            "the value (stdin)",
        ),
        (
            vec![
                "set",
                values,
                "app.x",
                "-n",
                "d",
                "--name",
                "x",
                "--allow-empty",
            ],
            "the value (stdin)",
        ),
        (vec!["seal"], "the Secrets (stdin)"),
    ] {
        offseal()
            .args(&args)
            .args(["--cert", "-"])
            .write_stdin(cert.clone())
            .assert()
            .code(1)
            .stdout("")
            .stderr(format!(
                "error: stdin can be read only once: --cert - and {what} both ask for it\n"
            ));
    }
    assert_eq!(std::fs::read_to_string(values).unwrap(), "app:\n  x: old\n");
    // With the value from a file, `--cert -` is fine.
    let value = dir.path().join("value");
    std::fs::write(&value, "v").unwrap();
    offseal()
        .args([
            "raw",
            "-n",
            "d",
            "--name",
            "x",
            "--cert",
            "-",
            "--from-file",
        ])
        .arg(&value)
        .write_stdin(cert)
        .assert()
        .success();
}

//! The kubeseal drop-in, run both as `offseal kubeseal ...` and through a `kubeseal` symlink.

use std::path::PathBuf;

use assert_cmd::Command;
use predicates::prelude::*;
use serde_json::Value;

use crate::seal::{SECRET, open_and_redact};
use crate::util::{key, offseal, open_raw, temp_file};

/// A directory holding a `kubeseal` symlink to the binary.
fn symlink_dir() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let bin = assert_cmd::cargo::cargo_bin("offseal");
    #[cfg(unix)]
    std::os::unix::fs::symlink(&bin, dir.path().join("kubeseal")).unwrap();
    #[cfg(not(unix))]
    std::fs::copy(&bin, dir.path().join("kubeseal.exe")).unwrap();
    dir
}

/// Runs `check` with `offseal kubeseal` and with the `kubeseal` symlink.
fn both(check: impl Fn(&dyn Fn() -> Command)) {
    check(&|| {
        let mut cmd = offseal();
        cmd.arg("kubeseal");
        cmd
    });
    let dir = symlink_dir();
    let path: PathBuf = dir.path().join("kubeseal");
    check(&|| {
        let mut cmd = Command::new(&path);
        for (k, _) in std::env::vars() {
            if k.starts_with("SEALED_SECRETS_") || k.to_ascii_uppercase().ends_with("_PROXY") {
                cmd.env_remove(&k);
            }
        }
        cmd
    });
}

#[test]
fn json_by_default_shaped_like_kubeseal() {
    both(|kubeseal| {
        let out = kubeseal()
            .args(["--cert", &key("controller-2048.crt.pem")])
            .write_stdin(SECRET)
            .assert()
            .success();
        let text = String::from_utf8(out.get_output().stdout.clone()).unwrap();
        assert!(
            text.starts_with(
                "{\n  \"kind\": \"SealedSecret\",\n  \"apiVersion\": \"bitnami.com/v1alpha1\",\n"
            ),
            "{text}"
        );
        assert!(text.ends_with("}\n"));
        let mut sealed: Value = serde_json::from_str(&text).unwrap();
        let opened = open_and_redact(&mut sealed, "controller-2048.key.pem");
        assert_eq!(opened.len(), 2);
        // -o yaml, any case.
        kubeseal()
            .args(["--cert", &key("controller-2048.crt.pem"), "-o", "YAML"])
            .write_stdin(SECRET)
            .assert()
            .success()
            .stdout(predicate::str::starts_with(
                "---\napiVersion: bitnami.com/v1alpha1\n",
            ));
    });
}

#[test]
fn raw_mode_and_its_messages() {
    both(|kubeseal| {
        let cert = key("controller-4096.crt.pem");
        let out = kubeseal()
            .args([
                "--raw",
                "--cert",
                &cert,
                "--namespace",
                "ns",
                "--name",
                "app",
            ])
            .write_stdin("v\n")
            .assert()
            .success();
        let sealed = String::from_utf8(out.get_output().stdout.clone()).unwrap();
        assert!(!sealed.ends_with('\n'));
        assert_eq!(
            open_raw(
                &sealed,
                "controller-4096.key.pem",
                &["-n", "ns", "--name", "app"]
            ),
            b"v\n",
            "not trimmed"
        );
        for (args, message) in [
            (
                vec!["--raw", "--cert", &cert],
                "error: must provide the --namespace flag with --raw and --scope strict\n",
            ),
            (
                vec!["--raw", "--cert", &cert, "--scope", "namespace-wide"],
                "error: must provide the --namespace flag with --raw and --scope namespace-wide\n",
            ),
            (
                vec!["--raw", "--cert", &cert, "-n", "ns"],
                "error: must provide the --name flag with --raw and --scope strict\n",
            ),
            (
                vec!["--from-file", "x"],
                "error: --from-file requires --raw\n",
            ),
            (
                vec![
                    "--raw",
                    "--cert",
                    &cert,
                    "-n",
                    "ns",
                    "--name",
                    "a",
                    "--from-file",
                    "a,b",
                ],
                "error: must provide only one --from-file when encrypting a single item with --raw\n",
            ),
            (
                vec!["--cert", &cert, "-o", "xml"],
                "error: unsupported output format: xml\n",
            ),
        ] {
            kubeseal()
                .args(&args)
                .write_stdin(SECRET)
                .assert()
                .code(1)
                .stdout("")
                .stderr(message);
        }
        kubeseal()
            .args(["--raw", "--cert", &cert, "--scope", "galaxy"])
            .assert()
            .code(2)
            .stderr(predicate::str::contains(
                "must be one of: strict, namespace-wide, cluster-wide",
            ));
        // Cluster-wide needs neither namespace nor name; key=path is accepted.
        let (_dir, file) = temp_file("v", b"from-file");
        let out = kubeseal()
            .args([
                "--raw",
                "--cert",
                &cert,
                "--scope",
                "cluster-wide",
                "--from-file",
            ])
            .arg(format!("k={}", file.display()))
            .assert()
            .success();
        let sealed = String::from_utf8(out.get_output().stdout.clone()).unwrap();
        assert_eq!(
            open_raw(
                &sealed,
                "controller-4096.key.pem",
                &["--scope", "cluster-wide"]
            ),
            b"from-file"
        );
    });
}

#[test]
fn every_flag_can_come_from_sealed_secrets_variables_and_flags_win() {
    both(|kubeseal| {
        let out = kubeseal()
            .env("SEALED_SECRETS_CERT", key("controller-2048.crt.pem"))
            .env("SEALED_SECRETS_FORMAT", "yaml")
            .env("SEALED_SECRETS_SCOPE", "namespace-wide")
            .write_stdin(SECRET)
            .assert()
            .success();
        let text = String::from_utf8(out.get_output().stdout.clone()).unwrap();
        assert!(
            text.contains("sealedsecrets.bitnami.com/namespace-wide: \"true\""),
            "{text}"
        );
        let out = kubeseal()
            .env("SEALED_SECRETS_CERT", key("controller-2048.crt.pem"))
            .env("SEALED_SECRETS_RAW", "true")
            .env("SEALED_SECRETS_NAMESPACE", "ns")
            .env("SEALED_SECRETS_NAME", "app")
            .args(["--cert", &key("controller-4096.crt.pem")])
            .write_stdin("x")
            .assert()
            .success();
        let sealed = String::from_utf8(out.get_output().stdout.clone()).unwrap();
        assert_eq!(
            open_raw(
                &sealed,
                "controller-4096.key.pem",
                &["-n", "ns", "--name", "app"]
            ),
            b"x"
        );
    });
}

#[test]
fn w_merge_into_and_recovery_unseal() {
    both(|kubeseal| {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("sealed.yaml");
        kubeseal()
            .args([
                "--cert",
                &key("controller-2048.crt.pem"),
                "-w",
                out.to_str().unwrap(),
            ])
            .write_stdin(SECRET)
            .assert()
            .success()
            .stdout("");
        let yaml = std::fs::read_to_string(&out).unwrap();
        assert!(
            yaml.starts_with("---\napiVersion:"),
            ".yaml forces YAML: {yaml}"
        );
        // kubeseal rewrites a merged file in the -o format: JSON by default.
        kubeseal()
            .args([
                "--cert",
                &key("controller-2048.crt.pem"),
                "--merge-into",
                out.to_str().unwrap(),
            ])
            .write_stdin("kind: Secret\nmetadata: {name: x}\nstringData: {more: m}\n")
            .assert()
            .success();
        let merged = std::fs::read_to_string(&out).unwrap();
        assert!(merged.starts_with('{'), "{merged}");
        let out = kubeseal()
            .args([
                "--recovery-unseal",
                "--recovery-private-key",
                &key("controller-2048.key.pem"),
                "-f",
                out.to_str().unwrap(),
            ])
            .assert()
            .success();
        let secret: Value = serde_json::from_slice(&out.get_output().stdout).unwrap();
        assert_eq!(secret["kind"], "Secret");
        assert_eq!(secret["data"]["more"], "bQ==");
        assert_eq!(secret["data"]["password"], "aHVudGVyMg==");
        // Written to a file, the recovered plaintexts are readable by their owner only.
        let recovered = dir.path().join("recovered.json");
        kubeseal()
            .args([
                "--recovery-unseal",
                "--recovery-private-key",
                &key("controller-2048.key.pem"),
            ])
            .args(["-f", dir.path().join("sealed.yaml").to_str().unwrap()])
            .args(["-w", recovered.to_str().unwrap()])
            .assert()
            .success();
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt as _;
            let mode = std::fs::metadata(&recovered).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o600);
        }
        assert_eq!(
            secret["metadata"]["ownerReferences"],
            serde_json::json!([{"apiVersion": "bitnami.com/v1alpha1", "kind": "SealedSecret", "name": "app", "uid": "", "controller": true}])
        );
    });
}

#[test]
fn cluster_only_flags_name_the_offline_way() {
    both(|kubeseal| {
        kubeseal()
            .arg("--validate")
            .write_stdin("")
            .assert()
            .code(1)
            .stderr(
                predicate::str::contains("--validate needs the cluster")
                    .and(predicate::str::contains("offseal verify")),
            );
        kubeseal()
            .arg("--re-encrypt")
            .assert()
            .code(1)
            .stderr(predicate::str::contains("offseal reseal"));
        kubeseal()
            .arg("--rotate")
            .assert()
            .code(1)
            .stderr(predicate::str::contains("offseal reseal"));
        kubeseal()
            .arg("--fetch-cert")
            .assert()
            .code(1)
            .stderr(predicate::str::contains("give --cert FILE|URL"));
        kubeseal()
            .args(["--controller-name", "ss", "--controller-namespace", "infra"])
            .write_stdin(SECRET)
            .assert()
            .code(1)
            .stderr(predicate::str::contains("(infra/ss) needs a connection"));
        // --fetch-cert with a certificate source prints it.
        kubeseal()
            .args(["--fetch-cert", "--cert", &key("controller-2048.crt.pem")])
            .assert()
            .success()
            .stdout(predicate::str::starts_with("-----BEGIN CERTIFICATE-----"));
        kubeseal()
            .args([
                "--kubeconfig",
                "/nonexistent",
                "--cert",
                &key("controller-2048.crt.pem"),
            ])
            .write_stdin(SECRET)
            .assert()
            .success()
            .stderr(predicate::str::contains("--kubeconfig is ignored"));
        kubeseal()
            .arg("--version")
            .assert()
            .success()
            .stdout(predicate::str::starts_with("kubeseal version: offseal-"));
    });
}

//! `offseal reseal`: offline rotation.

use predicates::prelude::*;

use crate::util::{
    CLIENT_SECRET, key, offseal, offseal_with_credentials, open_raw, redact, seal_credentials_into,
    sealed_values, temp_file, testdata,
};

#[test]
fn values_files_move_to_a_new_key_keeping_every_other_byte() {
    let input = "# tenant\nexternal_secrets:\n  enabled: true   # on\n  keyvault_credentials:\n    client_id: x\n    client_secret: y\n";
    let (_dir, path) = temp_file("values.yaml", input.as_bytes());
    let file = path.to_str().unwrap();
    seal_credentials_into(file, "controller-4096.crt.pem");
    let sealed_with_a = redact(&std::fs::read_to_string(&path).unwrap());
    offseal()
        .args([
            "reseal",
            file,
            "--recovery-private-key",
            &key("controller-4096.key.pem"),
            "--cert",
            &key("rotated-4096.crt.pem"),
        ])
        .assert()
        .success()
        .stderr(predicate::str::contains(
            "resealed 2 values with SHA256:3bkG43HiwTJjwsw0KtqxuX8on2csIoEQU6pX4FQQd3M",
        ));
    let out = std::fs::read_to_string(&path).unwrap();
    // Only the values and the provenance comment's certificate changed.
    assert_eq!(
        redact(&out),
        sealed_with_a.replace(
            "SHA256:NfQ6GANZ5ZSZ45GsFMFEsYJbj4rlqJiSarri7KWL6ns",
            "SHA256:3bkG43HiwTJjwsw0KtqxuX8on2csIoEQU6pX4FQQd3M"
        )
    );
    let secret = &sealed_values(&out)[1];
    let target = ["-n", "ns", "--name", "app"];
    assert_eq!(
        open_raw(secret, "rotated-4096.key.pem", &target),
        CLIENT_SECRET.as_bytes()
    );
    // Key A no longer opens it.
    offseal()
        .args([
            "unseal",
            "--raw",
            "--recovery-private-key",
            &key("controller-4096.key.pem"),
            "-n",
            "ns",
            "--name",
            "app",
        ])
        .write_stdin(secret.clone())
        .assert()
        .code(1);
}

#[test]
fn a_new_target_is_applied_and_recorded() {
    let (_dir, path) = temp_file("values.yaml", b"external_secrets: {}\n");
    let file = path.to_str().unwrap();
    offseal_with_credentials()
        .args([
            "values",
            file,
            "--cert",
            &key("controller-2048.crt.pem"),
            "-n",
            "old-ns",
            "--name",
            "app",
        ])
        .assert()
        .success();
    offseal()
        .args([
            "reseal",
            file,
            "--recovery-private-key",
            &key("controller-2048.key.pem"),
            "--cert",
            &key("controller-2048.crt.pem"),
            "--namespace",
            "new-ns",
        ])
        .assert()
        .success();
    let out = std::fs::read_to_string(&path).unwrap();
    assert!(
        out.contains("# offseal: scope=strict namespace=new-ns name=app"),
        "{out}"
    );
    let target = ["-n", "new-ns", "--name", "app"];
    assert_eq!(
        open_raw(&sealed_values(&out)[1], "controller-2048.key.pem", &target),
        CLIENT_SECRET.as_bytes()
    );
}

#[test]
fn sealed_secret_manifests_are_resealed_in_their_format() {
    let original = std::fs::read(testdata("manifests/sealedsecret-namespace-wide.json")).unwrap();
    let (_dir, path) = temp_file("sealed.json", &original);
    let file = path.to_str().unwrap();
    offseal()
        .args([
            "reseal",
            file,
            "--recovery-private-key",
            &key("controller-keys-backup.json"),
            "--cert",
            &key("controller-2048.crt.pem"),
        ])
        .assert()
        .success()
        .stderr(predicate::str::contains("resealed 2 values"));
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(text.starts_with('{'));
    offseal()
        .args([
            "verify",
            file,
            "--recovery-private-key",
            &key("controller-2048.key.pem"),
        ])
        .assert()
        .success()
        .stdout(predicate::str::contains(
            "item \"client_secret\" ok: opens for namespace-wide tenant-a (40 bytes)",
        ));
}

#[test]
fn a_value_no_key_opens_names_file_and_path_and_changes_nothing() {
    let (_dir, path) = temp_file("values.yaml", b"external_secrets: {}\n");
    let file = path.to_str().unwrap();
    seal_credentials_into(file, "controller-2048.crt.pem");
    let before = std::fs::read(&path).unwrap();
    offseal()
        .args(["reseal", file, "--recovery-private-key", &key("rotated-4096.key.pem"), "--cert", &key("controller-4096.crt.pem")])
        .assert()
        .code(1)
        .stderr(predicate::str::contains(format!(
            "error: {file}: `external_secrets.keyvault_credentials.client_id` (line 4), sealed for strict ns/app: no key could decrypt secret"
        )));
    assert_eq!(std::fs::read(&path).unwrap(), before);
}

#[test]
fn a_new_name_for_several_sealed_secrets_is_refused() {
    let secrets = "apiVersion: v1\nkind: Secret\nmetadata: {name: a, namespace: demo}\n\
                   stringData: {k: one}\n---\napiVersion: v1\nkind: Secret\n\
                   metadata: {name: b, namespace: demo}\nstringData: {k: two}\n";
    let cert = key("controller-2048.crt.pem");
    let sealed = offseal()
        .args(["seal", "--cert", &cert, "-o", "yaml"])
        .write_stdin(secrets)
        .output()
        .unwrap();
    assert!(sealed.status.success());
    let (_dir, path) = temp_file("sealed.yaml", &sealed.stdout);
    let file = path.to_str().unwrap();
    let reseal = |extra: &[&str]| {
        offseal()
            .args(["reseal", file, "--cert", &cert])
            .args(["--recovery-private-key", &key("controller-2048.key.pem")])
            .args(extra)
            .assert()
    };
    reseal(&["--name", "x"]).code(1).stderr(format!(
        "error: {file}: documents 1 and 2 would both be the SealedSecret demo/x: applied, the \
         second would replace the first and its data; reseal them into separate files, or give \
         no --name\n"
    ));
    assert_eq!(std::fs::read(&path).unwrap(), sealed.stdout);
    // A new namespace keeps them apart.
    reseal(&["-n", "other"]).success();
}

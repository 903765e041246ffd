//! `offseal seal`: Secret manifests -> SealedSecrets shaped like kubeseal's.

use predicates::prelude::*;
use serde_json::Value;

use crate::util::{key, offseal, temp_file};

pub(crate) const SECRET: &str = "\
apiVersion: v1
kind: Secret
metadata:
  name: app
  namespace: tenant-a
  labels:
    team: blue
  annotations:
    kubectl.kubernetes.io/last-applied-configuration: '{\"stringData\":{\"password\":\"hunter2\"}}'
  uid: 3f1e
  resourceVersion: \"42\"
  ownerReferences:
  - {apiVersion: v1, kind: Thing, name: t, uid: u}
type: Opaque
data:
  password: aHVudGVyMg==
stringData:
  token: t0k3n
";

/// Every `encryptedData` value replaced by `<sealed>`, after checking each opens with `key`.
pub(crate) fn open_and_redact(sealed: &mut Value, key_file: &str) -> Vec<(String, Vec<u8>)> {
    let manifest = serde_json::to_vec(&*sealed).unwrap();
    let out = offseal()
        .args([
            "unseal",
            "-o",
            "json",
            "--recovery-private-key",
            &key(key_file),
        ])
        .write_stdin(manifest)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let secret: Value = serde_json::from_slice(&out.stdout).unwrap();
    let mut opened = Vec::new();
    for (k, v) in sealed["spec"]["encryptedData"].as_object_mut().unwrap() {
        use base64::Engine as _;
        let plain = base64::engine::general_purpose::STANDARD
            .decode(secret["data"][k].as_str().unwrap())
            .unwrap();
        opened.push((k.clone(), plain));
        *v = Value::String("<sealed>".into());
    }
    opened
}

#[test]
fn seals_like_kubeseal_and_every_item_opens() {
    let out = offseal()
        .args([
            "seal",
            "--cert",
            &key("controller-2048.crt.pem"),
            "-o",
            "json",
        ])
        .write_stdin(SECRET)
        .assert()
        .success();
    let mut sealed: Value = serde_json::from_slice(&out.get_output().stdout).unwrap();
    let opened = open_and_redact(&mut sealed, "controller-2048.key.pem");
    assert_eq!(
        opened,
        [
            ("password".into(), b"hunter2".to_vec()),
            ("token".into(), b"t0k3n".to_vec())
        ]
    );
    // The last-applied annotation (which held the plaintext), owner references and server
    // fields are gone; everything else of the metadata is in the template.
    assert_eq!(
        sealed,
        serde_json::json!({
            "kind": "SealedSecret",
            "apiVersion": "bitnami.com/v1alpha1",
            "metadata": {"name": "app", "namespace": "tenant-a"},
            "spec": {
                "template": {
                    "metadata": {"name": "app", "namespace": "tenant-a", "labels": {"team": "blue"}},
                    "type": "Opaque"
                },
                "encryptedData": {"password": "<sealed>", "token": "<sealed>"}
            }
        })
    );
    assert!(!String::from_utf8_lossy(&out.get_output().stdout).contains("hunter2"));
}

#[test]
fn yaml_is_the_default_and_w_writes_atomically() {
    let out = offseal()
        .args(["seal", "--cert", &key("controller-2048.crt.pem")])
        .write_stdin(SECRET)
        .assert()
        .success();
    let text = String::from_utf8(out.get_output().stdout.clone()).unwrap();
    assert!(text.starts_with("---\napiVersion: bitnami.com/v1alpha1\nkind: SealedSecret\nmetadata:\n  name: app\n  namespace: tenant-a\nspec:\n  encryptedData:\n    password: "), "{text}");

    let dir = tempfile::tempdir().unwrap();
    for (name, json) in [("out.json", true), ("out.yml", false), ("out.yaml", false)] {
        let path = dir.path().join(name);
        offseal()
            .args([
                "seal",
                "--cert",
                &key("controller-2048.crt.pem"),
                "-w",
                path.to_str().unwrap(),
            ])
            .write_stdin(SECRET)
            .assert()
            .success()
            .stdout("");
        let written = std::fs::read_to_string(&path).unwrap();
        assert_eq!(written.starts_with('{'), json, "{name}");
    }
}

#[test]
fn several_documents_give_several_sealed_secrets_in_order() {
    let two = format!(
        "{SECRET}---\n{}",
        SECRET.replace("name: app\n", "name: app2\n")
    );
    let out = offseal()
        .args(["seal", "--cert", &key("controller-2048.crt.pem")])
        .write_stdin(two)
        .assert()
        .success();
    let docs: Vec<Value> = String::from_utf8(out.get_output().stdout.clone())
        .unwrap()
        .split("---\n")
        .filter(|d| !d.is_empty())
        .map(|d| serde_norway::from_str(d).unwrap())
        .collect();
    let names: Vec<_> = docs
        .iter()
        .map(|d| d["metadata"]["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["app", "app2"]);
}

#[test]
fn merge_into_updates_items_and_keeps_the_files_format() {
    let dir = tempfile::tempdir().unwrap();
    for (name, format_flag) in [("sealed.yaml", "yaml"), ("sealed.json", "json")] {
        let path = dir.path().join(name);
        offseal()
            .args([
                "seal",
                "--cert",
                &key("controller-2048.crt.pem"),
                "-o",
                format_flag,
                "-w",
                path.to_str().unwrap(),
            ])
            .write_stdin(SECRET)
            .assert()
            .success();
        let before = std::fs::read_to_string(&path).unwrap();
        // The update names another Secret: merge-into uses the file's name and namespace.
        let update = "kind: Secret\nmetadata: {name: other, labels: {tier: db}}\nstringData: {password: new-pw, extra: x}\n";
        offseal()
            .args([
                "seal",
                "--cert",
                &key("controller-2048.crt.pem"),
                "--merge-into",
                path.to_str().unwrap(),
            ])
            .write_stdin(update)
            .assert()
            .success();
        let after = std::fs::read_to_string(&path).unwrap();
        assert_eq!(
            after.starts_with('{'),
            before.starts_with('{'),
            "format kept"
        );
        let mut sealed: Value = serde_norway::from_str(after.trim_start_matches("---\n")).unwrap();
        assert_eq!(
            sealed["spec"]["template"]["metadata"]["labels"],
            serde_json::json!({"team": "blue", "tier": "db"})
        );
        let opened = open_and_redact(&mut sealed, "controller-2048.key.pem");
        assert_eq!(
            opened,
            [
                ("extra".into(), b"x".to_vec()),
                ("password".into(), b"new-pw".to_vec()),
                ("token".into(), b"t0k3n".to_vec())
            ]
        );
    }
}

#[test]
fn kubeseal_errors_and_nothing_written() {
    let cert = key("controller-2048.crt.pem");
    for (input, flags, message) in [
        (
            "kind: Secret\nmetadata: {name: a, namespace: ns1}\n",
            vec![],
            "secret.data is empty in input Secret, assuming this is an error and aborting. To work with empty data, --allow-empty-data can be used",
        ),
        (
            "kind: Secret\nmetadata: {namespace: ns1}\nstringData: {a: b}\n",
            vec![],
            "missing metadata.name in input Secret",
        ),
        (
            "kind: Secret\nmetadata: {name: a, namespace: ns1}\nstringData: {a: b}\n",
            vec!["-n", "ns2"],
            "namespace mismatch: input secret is in namespace \"ns1\" but \"ns2\" was specified",
        ),
        (
            "kind: Secret\nmetadata: {name: a}\nstringData: {a: b}\n",
            vec![],
            "secret must declare a namespace",
        ),
        (
            "---\n",
            vec![],
            "no secrets found. Ensure the input is valid and UTF-8 encoded",
        ),
    ] {
        let (_dir, out) = temp_file("out.yaml", b"old\n");
        offseal()
            .args(["seal", "--cert", &cert, "-w", out.to_str().unwrap()])
            .args(&flags)
            .write_stdin(input)
            .assert()
            .code(1)
            .stderr(predicate::str::contains(message));
        assert_eq!(std::fs::read(&out).unwrap(), b"old\n", "{message}");
    }
    // YAML 1.1 reads `n` as false, as Kubernetes does; the message says how to fix it.
    offseal()
        .args(["seal", "--cert", &cert])
        .write_stdin("kind: Secret\nmetadata: {name: a, namespace: n}\nstringData: {a: b}\n")
        .assert()
        .code(1)
        .stderr(predicate::str::contains(
            "metadata.namespace: invalid type: boolean `false`, expected a string (quote it",
        ));
    // --allow-empty-data, a name override and a cluster-wide scope without namespace.
    offseal()
        .args([
            "seal",
            "--cert",
            &cert,
            "--allow-empty-data",
            "--name",
            "b",
            "--scope",
            "cluster-wide",
        ])
        .write_stdin("kind: Secret\nmetadata: {name: a}\n")
        .assert()
        .success()
        .stdout(
            predicate::str::contains("sealedsecrets.bitnami.com/cluster-wide: \"true\"")
                .and(predicate::str::contains("name: b")),
        );
}

#[test]
fn a_yaml_file_name_over_an_explicit_json_format_is_warned_about() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("sealed.yaml");
    offseal()
        .args([
            "seal",
            "--cert",
            &key("controller-2048.crt.pem"),
            "-o",
            "json",
            "-w",
        ])
        .arg(&out)
        .write_stdin(
            "apiVersion: v1\nkind: Secret\nmetadata: {name: a, namespace: d}\nstringData: {k: v}\n",
        )
        .assert()
        .success()
        .stderr(format!(
            "warning: writing YAML to {}: a .yaml or .yml name makes YAML whatever -o says, as \
             kubeseal does\n",
            out.display()
        ));
    assert!(std::fs::read_to_string(&out).unwrap().starts_with("---\n"));
}

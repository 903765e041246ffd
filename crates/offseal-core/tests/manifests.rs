//! SealedSecret and Secret manifests: reading, unsealing, writing.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use offseal_core::Scope;
use offseal_core::manifest::{self, Format, SealedSecret};
use offseal_core::secrecy::ExposeSecret;
use serde_json::Value;

#[test]
fn vector_manifests_unseal_to_their_expected_plaintexts() {
    let keys = common::unsealing_keys(&["controller-4096"]);
    for (scope_name, scope) in [
        ("strict", Scope::Strict),
        ("namespace-wide", Scope::NamespaceWide),
        ("cluster-wide", Scope::ClusterWide),
    ] {
        let rel = format!("manifests/sealedsecret-{scope_name}.json");
        let sealed = manifest::read_sealed_secrets(&common::read(&rel), &rel).unwrap();
        assert_eq!(sealed.len(), 1);
        assert_eq!(sealed[0].scope(), scope);
        let unsealed = sealed[0].unseal(&keys).unwrap();
        let expected: Value = serde_json::from_slice(&common::read(&format!(
            "manifests/sealedsecret-{scope_name}.expected.json"
        )))
        .unwrap();
        let expected = expected.as_object().unwrap();
        assert_eq!(unsealed.secret.data.len(), expected.len(), "{rel}");
        for (key, value) in expected {
            let opened = unsealed.secret.data[key].expose_secret();
            assert_eq!(opened, value.as_str().unwrap().as_bytes(), "{rel} {key}");
        }
        let meta = &unsealed.secret.metadata;
        assert_eq!(meta.name.as_deref(), Some("azure-keyvault-credentials"));
        assert_eq!(unsealed.secret.type_.as_deref(), Some("Opaque"));
    }
}

#[test]
fn unsealing_with_the_wrong_key_names_the_items_but_no_values() {
    let keys = common::unsealing_keys(&["rotated-4096"]);
    let sealed =
        manifest::read_sealed_secrets(&common::read("manifests/sealedsecret-strict.json"), "s")
            .unwrap();
    let err = sealed[0].unseal(&keys).unwrap_err();
    assert!(matches!(err.root(), offseal_core::Error::NoKeyCouldDecrypt));
    let chain = format!("{err}: {}", std::error::Error::source(&err).unwrap());
    assert_eq!(
        chain,
        "SealedSecret \"tenant-a/azure-keyvault-credentials\": cannot open encryptedData \"client_id\", \"client_secret\" (label for strict): no key could decrypt secret"
    );
}

#[test]
fn a_renamed_sealed_secret_no_longer_opens() {
    let keys = common::unsealing_keys(&["controller-4096"]);
    let mut sealed =
        manifest::read_sealed_secrets(&common::read("manifests/sealedsecret-strict.json"), "s")
            .unwrap();
    sealed[0].metadata.name = Some("other".to_owned());
    assert!(sealed[0].unseal(&keys).is_err());
    // The namespace-wide one survives a rename but not a move.
    let mut ns_wide = manifest::read_sealed_secrets(
        &common::read("manifests/sealedsecret-namespace-wide.json"),
        "s",
    )
    .unwrap();
    ns_wide[0].metadata.name = Some("other".to_owned());
    assert!(ns_wide[0].unseal(&keys).is_ok());
    ns_wide[0].metadata.namespace = Some("tenant-b".to_owned());
    assert!(ns_wide[0].unseal(&keys).is_err());
}

#[test]
fn yaml_multi_document_and_lists_are_read() {
    let json = common::read("manifests/sealedsecret-strict.json");
    let value: Value = serde_json::from_slice(&json).unwrap();
    let yaml_doc = serde_saphyr::to_string(&value).unwrap();
    let stream = format!("---\n# a comment\n---\n{yaml_doc}---\n{yaml_doc}");
    let found = manifest::read_sealed_secrets(stream.as_bytes(), "s.yaml").unwrap();
    assert_eq!(found.len(), 2);
    let list = serde_json::json!({"apiVersion": "v1", "kind": "List", "items": [value, value]});
    let found = manifest::read_sealed_secrets(list.to_string().as_bytes(), "l.json").unwrap();
    assert_eq!(found.len(), 2);
    // Two JSON objects one after the other, as kubectl writes them.
    let two = format!(
        "{}\n{}",
        String::from_utf8_lossy(&json),
        String::from_utf8_lossy(&json)
    );
    assert_eq!(
        manifest::read_sealed_secrets(two.as_bytes(), "t")
            .unwrap()
            .len(),
        2
    );
}

#[test]
fn wrong_input_is_refused_clearly() {
    let cases: [(&[u8], &str); 5] = [
        (
            b"kind: Secret\nmetadata: {name: x}\n",
            "s: document 1: expected a SealedSecret, found kind \"Secret\"",
        ),
        (b"", "s: no SealedSecret found"),
        (
            b"kind: SealedSecret\nmetadata: [1]\n",
            "s: document 1: metadata: invalid type",
        ),
        (b"a: [\n", "s: invalid YAML or JSON"),
        (b"\xff\xfe", "s: not valid UTF-8 (byte 0)"),
    ];
    for (bytes, expected) in cases {
        let err = manifest::read_sealed_secrets(bytes, "s")
            .unwrap_err()
            .to_string();
        assert!(err.starts_with(expected), "{err}");
    }
}

#[test]
fn secret_values_never_appear_in_errors_or_debug() {
    let input =
        b"apiVersion: v1\nkind: Secret\nmetadata:\n  name: a\nstringData:\n  port: 848484\n";
    let err = manifest::read_secrets(input, "s.yaml")
        .unwrap_err()
        .to_string();
    assert!(err.contains("\"port\" must be a string"), "{err}");
    assert!(!err.contains("848484"), "{err}");

    let input = b"kind: Secret\ndata:\n  k: 'not base64 hunter2!'\n";
    let err = manifest::read_secrets(input, "s.yaml")
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("\"k\" is not valid base64") && !err.contains("hunter2"),
        "{err}"
    );

    let input = b"kind: Secret\ndata:\n  k: aHVudGVyMg==\nstringData:\n  t: hunter3\n";
    let secrets = manifest::read_secrets(input, "s.yaml").unwrap();
    let debug = format!("{secrets:?}");
    assert!(
        !debug.contains("hunter") && !debug.contains("aHVudGVyMg"),
        "{debug}"
    );
}

#[test]
fn secrets_are_read_like_kubeseal() {
    let input = b"---\n---\napiVersion: v1\nkind: Secret\nmetadata:\n  name: a\n  namespace: ns\ndata:\n  k: aHVudGVyMg==\nstringData:\n  t: \"yes\"\n";
    let secrets = manifest::read_secrets(input, "s.yaml").unwrap();
    assert_eq!(secrets.len(), 1);
    assert_eq!(secrets[0].data["k"].expose_secret(), b"hunter2");
    assert_eq!(secrets[0].string_data["t"].expose_secret(), "yes");
    let err = manifest::read_secrets(b"---\n", "s")
        .unwrap_err()
        .to_string();
    assert_eq!(
        err,
        "s: no secrets found. Ensure the input is valid and UTF-8 encoded"
    );
}

#[test]
fn output_matches_kubeseal_shapes() {
    let keys = common::unsealing_keys(&["controller-4096"]);
    let sealed = manifest::read_sealed_secrets(
        &common::read("manifests/sealedsecret-namespace-wide.json"),
        "s",
    )
    .unwrap();
    let secret = sealed[0].unseal(&keys).unwrap().secret;

    let json = manifest::to_string(std::slice::from_ref(&secret), Format::Json).unwrap();
    // Go's field order, two spaces, a final newline.
    assert!(json.starts_with("{\n  \"kind\": \"Secret\",\n  \"apiVersion\": \"v1\",\n  \"metadata\": {\n    \"name\": \"azure-keyvault-credentials\",\n    \"namespace\": \"tenant-a\",\n    \"annotations\": {\n"), "{}", *json);
    assert!(json.ends_with("  \"type\": \"Opaque\"\n}\n"), "{}", *json);
    let back: Value = serde_json::from_str(&json).unwrap();
    assert_eq!(
        back["data"]["client_id"],
        "MGI3ZmYzYzQtNmY4ZS00YzQ5LTlhNWMtM2I4ZTJmMWQ5YTEw"
    );

    let yaml = manifest::to_string(&[&secret, &secret], Format::Yaml).unwrap();
    assert!(
        yaml.starts_with("---\napiVersion: v1\ndata:\n  client_id: "),
        "{}",
        *yaml
    );
    assert_eq!(yaml.matches("---\n").count(), 2);
    let docs: Vec<Value> = serde_saphyr::from_multiple(&yaml).unwrap();
    assert_eq!(docs[1], back);

    // A SealedSecret round-trips through both formats.
    for format in [Format::Json, Format::Yaml] {
        let text = manifest::to_string(&sealed, format).unwrap();
        let again = manifest::read_sealed_secrets(text.as_bytes(), "again").unwrap();
        assert_eq!(again, sealed);
    }
}

#[test]
fn template_data_is_rendered_removed_or_refused() {
    let keys = common::unsealing_keys(&["controller-4096"]);
    let mut sealed: SealedSecret =
        manifest::read_sealed_secrets(&common::read("manifests/sealedsecret-strict.json"), "s")
            .unwrap()
            .remove(0);
    let client_id = sealed.unseal(&keys).unwrap().secret.data["client_id"]
        .expose_secret()
        .to_vec();
    let data = &mut sealed.spec.template.data;
    data.insert("plain".into(), Some("literal".into()));
    data.insert("client_secret".into(), None);
    data.insert(
        "dsn".into(),
        Some("user={{ .client_id }} {{ index . \"client_id\" | upper | quote }}".into()),
    );
    let unsealed = sealed.unseal(&keys).unwrap();
    let got: Vec<_> = unsealed.secret.data.keys().cloned().collect();
    assert_eq!(got, ["client_id", "dsn", "plain"]);
    let client_id = String::from_utf8(client_id).unwrap();
    assert_eq!(
        unsealed.secret.data["dsn"].expose_secret(),
        format!("user={client_id} \"{}\"", client_id.to_uppercase()).as_bytes()
    );

    // What offseal does not render is refused, naming the entry and the construct.
    sealed
        .spec
        .template
        .data
        .insert("cfg".into(), Some("{{ toYaml . }}".into()));
    let err = sealed.unseal(&keys).unwrap_err().to_string();
    assert!(
        err.contains("spec.template.data \"cfg\": line 1, column 4: the function \"toYaml\""),
        "{err}"
    );
}

mod sealing {
    use super::common;
    use offseal_core::Scope;
    use offseal_core::manifest::{self, Format, SealOptions};
    use offseal_core::rand_core::SeedableRng;
    use offseal_core::secrecy::ExposeSecret;
    use rand::rngs::ChaCha8Rng;
    use serde_json::{Value, json};

    const SECRET: &str = r#"
apiVersion: v1
kind: Secret
metadata:
  name: creds
  namespace: tenant-a
  uid: "1234"
  resourceVersion: "99"
  creationTimestamp: "2026-01-01T00:00:00Z"
  labels: {app: web}
  annotations:
    kubectl.kubernetes.io/last-applied-configuration: '{"data":{"password":"aHVudGVy"}}'
    team: blue
  ownerReferences:
  - {apiVersion: v1, kind: Thing, name: t, uid: u}
type: Opaque
immutable: true
data:
  password: aHVudGVyMg==
  shared: ZnJvbS1kYXRh
stringData:
  shared: from-string-data
  token: t0k3n
"#;

    fn seal(options: &SealOptions) -> offseal_core::Result<manifest::SealedSecret> {
        let secret = manifest::read_secrets(SECRET.as_bytes(), "s.yaml")
            .unwrap()
            .remove(0);
        offseal_core::hazmat::seal_secret_with_rng(
            &secret,
            &mut ChaCha8Rng::from_seed([1; 32]),
            &common::sealing_key("controller-2048"),
            options,
        )
    }

    #[test]
    fn sealed_secrets_are_shaped_like_kubeseals_and_open() {
        let sealed = seal(&SealOptions::default()).unwrap();
        let mut value = serde_json::to_value(&sealed).unwrap();
        for item in ["password", "shared", "token"] {
            value["spec"]["encryptedData"][item] = json!("<sealed>");
        }
        assert_eq!(
            value,
            json!({
                "kind": "SealedSecret",
                "apiVersion": "bitnami.com/v1alpha1",
                "metadata": {"name": "creds", "namespace": "tenant-a"},
                "spec": {
                    "template": {
                        "metadata": {
                            "name": "creds", "namespace": "tenant-a",
                            "labels": {"app": "web"}, "annotations": {"team": "blue"}
                        },
                        "type": "Opaque",
                        "immutable": true
                    },
                    "encryptedData": {"password": "<sealed>", "shared": "<sealed>", "token": "<sealed>"}
                }
            })
        );
        // JSON in Go's order, as kubeseal prints it.
        let json = manifest::to_string(std::slice::from_ref(&sealed), Format::Json).unwrap();
        assert!(json.starts_with("{\n  \"kind\": \"SealedSecret\",\n  \"apiVersion\": \"bitnami.com/v1alpha1\",\n  \"metadata\": {\n    \"name\": \"creds\",\n    \"namespace\": \"tenant-a\"\n  },\n  \"spec\": {\n    \"template\": {\n"), "{}", *json);
        let yaml = manifest::to_string(std::slice::from_ref(&sealed), Format::Yaml).unwrap();
        assert!(
            yaml.starts_with(
                "---\napiVersion: bitnami.com/v1alpha1\nkind: SealedSecret\nmetadata:\n"
            ),
            "{}",
            *yaml
        );
        assert!(
            yaml.find("encryptedData").unwrap() < yaml.find("template").unwrap(),
            "keys sorted"
        );

        let opened = sealed
            .unseal(&common::unsealing_keys(&["controller-2048"]))
            .unwrap()
            .secret;
        let text = |k: &str| String::from_utf8(opened.data[k].expose_secret().to_vec()).unwrap();
        assert_eq!(text("password"), "hunter2");
        assert_eq!(
            text("shared"),
            "from-string-data",
            "stringData wins a clash"
        );
        assert_eq!(text("token"), "t0k3n");
    }

    #[test]
    fn name_namespace_and_scope_follow_kubeseal_rules() {
        let sealed = seal(&SealOptions::new(
            Some("other"),
            Some("tenant-a"),
            Some(Scope::NamespaceWide),
        ))
        .unwrap();
        assert_eq!(sealed.metadata.name.as_deref(), Some("other"));
        assert_eq!(sealed.scope(), Scope::NamespaceWide);
        assert_eq!(
            sealed
                .spec
                .template
                .metadata
                .annotations
                .get("sealedsecrets.bitnami.com/namespace-wide")
                .map(String::as_str),
            Some("true")
        );
        assert!(
            sealed
                .unseal(&common::unsealing_keys(&["controller-2048"]))
                .is_ok()
        );

        let err = seal(&SealOptions::new(None, Some("tenant-b"), None))
            .unwrap_err()
            .to_string();
        assert_eq!(
            err,
            "Secret \"tenant-a/creds\": namespace mismatch: input secret is in namespace \"tenant-a\" but \"tenant-b\" was specified"
        );

        // --scope strict does not override an annotation in the input.
        let cluster = SECRET.replace(
            "    team: blue",
            "    team: blue\n    sealedsecrets.bitnami.com/cluster-wide: \"true\"",
        );
        let secret = manifest::read_secrets(cluster.as_bytes(), "s")
            .unwrap()
            .remove(0);
        let sealed = secret
            .seal(
                &common::sealing_key("controller-2048"),
                &SealOptions::new(None, None, Some(Scope::Strict)),
            )
            .unwrap();
        assert_eq!(sealed.scope(), Scope::ClusterWide);
        assert!(sealed.label().is_empty());
    }

    #[test]
    fn namespaces_as_kubeseal_chooses_them() {
        let key = common::sealing_key("controller-2048");
        let secret = |yaml: &str| {
            manifest::read_secrets(yaml.as_bytes(), "s")
                .unwrap()
                .remove(0)
        };
        let bare = secret("metadata: {name: app}\ndata: {k: dg==}\n");
        let declared = secret("metadata: {name: app, namespace: a}\ndata: {k: dg==}\n");
        let namespace = |s: &manifest::Secret, options: SealOptions| {
            s.seal(&key, &options)
                .map(|sealed| sealed.metadata.namespace)
        };
        // The kubeconfig's namespace fills in, never conflicts; -n wins over it.
        let kubeconfig = || SealOptions::default().default_namespace(Some("kube"));
        assert_eq!(
            namespace(&bare, kubeconfig()).unwrap().as_deref(),
            Some("kube")
        );
        assert_eq!(
            namespace(&declared, kubeconfig()).unwrap().as_deref(),
            Some("a")
        );
        let flag = SealOptions::new(None, Some("flag"), None).default_namespace(Some("kube"));
        assert_eq!(namespace(&bare, flag).unwrap().as_deref(), Some("flag"));
        // Cluster-wide: -n neither fills in nor conflicts.
        let wide = || SealOptions::new(None, Some("b"), Some(Scope::ClusterWide));
        assert_eq!(namespace(&bare, wide()).unwrap(), None);
        assert_eq!(namespace(&declared, wide()).unwrap().as_deref(), Some("a"));
        let err = namespace(&declared, SealOptions::new(None, Some("b"), None)).unwrap_err();
        assert!(
            matches!(&err, offseal_core::Error::NamespaceMismatch { declared, specified, .. }
                if declared == "a" && specified == "b"),
            "{err}"
        );
    }

    #[test]
    fn invalid_names_seal_only_without_the_check() {
        let key = common::sealing_key("controller-2048");
        let secret = manifest::read_secrets(
            b"metadata: {name: testSecret, namespace: ns}\ndata: {k: dg==}\n",
            "s",
        )
        .unwrap()
        .remove(0);
        assert!(matches!(
            secret.seal(&key, &SealOptions::default()),
            Err(offseal_core::Error::InvalidName { .. })
        ));
        let sealed = secret
            .seal(&key, &SealOptions::default().check_names(false))
            .unwrap();
        assert_eq!(sealed.label(), b"ns/testSecret");
        assert!(matches!(
            sealed.target(),
            Err(offseal_core::Error::InvalidName { .. })
        ));
        let opened = sealed
            .unseal(&common::unsealing_keys(&["controller-2048"]))
            .unwrap();
        assert_eq!(opened.secret.data["k"].expose_secret(), b"v");
    }

    #[test]
    fn data_keys_kubernetes_refuses_seal_only_without_the_check() {
        let key = common::sealing_key("controller-2048");
        for bad in ["weird key", "k:colon", "..", "a/b"] {
            let text =
                format!("metadata: {{name: a, namespace: ns}}\nstringData: {{{bad:?}: v}}\n");
            let secret = manifest::read_secrets(text.as_bytes(), "s")
                .unwrap()
                .remove(0);
            let refused = secret.seal(&key, &SealOptions::default()).unwrap_err();
            assert!(
                refused
                    .to_string()
                    .contains(&format!("item {bad:?}: Kubernetes refuses it")),
                "{refused}"
            );
            assert!(!manifest::is_valid_data_key(bad));
            let sealed = secret
                .seal(&key, &SealOptions::default().check_names(false))
                .unwrap();
            assert!(sealed.spec.encrypted_data.contains_key(bad));
        }
        for good in ["k", ".dockerconfigjson", "tls.crt", "a-b_c.D9", "..a"] {
            assert!(manifest::is_valid_data_key(good), "{good}");
        }
        assert!(!manifest::is_valid_data_key(""));
        assert!(!manifest::is_valid_data_key(&"k".repeat(254)));
    }

    #[test]
    fn seal_into_takes_the_targets_name_namespace_and_scope() {
        let key = common::sealing_key("controller-2048");
        let keys = common::unsealing_keys(&["controller-2048"]);
        let mut target = seal(&SealOptions::new(None, None, Some(Scope::NamespaceWide))).unwrap();
        let other = manifest::read_secrets(
            b"metadata: {name: other, namespace: elsewhere}\nstringData: {more: m}\n",
            "s",
        )
        .unwrap()
        .remove(0);
        let before = target.metadata.clone();
        target
            .seal_into(&other, &key, &SealOptions::default())
            .unwrap();
        assert_eq!(target.metadata, before);
        assert_ne!(before.name.as_deref(), Some("other"));
        let opened = target.unseal(&keys).unwrap().secret;
        assert_eq!(opened.data["more"].expose_secret(), b"m");
        let strict = SealOptions::new(None, None, Some(Scope::ClusterWide));
        let err = target
            .seal_into(&other, &key, &strict)
            .unwrap_err()
            .to_string();
        assert!(err.contains("it is cluster-wide but SealedSecret"), "{err}");
    }

    #[test]
    fn kubeseal_errors() {
        let key = common::sealing_key("controller-2048");
        for (input, options, expected) in [
            (
                "kind: Secret\nmetadata: {name: a, namespace: n1}\n",
                SealOptions::default(),
                "secret.data is empty in input Secret, assuming this is an error and aborting. To work with empty data, --allow-empty-data can be used",
            ),
            (
                "kind: Secret\nmetadata: {namespace: n1}\nstringData: {a: b}\n",
                SealOptions::default(),
                "missing metadata.name in input Secret",
            ),
            (
                "kind: Secret\nmetadata: {name: a}\nstringData: {a: b}\n",
                SealOptions::default(),
                "secret must declare a namespace (or give --namespace)",
            ),
            (
                "kind: Secret\nmetadata: {name: A_b, namespace: n1}\nstringData: {a: b}\n",
                SealOptions::default(),
                "invalid name \"A_b\"",
            ),
        ] {
            let secret = manifest::read_secrets(input.as_bytes(), "s")
                .unwrap()
                .remove(0);
            let err = secret.seal(&key, &options).unwrap_err().to_string();
            assert!(err.contains(expected), "{input}: {err}");
        }
        let empty =
            manifest::read_secrets(b"kind: Secret\nmetadata: {name: a, namespace: n1}\n", "s")
                .unwrap()
                .remove(0);
        let sealed = empty
            .seal(&key, &SealOptions::default().allow_empty_data(true))
            .unwrap();
        assert!(sealed.spec.encrypted_data.is_empty());
        let cluster = manifest::read_secrets(
            b"kind: Secret\nmetadata: {name: a}\nstringData: {a: b}\n",
            "s",
        )
        .unwrap()
        .remove(0);
        let sealed = cluster
            .seal(
                &key,
                &SealOptions::new(None, None, Some(Scope::ClusterWide)),
            )
            .unwrap();
        assert_eq!(
            sealed.metadata.namespace, None,
            "cluster-wide keeps an empty namespace"
        );
    }

    #[test]
    fn merge_overwrites_items_labels_and_annotations_only() {
        let mut base = seal(&SealOptions::default()).unwrap();
        base.spec
            .template
            .metadata
            .labels
            .insert("keep".into(), "me".into());
        let before_token = base.spec.encrypted_data["token"].clone();
        let update_input = "kind: Secret\nmetadata: {name: creds, namespace: tenant-a, labels: {app: api}}\nstringData: {password: new}\n";
        let update = manifest::read_secrets(update_input.as_bytes(), "u")
            .unwrap()
            .remove(0)
            .seal(
                &common::sealing_key("controller-2048"),
                &SealOptions::default(),
            )
            .unwrap();
        base.merge(update);
        assert_eq!(base.spec.encrypted_data["token"], before_token);
        assert_eq!(base.spec.template.metadata.labels["app"], "api");
        assert_eq!(base.spec.template.metadata.labels["keep"], "me");
        let opened = base
            .unseal(&common::unsealing_keys(&["controller-2048"]))
            .unwrap()
            .secret;
        assert_eq!(opened.data["password"].expose_secret(), b"new");
    }

    #[test]
    fn reseal_moves_values_to_a_new_key_and_target() {
        let old = seal(&SealOptions::default()).unwrap();
        let old_keys = common::unsealing_keys(&["controller-2048"]);
        let new_key = common::sealing_key("rotated-4096");
        let retarget =
            offseal_core::Retarget::new(Some(Scope::NamespaceWide), Some("tenant-b"), None);
        let new = offseal_core::hazmat::reseal_sealed_secret_with_rng(
            &old,
            &mut ChaCha8Rng::from_seed([2; 32]),
            &old_keys,
            &new_key,
            &retarget,
        )
        .unwrap();
        assert_eq!(new.metadata.namespace.as_deref(), Some("tenant-b"));
        assert_eq!(new.metadata.name.as_deref(), Some("creds"));
        assert_eq!(new.scope(), Scope::NamespaceWide);
        assert!(
            new.unseal(&old_keys).is_err(),
            "the old key no longer opens it"
        );
        let opened = new
            .unseal(&common::unsealing_keys(&["rotated-4096"]))
            .unwrap()
            .secret;
        assert_eq!(opened.data["password"].expose_secret(), b"hunter2");
        assert_eq!(opened.metadata.namespace.as_deref(), Some("tenant-b"));
        let wrong = offseal_core::hazmat::reseal_sealed_secret_with_rng(
            &old,
            &mut ChaCha8Rng::from_seed([2; 32]),
            &common::unsealing_keys(&["rotated-4096"]),
            &new_key,
            &offseal_core::Retarget::default(),
        );
        assert!(
            wrong
                .unwrap_err()
                .to_string()
                .contains("encryptedData \"password\"")
        );
        let _: Value = serde_json::to_value(&new).unwrap();
    }
}

#[test]
fn verify_reports_every_item_and_owner_references_follow_the_controller() {
    let sealed =
        manifest::read_sealed_secrets(&common::read("manifests/sealedsecret-strict.json"), "s")
            .unwrap()
            .remove(0);
    let results = sealed.verify(&common::unsealing_keys(&["controller-4096"]));
    let items: Vec<_> = results
        .iter()
        .map(|(k, o)| (k.as_str(), o.is_ok()))
        .collect();
    assert_eq!(items, [("client_id", true), ("client_secret", true)]);
    let wrong = sealed.verify(&common::unsealing_keys(&["rotated-4096"]));
    assert!(wrong.iter().all(|(_, o)| !o.is_ok()));
    assert_eq!(
        sealed.target().unwrap().to_string(),
        "strict tenant-a/azure-keyvault-credentials"
    );

    let owner = sealed.owner_reference().unwrap();
    assert_eq!(owner["kind"], "SealedSecret");
    assert_eq!(owner["name"], "azure-keyvault-credentials");
    assert_eq!(owner["controller"], true);
    let mut skipped = sealed.clone();
    skipped.spec.template.metadata.annotations.insert(
        manifest::SKIP_SET_OWNER_REFERENCES_ANNOTATION.to_owned(),
        "true".to_owned(),
    );
    assert!(skipped.owner_reference().is_none());
}

/// Found by fuzzing (FUZZING.md, F1): serde fills a struct from a sequence by position, so a
/// list document was read as a Secret or SealedSecret, bypassing the kind check.
#[test]
fn documents_that_are_not_mappings_are_refused() {
    for (input, what) in [
        ("- v1\n- Secret\n- {}\n", "a list"),
        ("[\"bitnami.com/v1alpha1\", \"SealedSecret\"]", "a list"),
        ("just text\n", "a string"),
        ("42\n", "a number"),
    ] {
        let expected = format!(
            "in.yaml: document 1: is {what}, not a Kubernetes object (a mapping with apiVersion and kind)"
        );
        let secret = manifest::read_secrets(input.as_bytes(), "in.yaml").unwrap_err();
        assert_eq!(secret.to_string(), expected, "{input:?}");
        let sealed = manifest::read_sealed_secrets(input.as_bytes(), "in.yaml").unwrap_err();
        assert_eq!(sealed.to_string(), expected, "{input:?}");
    }
}

#[test]
fn a_field_of_the_wrong_type_is_named_without_its_value() {
    let head = "apiVersion: v1\nkind: Secret\nmetadata: {name: a, namespace: d}\n";
    for (field, expected) in [
        (
            "stringData: |\n  DB_PASSWORD=hunter2\n",
            "in.yaml: document 1: stringData: invalid type: string, expected a map",
        ),
        (
            "data: aHVudGVyMg==\n",
            "in.yaml: document 1: data: invalid type: string, expected a map",
        ),
        (
            "stringData: {k: [hunter2]}\n",
            "in.yaml: document 1: stringData: \"k\" must be a string (quote it in YAML)",
        ),
    ] {
        let input = format!("{head}{field}");
        let error = manifest::read_secrets(input.as_bytes(), "in.yaml")
            .unwrap_err()
            .to_string();
        assert_eq!(error, expected, "{input}");
    }
    let input = "apiVersion: v1\nkind: Secret\nmetadata: hunter2\n";
    let error = manifest::read_secrets(input.as_bytes(), "in.yaml")
        .unwrap_err()
        .to_string();
    assert!(!error.contains("hunter2"), "{error}");
}

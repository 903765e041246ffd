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

/// Runs `check` with `offseal kubeseal` and with the `kubeseal` symlink. Both run with an empty
/// temporary HOME and no KUBECONFIG, so the machine's own kubeconfig never plays a part.
fn both(check: impl Fn(&dyn Fn() -> Command)) {
    let home = tempfile::tempdir().unwrap();
    let isolate = |cmd: &mut Command| {
        cmd.env("HOME", home.path()).env_remove("KUBECONFIG");
    };
    check(&|| {
        let mut cmd = offseal();
        isolate(&mut cmd);
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
        isolate(&mut cmd);
        cmd
    });
}

/// Runs `cmd` expecting success; returns stdout as JSON and stderr.
fn run_json(cmd: &mut Command) -> (Value, String) {
    let out = cmd.output().unwrap();
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(out.status.success(), "{stderr}");
    (serde_json::from_slice(&out.stdout).unwrap(), stderr)
}

/// The data of the Secret `--recovery-unseal` makes of `sealed` (JSON) with controller-2048.
fn recover(kubeseal: &dyn Fn() -> Command, sealed: &Value) -> Value {
    let (secret, _) = run_json(
        kubeseal()
            .args([
                "--recovery-unseal",
                "--recovery-private-key",
                &key("controller-2048.key.pem"),
            ])
            .write_stdin(serde_json::to_vec(sealed).unwrap()),
    );
    secret["data"].clone()
}

const CERT: &str = "controller-2048.crt.pem";
/// A Secret as `kubectl create secret generic --dry-run=client -o yaml` writes it: no namespace.
const NO_NAMESPACE: &str = "apiVersion: v1\nkind: Secret\nmetadata: {name: app}\ndata: {k: dg==}\n";

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
            .args(["--server", "https://k8s", "--cert", &key(CERT)])
            .write_stdin(SECRET)
            .assert()
            .success()
            .stderr(predicate::str::contains("--server is ignored"));
    });
}

#[test]
fn merge_into_takes_the_target_identity() {
    both(|kubeseal| {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("sealed.json");
        kubeseal()
            .args(["--cert", &key(CERT), "-w", file.to_str().unwrap()])
            .write_stdin(SECRET)
            .assert()
            .success();
        // A Secret naming another name and namespace merges under the target's (upstream's
        // TestMergeInto "bad name"); --name does not change it either.
        kubeseal()
            .args(["--cert", &key(CERT), "--name", "other", "--merge-into"])
            .arg(&file)
            .write_stdin("kind: Secret\nmetadata: {name: badname, namespace: badns}\nstringData: {more: m}\n")
            .assert()
            .success()
            .stdout("");
        let merged: Value = serde_json::from_slice(&std::fs::read(&file).unwrap()).unwrap();
        assert_eq!(merged["metadata"]["name"], "app");
        assert_eq!(merged["metadata"]["namespace"], "tenant-a");
        assert_eq!(merged["spec"]["template"]["metadata"]["name"], "app");
        assert_eq!(
            merged["spec"]["template"]["metadata"]["namespace"],
            "tenant-a"
        );
        let data = recover(kubeseal, &merged);
        assert_eq!(data["more"], "bQ==");
        assert_eq!(data["password"], "aHVudGVyMg==");
        // -n still has to agree with the target's namespace: kubeseal's message, whole.
        let before = std::fs::read(&file).unwrap();
        kubeseal()
            .args(["--cert", &key(CERT), "-n", "elsewhere", "--merge-into"])
            .arg(&file)
            .write_stdin("kind: Secret\nmetadata: {name: x}\nstringData: {more: m}\n")
            .assert()
            .code(1)
            .stderr("error: namespace mismatch: input secret is in namespace \"tenant-a\" but \"elsewhere\" was specified\n");
        // A Secret declaring another scope would not open there: refused, file untouched.
        kubeseal()
            .args([
                "--cert",
                &key(CERT),
                "--scope",
                "cluster-wide",
                "--merge-into",
            ])
            .arg(&file)
            .write_stdin("kind: Secret\nmetadata: {name: x}\nstringData: {more: m}\n")
            .assert()
            .code(1)
            .stderr(predicate::str::contains(
                "it is cluster-wide but SealedSecret \"tenant-a/app\" is strict",
            ));
        assert_eq!(std::fs::read(&file).unwrap(), before);
        // A Secret declaring no scope takes a cluster-wide target's.
        let wide = dir.path().join("wide.json");
        kubeseal()
            .args(["--cert", &key(CERT), "--scope", "cluster-wide", "-w"])
            .arg(&wide)
            .write_stdin(NO_NAMESPACE)
            .assert()
            .success();
        kubeseal()
            .args(["--cert", &key(CERT), "--merge-into"])
            .arg(&wide)
            .write_stdin(
                "kind: Secret\nmetadata: {name: x, namespace: ns-y}\nstringData: {more: m}\n",
            )
            .assert()
            .success();
        let merged: Value = serde_json::from_slice(&std::fs::read(&wide).unwrap()).unwrap();
        assert_eq!(recover(kubeseal, &merged)["more"], "bQ==");
    });
}

#[test]
fn cluster_wide_secrets_ignore_the_namespace_flag() {
    both(|kubeseal| {
        let annotated = "kind: Secret\nmetadata: {name: app, namespace: a, annotations: {sealedsecrets.bitnami.com/cluster-wide: \"true\"}}\ndata: {k: dg==}\n";
        let (sealed, _) = run_json(
            kubeseal()
                .args(["--cert", &key(CERT), "-n", "b"])
                .write_stdin(annotated),
        );
        assert_eq!(
            sealed["metadata"]["namespace"], "a",
            "no mismatch, no change"
        );
        let (sealed, _) = run_json(
            kubeseal()
                .args(["--cert", &key(CERT), "-n", "b", "--scope", "cluster-wide"])
                .write_stdin(NO_NAMESPACE),
        );
        assert_eq!(sealed["metadata"].get("namespace"), None, "{sealed}");
        assert_eq!(recover(kubeseal, &sealed)["k"], "dg==");
        // Strict still compares: kubeseal's message, whole.
        kubeseal()
            .args(["--cert", &key(CERT), "-n", "b"])
            .write_stdin("kind: Secret\nmetadata: {name: app, namespace: a}\ndata: {k: dg==}\n")
            .assert()
            .code(1)
            .stderr("error: namespace mismatch: input secret is in namespace \"a\" but \"b\" was specified\n");
    });
    // offseal's own command says which Secret.
    offseal()
        .args(["seal", "--cert", &key(CERT), "-n", "b"])
        .write_stdin("kind: Secret\nmetadata: {name: app, namespace: a}\ndata: {k: dg==}\n")
        .assert()
        .code(1)
        .stderr(predicate::str::contains(
            "Secret \"a/app\": namespace mismatch",
        ));
}

#[test]
fn the_namespace_comes_from_the_kubeconfig_offline() {
    let config = |current: &str, ns: &str| {
        format!(
            "apiVersion: v1\nkind: Config\ncurrent-context: {current}\nclusters: [{{name: c, cluster: {{server: 'https://192.0.2.1:6443'}}}}]\n\
             users: [{{name: u, user: {{token: do-not-use}}}}]\n\
             contexts:\n- {{name: {current}, context: {{cluster: c, user: u, namespace: {ns}}}}}\n- {{name: plain, context: {{cluster: c}}}}\n"
        )
    };
    both(|kubeseal| {
        let namespace_of = |cmd: &mut Command| {
            let (sealed, stderr) =
                run_json(cmd.args(["--cert", &key(CERT)]).write_stdin(NO_NAMESPACE));
            (
                sealed["metadata"]["namespace"].as_str().unwrap().to_owned(),
                stderr,
            )
        };
        // No kubeconfig at all: default, quietly.
        let (ns, stderr) = namespace_of(&mut kubeseal());
        assert_eq!((ns.as_str(), stderr.as_str()), ("default", ""));

        let home = tempfile::tempdir().unwrap();
        std::fs::create_dir(home.path().join(".kube")).unwrap();
        std::fs::write(
            home.path().join(".kube/config"),
            config("home", "from-home"),
        )
        .unwrap();
        let (ns, _) = namespace_of(kubeseal().env("HOME", home.path()));
        assert_eq!(ns, "from-home");
        // The sealed values open for that namespace.
        let (sealed, _) = run_json(
            kubeseal()
                .env("HOME", home.path())
                .args(["--cert", &key(CERT)])
                .write_stdin(NO_NAMESPACE),
        );
        assert_eq!(recover(kubeseal, &sealed)["k"], "dg==");
        // --context picks another context; one without a namespace means default.
        let (ns, _) = namespace_of(
            kubeseal()
                .env("HOME", home.path())
                .args(["--context", "plain"]),
        );
        assert_eq!(ns, "default");
        // -n wins; a Secret's own namespace wins over the kubeconfig without a mismatch.
        let (ns, _) = namespace_of(kubeseal().env("HOME", home.path()).args(["-n", "flag"]));
        assert_eq!(ns, "flag");

        // KUBECONFIG replaces ~/.kube/config; a list merges, first file wins.
        let dir = tempfile::tempdir().unwrap();
        let (one, two) = (dir.path().join("one"), dir.path().join("two"));
        std::fs::write(
            &one,
            "contexts: [{name: second, context: {namespace: from-one}}]\n",
        )
        .unwrap();
        std::fs::write(&two, config("second", "from-two")).unwrap();
        let list = std::env::join_paths([&dir.path().join("missing"), &one, &two]).unwrap();
        let (ns, stderr) =
            namespace_of(kubeseal().env("HOME", home.path()).env("KUBECONFIG", &list));
        assert_eq!((ns.as_str(), stderr.as_str()), ("from-one", ""));
        // --kubeconfig names the one file.
        let (ns, _) = namespace_of(
            kubeseal()
                .env("HOME", home.path())
                .arg("--kubeconfig")
                .arg(&two),
        );
        assert_eq!(ns, "from-two");
        // A malformed kubeconfig is a warning (naming the file, not its content), not an error.
        let bad = dir.path().join("bad");
        std::fs::write(
            &bad,
            "users: [{name: u, user: {token: do-not-use}}]\ncontexts: {{{\n",
        )
        .unwrap();
        let (ns, stderr) = namespace_of(kubeseal().env("KUBECONFIG", &bad));
        assert_eq!(ns, "default");
        assert!(
            stderr.contains("is not used: it is not kubeconfig YAML"),
            "{stderr}"
        );
        assert!(!stderr.contains("do-not-use"), "{stderr}");

        // --raw takes the kubeconfig's namespace too; without any kubeconfig it still asks.
        let out = kubeseal()
            .env("HOME", home.path())
            .args(["--raw", "--cert", &key(CERT), "--name", "app"])
            .write_stdin("v")
            .assert()
            .success();
        let sealed = String::from_utf8(out.get_output().stdout.clone()).unwrap();
        assert_eq!(
            open_raw(
                &sealed,
                "controller-2048.key.pem",
                &["-n", "from-home", "--name", "app"]
            ),
            b"v"
        );
        kubeseal()
            .args(["--raw", "--cert", &key(CERT), "--name", "app"])
            .write_stdin("v")
            .assert()
            .code(1)
            .stderr("error: must provide the --namespace flag with --raw and --scope strict\n");
    });
    // offseal seal reads no kubeconfig: the namespace must be explicit.
    let home = tempfile::tempdir().unwrap();
    std::fs::create_dir(home.path().join(".kube")).unwrap();
    std::fs::write(
        home.path().join(".kube/config"),
        config("home", "from-home"),
    )
    .unwrap();
    offseal()
        .env("HOME", home.path())
        .env_remove("KUBECONFIG")
        .args(["seal", "--cert", &key(CERT)])
        .write_stdin(NO_NAMESPACE)
        .assert()
        .code(1)
        .stderr(predicate::str::contains("secret must declare a namespace"));
}

#[test]
fn a_certificate_not_yet_valid_seals_with_a_warning() {
    both(|kubeseal| {
        let (sealed, stderr) = run_json(
            kubeseal()
                .args(["--cert", &key("future-2048.crt.pem")])
                .write_stdin(SECRET),
        );
        assert!(
            stderr.contains("not valid before January 1, 2099 (2099-01-01T00:00:00Z)"),
            "{stderr}"
        );
        assert_eq!(recover(kubeseal, &sealed)["password"], "aHVudGVyMg==");
        kubeseal()
            .args(["--cert", &key("expired-2048.crt.pem")])
            .write_stdin(SECRET)
            .assert()
            .code(1)
            .stdout("")
            .stderr(predicate::str::contains(
                "expired certificate on January 1, 2020",
            ));
    });
    offseal()
        .args(["cert", &key("future-2048.crt.pem")])
        .assert()
        .success()
        .stdout(predicate::str::contains(
            "not before:  2099-01-01T00:00:00Z\n",
        ))
        .stdout(predicate::str::contains("status:      NOT YET VALID"))
        .stderr(predicate::str::contains("not valid before January 1, 2099"));
    let out = offseal()
        .args(["cert", "--json", &key("future-2048.crt.pem")])
        .assert()
        .success();
    let report: Value = serde_json::from_slice(&out.get_output().stdout).unwrap();
    assert_eq!(
        (report["status"].as_str(), report["usable"].as_bool()),
        (Some("not-yet-valid"), Some(true))
    );
}

#[test]
fn recovery_unseal_renders_template_data() {
    both(|kubeseal| {
        let (mut sealed, _) = run_json(kubeseal().args(["--cert", &key(CERT)]).write_stdin(SECRET));
        sealed["spec"]["template"]["data"] = serde_json::json!({
            "greeting": "secret {{ index . \"password\" }} !",
            "dsn": "user={{ .token | upper }} pw={{ .password | b64enc | quote }}",
            "plain": "no template",
        });
        let data = recover(kubeseal, &sealed);
        let text = |k: &str| {
            use base64::Engine as _;
            String::from_utf8(
                base64::engine::general_purpose::STANDARD
                    .decode(data[k].as_str().unwrap())
                    .unwrap(),
            )
            .unwrap()
        };
        assert_eq!(text("greeting"), "secret hunter2 !");
        assert_eq!(text("dsn"), "user=T0K3N pw=\"aHVudGVyMg==\"");
        assert_eq!(text("plain"), "no template");
        // What offseal does not render is refused, naming the entry and the construct.
        sealed["spec"]["template"]["data"]["cfg"] = "a: b\n{{ toYaml . }}".into();
        kubeseal()
            .args(["--recovery-unseal", "--recovery-private-key", &key("controller-2048.key.pem")])
            .write_stdin(serde_json::to_vec(&sealed).unwrap())
            .assert()
            .code(1)
            .stdout("")
            .stderr(predicate::str::contains(
                "spec.template.data \"cfg\": line 2, column 4: the function \"toYaml\" is not supported",
            ))
            .stderr(predicate::str::contains("hunter2").not());
    });
}

#[test]
fn names_kubernetes_refuses_are_sealed_with_a_warning() {
    let secret = "kind: Secret\nmetadata: {name: testSecret, namespace: ns}\ndata: {k: dg==}\n";
    both(|kubeseal| {
        let (sealed, stderr) =
            run_json(kubeseal().args(["--cert", &key(CERT)]).write_stdin(secret));
        assert_eq!(sealed["metadata"]["name"], "testSecret");
        assert!(
            stderr.contains("warning: SealedSecret \"ns/testSecret\": invalid name \"testSecret\"")
                && stderr.contains("the API server will reject it"),
            "{stderr}"
        );
        assert_eq!(recover(kubeseal, &sealed)["k"], "dg==");
    });
    offseal()
        .args(["seal", "--cert", &key(CERT)])
        .write_stdin(secret)
        .assert()
        .code(1)
        .stderr(predicate::str::contains("invalid name \"testSecret\""));
}

#[test]
fn text_that_scripts_read() {
    both(|kubeseal| {
        // Upstream's integration suite matches this; semver readers see kubeseal 0.36.6.
        let out = kubeseal().arg("--version").assert().success();
        let version = String::from_utf8(out.get_output().stdout.clone()).unwrap();
        let upstream = regex::Regex::new(
            r"^kubeseal version: (v[0-9]+\.[0-9]+\.[0-9]+|[0-9a-f]{40})(\+dirty)?",
        )
        .unwrap();
        assert!(upstream.is_match(&version), "{version}");
        assert_eq!(
            version,
            format!(
                "kubeseal version: v0.36.6+offseal.{}\n",
                env!("CARGO_PKG_VERSION")
            )
        );

        kubeseal()
            .args(["--cert", "/?this/file/cannot/possibly/exist/right?"])
            .write_stdin(SECRET)
            .assert()
            .code(1)
            .stderr(
                "error: open /?this/file/cannot/possibly/exist/right?: no such file or directory\n",
            );

        let (sealed, _) = run_json(kubeseal().args(["--cert", &key(CERT)]).write_stdin(SECRET));
        let other_key = key("controller-4096.key.pem");
        for keys in [vec!["--recovery-private-key", other_key.as_str()], vec![]] {
            kubeseal()
                .arg("--recovery-unseal")
                .args(&keys)
                .write_stdin(serde_json::to_vec(&sealed).unwrap())
                .assert()
                .code(1)
                .stdout("")
                .stderr("error: no key could decrypt secret (password, token)\n");
        }
    });
}

/// kubeseal seals a raw value for a name the API server would refuse (it warns in manifest
/// mode too); unseal opens it; offseal's own `raw` refuses it.
#[test]
fn raw_mode_takes_a_name_kubernetes_refuses_with_a_warning() {
    let cert = key("controller-2048.crt.pem");
    let out = offseal()
        .args([
            "kubeseal",
            "--raw",
            "--cert",
            &cert,
            "-n",
            "demo",
            "--name",
            "testSecret",
        ])
        .args(["--from-file", "/dev/stdin"])
        .write_stdin("v")
        .output()
        .unwrap();
    assert!(out.status.success());
    assert_eq!(
        String::from_utf8(out.stderr).unwrap(),
        "warning: invalid name \"testSecret\": 'S' is not allowed; use lower-case letters, \
         digits and '-' and '.'; sealed as kubeseal does, but the API server will reject a \
         Secret of that name\n"
    );
    let sealed = String::from_utf8(out.stdout).unwrap();
    offseal()
        .args(["unseal", "--raw", "-n", "demo", "--name", "testSecret"])
        .args(["--recovery-private-key", &key("controller-2048.key.pem")])
        .write_stdin(sealed)
        .assert()
        .success()
        .stdout("v")
        .stderr("");
    offseal()
        .args(["raw", "--cert", &cert, "-n", "demo", "--name", "testSecret"])
        .write_stdin("v")
        .assert()
        .code(1);
}

#[test]
fn a_data_key_kubernetes_refuses_is_sealed_with_a_warning_and_refused_by_seal() {
    let cert = key("controller-2048.crt.pem");
    let secret = "apiVersion: v1\nkind: Secret\nmetadata: {name: a, namespace: d}\nstringData: {\"weird key\": v}\n";
    offseal()
        .args(["kubeseal", "--cert", &cert])
        .write_stdin(secret)
        .assert()
        .success()
        .stderr(
            "warning: SealedSecret \"d/a\": item \"weird key\" is no key Kubernetes takes in a \
             Secret; sealed as kubeseal does, but the controller cannot make the Secret\n",
        );
    offseal()
        .args(["seal", "--cert", &cert])
        .write_stdin(secret)
        .assert()
        .code(1)
        .stdout("")
        .stderr(predicate::str::contains(
            "item \"weird key\": Kubernetes refuses it as a Secret's key",
        ));
}

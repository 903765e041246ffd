//! `offseal values`: the main job, end to end.

use predicates::prelude::*;

use crate::util::{
    CLIENT_ID, CLIENT_SECRET, TENANT_ID, key, offseal, offseal_with_credentials, open_raw, redact,
    sealed_values, temp_file,
};

const HELM: &str = "\
# Tenant values: kept by people.
tenant:
  name: tenant-a   # the tenant

  external_secrets:
    enabled: true
    azure_tenant_id: \"\"      # filled by offseal
    keyvault_credentials:
      client_id: \"\"
      client_secret: \"\"      # sealed

other: 1
";

const STRICT: [&str; 4] = ["-n", "tenant-a", "--name", "azure-keyvault-credentials"];

fn cert() -> String {
    key("controller-4096.crt.pem")
}

#[test]
fn seals_in_place_changing_only_the_credentials() {
    let (_dir, path) = temp_file("values.yaml", HELM.as_bytes());
    offseal_with_credentials()
        .args(["values", path.to_str().unwrap(), "--cert", &cert()])
        .args(STRICT)
        .assert()
        .success()
        .stdout("")
        .stderr(predicate::str::contains("sealed client_id, client_secret and azure_tenant_id at `tenant.external_secrets` for strict tenant-a/azure-keyvault-credentials"));
    let out = std::fs::read_to_string(&path).unwrap();
    assert_eq!(
        redact(&out),
        HELM.replace("azure_tenant_id: \"\"", &format!("azure_tenant_id: \"{TENANT_ID}\""))
            .replace(
                "    keyvault_credentials:\n      client_id: \"\"\n      client_secret: \"\"",
                "    # offseal: scope=strict namespace=tenant-a name=azure-keyvault-credentials cert=SHA256:NfQ6GANZ5ZSZ45GsFMFEsYJbj4rlqJiSarri7KWL6ns sealed=<date>\n    keyvault_credentials:\n      client_id: \"<sealed>\"\n      client_secret: \"<sealed>\""
            )
    );
    let sealed = sealed_values(&out);
    assert_eq!(sealed.len(), 2);
    assert_eq!(
        open_raw(&sealed[0], "controller-4096.key.pem", &STRICT),
        CLIENT_ID.as_bytes()
    );
    assert_eq!(
        open_raw(&sealed[1], "controller-4096.key.pem", &STRICT),
        CLIENT_SECRET.as_bytes()
    );
    // libyaml reads the result as Helm will.
    let data: serde_json::Value = serde_norway::from_str(&out).unwrap();
    assert_eq!(
        data["tenant"]["external_secrets"]["azure_tenant_id"],
        TENANT_ID
    );
    assert_eq!(data["other"], 1);
}

#[test]
fn a_later_run_takes_its_target_from_the_provenance_comment() {
    let (_dir, path) = temp_file("values.yaml", HELM.as_bytes());
    let file = path.to_str().unwrap();
    offseal_with_credentials()
        .args([
            "values",
            file,
            "--cert",
            &key("controller-2048.crt.pem"),
            "--scope",
            "namespace-wide",
            "-n",
            "tenant-a",
        ])
        .assert()
        .success();
    // Rotation: only the file and the new certificate.
    offseal_with_credentials()
        .args(["values", file, "--cert", &cert()])
        .assert()
        .success()
        .stderr(predicate::str::contains("for namespace-wide tenant-a"));
    let out = std::fs::read_to_string(&path).unwrap();
    assert!(
        out.contains("# offseal: scope=namespace-wide namespace=tenant-a cert=SHA256:NfQ6"),
        "{out}"
    );
    assert_eq!(
        out.matches("# offseal:").count(),
        1,
        "the comment is replaced, not added"
    );
    let sealed = sealed_values(&out);
    let ns_wide = ["--scope", "namespace-wide", "-n", "tenant-a"];
    assert_eq!(
        open_raw(&sealed[1], "controller-4096.key.pem", &ns_wide),
        CLIENT_SECRET.as_bytes()
    );

    // --no-provenance removes the comment, which would otherwise describe an old sealing.
    offseal_with_credentials()
        .args(["values", file, "--cert", &cert(), "--no-provenance"])
        .args(STRICT)
        .assert()
        .success();
    assert!(
        !std::fs::read_to_string(&path)
            .unwrap()
            .contains("# offseal:")
    );
}

#[test]
fn missing_target_says_which_flags_and_shows_an_example() {
    let (_dir, path) = temp_file("values.yaml", HELM.as_bytes());
    let file = path.to_str().unwrap();
    // The example names the file, and the file still leads the message.
    offseal_with_credentials()
        .args(["values", file, "--cert", &cert()])
        .assert()
        .code(1)
        .stderr(format!(
            "error: {file}: a strict target needs --namespace and --name, and no provenance comment records one; for example:\n  offseal values {file} --cert controller.crt --namespace tenant-a --name azure-keyvault-credentials\n",
        ));
    offseal_with_credentials()
        .args(["values", file, "--cert", &cert(), "-n", ""])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "a value is required for '--namespace <NS>' but none was supplied",
        ));
    offseal_with_credentials()
        .args([
            "values",
            path.to_str().unwrap(),
            "--cert",
            &cert(),
            "-n",
            "tenant-a",
        ])
        .assert()
        .code(1)
        .stderr(predicate::str::contains("a strict target needs --name"));
    assert_eq!(std::fs::read_to_string(&path).unwrap(), HELM);
}

#[test]
fn a_block_is_created_or_chosen() {
    let (_dir, path) = temp_file("values.yaml", b"replicas: 2\n");
    offseal_with_credentials()
        .args(["values", path.to_str().unwrap(), "--cert", &cert()])
        .args(STRICT)
        .assert()
        .success();
    let out = redact(&std::fs::read_to_string(&path).unwrap());
    assert_eq!(out, format!("replicas: 2\nexternal_secrets:\n  keyvault_credentials:\n    client_id: <sealed>\n    client_secret: <sealed>\n  azure_tenant_id: {TENANT_ID}\n").replace("external_secrets:\n  keyvault_credentials", "external_secrets:\n  # offseal: scope=strict namespace=tenant-a name=azure-keyvault-credentials cert=SHA256:NfQ6GANZ5ZSZ45GsFMFEsYJbj4rlqJiSarri7KWL6ns sealed=<date>\n  keyvault_credentials"));

    let two = "a:\n  external_secrets: {}\nb:\n  external_secrets: {}\n";
    let (_dir, path) = temp_file("values.yaml", two.as_bytes());
    offseal_with_credentials()
        .args(["values", path.to_str().unwrap(), "--cert", &cert()])
        .args(STRICT)
        .assert()
        .code(1)
        .stderr(predicate::str::contains("2 `external_secrets` keys: `a.external_secrets` (line 2), `b.external_secrets` (line 4); choose one with --at PATH"));
    assert_eq!(std::fs::read_to_string(&path).unwrap(), two);
    offseal_with_credentials()
        .args([
            "values",
            path.to_str().unwrap(),
            "--cert",
            &cert(),
            "--at",
            "b.external_secrets",
        ])
        .args(STRICT)
        .assert()
        .success();
    let out = std::fs::read_to_string(&path).unwrap();
    assert!(
        out.starts_with("a:\n  external_secrets: {}\nb:\n  external_secrets:\n"),
        "{out}"
    );
}

#[test]
fn credentials_come_from_az_json_on_stdin_or_in_a_file() {
    let az = format!(
        r#"{{"appId": "{CLIENT_ID}", "displayName": "app", "password": "{CLIENT_SECRET}", "tenant": "{TENANT_ID}"}}"#
    );
    let (dir, path) = temp_file("values.yaml", HELM.as_bytes());
    offseal()
        .args([
            "values",
            path.to_str().unwrap(),
            "--cert",
            &cert(),
            "--credentials",
            "-",
        ])
        .args(STRICT)
        .write_stdin(az.clone())
        .assert()
        .success();
    let sealed = sealed_values(&std::fs::read_to_string(&path).unwrap());
    assert_eq!(
        open_raw(&sealed[1], "controller-4096.key.pem", &STRICT),
        CLIENT_SECRET.as_bytes()
    );

    let creds = dir.path().join("sp.json");
    std::fs::File::create(&creds)
        .and_then(|mut f| std::io::Write::write_all(&mut f, az.as_bytes()))
        .unwrap();
    // The JSON wins over the environment.
    offseal()
        .env("AZURE_CLIENT_SECRET", "from-the-environment")
        .args([
            "values",
            path.to_str().unwrap(),
            "--cert",
            &cert(),
            "--credentials",
            creds.to_str().unwrap(),
        ])
        .args(STRICT)
        .assert()
        .success();
    let sealed = sealed_values(&std::fs::read_to_string(&path).unwrap());
    assert_eq!(
        open_raw(&sealed[1], "controller-4096.key.pem", &STRICT),
        CLIENT_SECRET.as_bytes()
    );

    // --client-id beats AZURE_CLIENT_ID; --tenant-id gives the tenant.
    let other_id = "11111111-2222-3333-4444-555555555555";
    let (_dir, path) = temp_file("values.yaml", b"external_secrets: {}\n");
    offseal()
        .env("AZURE_CLIENT_ID", CLIENT_ID)
        .env("AZURE_CLIENT_SECRET", CLIENT_SECRET)
        .args([
            "values",
            path.to_str().unwrap(),
            "--cert",
            &cert(),
            "--client-id",
            other_id,
            "--tenant-id",
            TENANT_ID,
        ])
        .args(STRICT)
        .assert()
        .success();
    let out = std::fs::read_to_string(&path).unwrap();
    assert!(
        out.contains(&format!("azure_tenant_id: {TENANT_ID}")),
        "{out}"
    );
    assert_eq!(
        open_raw(&sealed_values(&out)[0], "controller-4096.key.pem", &STRICT),
        other_id.as_bytes()
    );
}

#[test]
fn bad_input_is_refused_clearly_and_the_file_is_untouched() {
    // (input, environment, extra flags, expected message)
    type Case<'a> = (&'a str, Vec<(&'a str, &'a str)>, Vec<String>, &'a str);
    let cases: Vec<Case<'_>> = vec![
        (
            "external_secrets: {}\n",
            vec![("AZURE_CLIENT_SECRET", "")],
            vec![],
            "no client secret: give it with AZURE_CLIENT_SECRET",
        ),
        (
            "external_secrets: {}\n",
            vec![("AZURE_CLIENT_ID", "")],
            vec![],
            "no client id: give it with --client-id ID or AZURE_CLIENT_ID",
        ),
        (
            "external_secrets: {}\n",
            vec![("AZURE_TENANT_ID", "not-a-guid")],
            vec![],
            "invalid credentials: the tenant id is not a GUID",
        ),
        (
            "external_secrets: {}\n",
            vec![("AZURE_CLIENT_ID", "my-app")],
            vec![],
            "the client id is not a GUID",
        ),
        (
            "a: [\n",
            vec![],
            vec![],
            "invalid YAML at line 1, column 4: unclosed bracket",
        ),
        (
            "a: 1\n---\nb: 2\n",
            vec![],
            vec![],
            "several YAML documents",
        ),
        (
            "tenants:\n  - external_secrets: {}\n",
            vec![],
            vec![],
            "`tenants` at line 1 is a sequence; paths through sequences are not supported",
        ),
        (
            "external_secrets:\n  keyvault_credentials:\n    client_id: {a: 1}\n",
            vec![],
            vec![],
            "`external_secrets.keyvault_credentials.client_id` at line 3 is a mapping, not a scalar",
        ),
        (
            "external_secrets: &e {}\nother: *e\n",
            vec![],
            vec![],
            "`external_secrets` at line 1 has an anchor that an alias refers to",
        ),
        (
            "x: 1\nx: 2\n",
            vec![],
            vec!["--at".into(), "x.external_secrets".into()],
            "appears more than once",
        ),
        (
            "external_secrets: {}\n",
            vec![],
            vec!["--cert".into(), key("expired-2048.crt.pem")],
            "expired certificate on January 1, 2020",
        ),
    ];
    for (input, env, extra, message) in cases {
        let (_dir, path) = temp_file("values.yaml", input.as_bytes());
        let mut cmd = offseal_with_credentials();
        for (k, v) in env {
            cmd.env(k, v);
        }
        let extra_has_cert = extra.iter().any(|a| a == "--cert");
        cmd.args(["values", path.to_str().unwrap()]);
        if !extra_has_cert {
            cmd.args(["--cert", &cert()]);
        }
        cmd.args(STRICT).args(&extra);
        let out = cmd.assert().code(1).stdout("");
        let stderr = String::from_utf8_lossy(&out.get_output().stderr).into_owned();
        assert!(stderr.starts_with("error: "), "{input:?}: {stderr}");
        assert!(stderr.contains(message), "{input:?}: {stderr}");
        assert!(!stderr.contains(CLIENT_SECRET));
        assert_eq!(
            std::fs::read(&path).unwrap(),
            input.as_bytes(),
            "{input:?} was changed"
        );
    }
    let (_dir, path) = temp_file("values.yaml", b"a: 1\n\xFF\n");
    offseal_with_credentials()
        .args(["values", path.to_str().unwrap(), "--cert", &cert()])
        .args(STRICT)
        .assert()
        .code(1)
        .stderr(predicate::str::contains(
            "file is not valid UTF-8 (byte 5, line 2)",
        ));
}

#[test]
fn dry_run_prints_a_diff_and_changes_nothing_and_output_goes_elsewhere() {
    let (dir, path) = temp_file("values.yaml", HELM.as_bytes());
    let file = path.to_str().unwrap();
    let out = offseal_with_credentials()
        .args(["values", file, "--cert", &cert(), "--dry-run"])
        .args(STRICT)
        .assert()
        .success()
        .stderr(predicate::str::contains("(dry run)"));
    let diff = String::from_utf8(out.get_output().stdout.clone()).unwrap();
    assert!(diff.contains(&format!("-    azure_tenant_id: \"\"      # filled by offseal\n+    azure_tenant_id: \"{TENANT_ID}\"      # filled by offseal\n")), "{diff}");
    assert!(
        diff.contains("+      client_secret: \"Ag") && diff.contains("…("),
        "{diff}"
    );
    assert!(sealed_values(&diff).is_empty(), "ciphertexts are shortened");
    assert_eq!(std::fs::read_to_string(&path).unwrap(), HELM);

    let to = dir.path().join("sealed.yaml");
    offseal_with_credentials()
        .args([
            "values",
            file,
            "--cert",
            &cert(),
            "-o",
            to.to_str().unwrap(),
        ])
        .args(STRICT)
        .assert()
        .success();
    assert_eq!(std::fs::read_to_string(&path).unwrap(), HELM);
    assert_eq!(
        sealed_values(&std::fs::read_to_string(&to).unwrap()).len(),
        2
    );

    let out = offseal_with_credentials()
        .args(["values", file, "--cert", &cert(), "-o", "-"])
        .args(STRICT)
        .assert()
        .success();
    assert_eq!(
        sealed_values(&String::from_utf8_lossy(&out.get_output().stdout)).len(),
        2
    );
}

#[test]
fn several_files_are_all_done_and_a_failing_one_is_reported() {
    let dir = tempfile::tempdir().unwrap();
    let good = dir.path().join("a.yaml");
    let bad = dir.path().join("b.yaml");
    let also_good = dir.path().join("c.yaml");
    std::fs::write(&good, HELM).unwrap();
    std::fs::write(&bad, "a: [\n").unwrap();
    std::fs::write(&also_good, "x: 1\n").unwrap();
    offseal_with_credentials()
        .args(["values", "--cert", &cert()])
        .args([&good, &bad, &also_good].map(|p| p.to_str().unwrap()))
        .args(STRICT)
        .assert()
        .code(1)
        .stderr(predicate::str::contains("1 of 3 files failed"));
    assert_eq!(
        sealed_values(&std::fs::read_to_string(&good).unwrap()).len(),
        2
    );
    assert_eq!(
        sealed_values(&std::fs::read_to_string(&also_good).unwrap()).len(),
        2
    );
    assert_eq!(std::fs::read_to_string(&bad).unwrap(), "a: [\n");
}

#[test]
fn a_provenance_comment_is_found_and_updated_where_it_is() {
    // Above the block rather than the credentials, with a human comment in between.
    let input = "tenant:\n  # offseal: scope=strict namespace=tenant-a name=kv cert=SHA256:old sealed=2025-01-01\n  # Azure access for the tenant.\n  external_secrets:\n    keyvault_credentials: {}\n";
    let (_dir, path) = temp_file("values.yaml", input.as_bytes());
    offseal_with_credentials()
        .args(["values", path.to_str().unwrap(), "--cert", &cert()])
        .assert()
        .success()
        .stderr(predicate::str::contains("for strict tenant-a/kv"));
    let out = std::fs::read_to_string(&path).unwrap();
    assert_eq!(out.matches("# offseal:").count(), 1, "{out}");
    assert!(
        out.starts_with(
            "tenant:\n  # offseal: scope=strict namespace=tenant-a name=kv cert=SHA256:NfQ6"
        ),
        "{out}"
    );
    assert!(
        out.contains("  # Azure access for the tenant.\n  external_secrets:\n"),
        "{out}"
    );
}

#[test]
fn on_a_terminal_the_credentials_are_prompted_for_and_the_secret_is_not_echoed() {
    // A pseudo-terminal is driven by Python's pty module (on every CI machine); without
    // python3 there is no terminal to test with.
    if std::process::Command::new("python3")
        .arg("--version")
        .output()
        .is_err()
    {
        eprintln!("skipped: python3 is not installed");
        return;
    }
    let (_dir, path) = temp_file("values.yaml", HELM.as_bytes());
    let script = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/cli/pty/prompt.py");
    let bin = assert_cmd::cargo::cargo_bin("offseal");
    let out = std::process::Command::new("python3")
        .arg(script)
        .arg(&bin)
        .args(["values", path.to_str().unwrap(), "--cert", &cert()])
        .args(["--tenant-id", TENANT_ID])
        .args(STRICT)
        .env("PROMPT_CLIENT_ID", CLIENT_ID)
        .env("PROMPT_CLIENT_SECRET", CLIENT_SECRET)
        .env_remove("AZURE_CLIENT_ID")
        .env_remove("AZURE_CLIENT_SECRET")
        .env_remove("AZURE_TENANT_ID")
        .output()
        .unwrap();
    let shown = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{shown}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        shown.contains(CLIENT_ID),
        "the id is echoed like any typed text: {shown}"
    );
    assert!(
        !shown.contains(CLIENT_SECRET),
        "the secret was echoed: {shown}"
    );
    let sealed = sealed_values(&std::fs::read_to_string(&path).unwrap());
    assert_eq!(
        open_raw(&sealed[1], "controller-4096.key.pem", &STRICT),
        CLIENT_SECRET.as_bytes()
    );
}

#[test]
fn without_a_tenant_id_given_the_file_must_hold_one() {
    // The id and secret, and no tenant anywhere: an empty AZURE_TENANT_ID is no tenant.
    // Runs on a temporary file holding `input`: its directory, its path, and the outcome.
    let run = |input: &str, extra: &[&str]| {
        let (dir, path) = temp_file("values.yaml", input.as_bytes());
        let outcome = offseal()
            .env("AZURE_CLIENT_ID", CLIENT_ID)
            .env("AZURE_CLIENT_SECRET", CLIENT_SECRET)
            .env("AZURE_TENANT_ID", "")
            .args(["values", path.to_str().unwrap(), "--cert", &cert()])
            .args(extra)
            .args(STRICT)
            .assert();
        (dir, path, outcome)
    };
    let hint = "; give it with --tenant-id ID or AZURE_TENANT_ID, or in the --credentials JSON \
                (`tenant`, or `tenantId` from --sdk-auth)";
    for (input, in_file) in [
        (
            "external_secrets: {}\n",
            "`external_secrets.azure_tenant_id` is not in the file",
        ),
        (
            HELM,
            "`tenant.external_secrets.azure_tenant_id` (line 7) is empty",
        ),
        (
            "external_secrets:\n  azure_tenant_id: ~\n",
            "`external_secrets.azure_tenant_id` (line 2) is empty",
        ),
        (
            "external_secrets:\n  azure_tenant_id: \"changeme\"   # TODO\n",
            "`external_secrets.azure_tenant_id` (line 2) is not a GUID",
        ),
    ] {
        let (_dir, path, outcome) = run(input, &[]);
        let file = path.to_str().unwrap();
        outcome.code(1).stdout("").stderr(format!(
            "error: {file}: no tenant id: the credentials give none, and {in_file}{hint}\n"
        ));
        assert_eq!(std::fs::read_to_string(&path).unwrap(), input, "{input:?}");
    }

    // A GUID already in the file is kept as it is, and the report does not claim to write it.
    let input = format!("external_secrets:\n  azure_tenant_id: '{TENANT_ID}'   # by hand\n");
    let (_dir, path, outcome) = run(&input, &[]);
    let file = path.to_str().unwrap();
    outcome
        .success()
        .stderr(format!(
            "{file}: sealed client_id, client_secret at `external_secrets` for strict tenant-a/azure-keyvault-credentials\n"
        ));
    let out = std::fs::read_to_string(&path).unwrap();
    assert!(out.starts_with(&input), "{out}");
    assert_eq!(sealed_values(&out).len(), 2);

    // A tenant given replaces a wrong one.
    let input = "external_secrets:\n  azure_tenant_id: changeme\n";
    let (_dir, path, outcome) = run(input, &["--tenant-id", TENANT_ID]);
    outcome.success();
    let out = std::fs::read_to_string(&path).unwrap();
    assert!(
        out.starts_with(&format!(
            "external_secrets:\n  azure_tenant_id: {TENANT_ID}\n"
        )),
        "{out}"
    );
}

#[test]
fn stdin_is_no_file_to_edit_in_place() {
    offseal_with_credentials()
        .args(["values", "-", "--cert", &cert()])
        .args(STRICT)
        .write_stdin(HELM)
        .assert()
        .code(1)
        .stdout("")
        .stderr(
            "error: `-` (stdin) cannot be edited in place (-o FILE, -o - or --dry-run write the \
             result elsewhere)\n",
        );
    offseal_with_credentials()
        .args(["values", "-", "--cert", &cert(), "-o", "-"])
        .args(STRICT)
        .write_stdin(HELM)
        .assert()
        .success()
        .stdout(predicate::str::contains("client_secret: \"Ag"));
}

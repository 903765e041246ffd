//! `offseal check`: lint without keys.

use predicates::prelude::*;
use serde_json::Value;

use crate::util::{all_files, key, offseal, replace_line, sealed_values_file, temp_file};

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
    // Two blocks: each fix names its block, as `offseal values` asks for --at then.
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
            "{file}:2: error: `external_secrets.azure_tenant_id` is not a GUID; fix: offseal values {file} --at external_secrets --cert CERT\n\
             {file}:4: error: `external_secrets.keyvault_credentials.client_id` holds plaintext, not a sealed value; fix: offseal values {file} --at external_secrets --cert CERT\n\
             {file}:5: error: `external_secrets.keyvault_credentials.client_secret` holds malformed sealed data: its length prefix announces a 16705-byte RSA block but only 358 bytes follow; fix: offseal values {file} --at external_secrets --cert CERT\n\
             {file}:9: error: `other.external_secrets.keyvault_credentials.client_id` is empty; fix: offseal values {file} --at other.external_secrets --cert CERT\n"
        ))
        .stderr("checked 1 file, 0 sealed values: 4 errors, 0 warnings\n");
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
    // One JSON line per file.
    let report: Value = serde_json::from_slice(&out.get_output().stdout).unwrap();
    assert_eq!(report["status"], "ok", "warnings only");
    let findings = report["findings"].as_array().unwrap();
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

#[test]
fn plaintext_over_a_value_that_set_sealed_fails_without_showing_it() {
    let (_dir, path) = temp_file("values.yaml", b"app:\n  db:\n    password: \"\"\n");
    let file = path.to_str().unwrap();
    let cert = key("controller-2048.crt.pem");
    offseal()
        .args([
            "set",
            file,
            "app.db.password",
            "--cert",
            &cert,
            "-n",
            "ns",
            "--name",
            "app",
        ])
        .write_stdin("s3cret")
        .assert()
        .success();
    offseal().args(["check", file]).assert().success();
    // Someone pastes the plaintext back, leaving the provenance comment in place.
    let sealed = std::fs::read_to_string(&path).unwrap();
    let leaked = replace_line(&sealed, "password:", "    password: hunter2");
    std::fs::write(&path, &leaked).unwrap();
    let out = offseal().args(["check", file]).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert_eq!(
        stdout,
        format!(
            "{file}:4: error: `app.db.password` holds plaintext, not a sealed value; \
             fix: offseal set {file} app.db.password --cert CERT < value-file\n"
        )
    );
    assert!(!String::from_utf8_lossy(&out.stderr).contains("hunter2"));
    // An empty value there fails too; `--json` names the problem and the fix.
    std::fs::write(&path, leaked.replace("hunter2", "\"\"")).unwrap();
    let out = offseal().args(["check", "--json", file]).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(report["status"], "findings");
    let finding = &report["findings"][0];
    assert_eq!(finding["problem"], "empty");
    assert_eq!(finding["path"], "app.db.password");
    assert_eq!(
        finding["fix"],
        format!("offseal set {file} app.db.password --cert CERT < value-file")
    );
    // An alias there (to a plaintext anchored above, say) fails too, and `set` cannot fix it
    // until the value is written back.
    let aliased = format!(
        "defaults: &pw hunter2\n{}",
        replace_line(&sealed, "password:", "    password: *pw")
    );
    std::fs::write(&path, &aliased).unwrap();
    let out = offseal().args(["check", file]).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert!(
        stdout.starts_with(&format!(
            "{file}:5: error: `app.db.password` is an alias where the sealed value"
        )),
        "{stdout}"
    );
    assert!(!stdout.contains("hunter2"), "{stdout}");
    let refused = offseal()
        .args(["set", file, "app.db.password", "--cert", &cert])
        .write_stdin("s3cret")
        .output()
        .unwrap();
    assert_ne!(refused.status.code(), Some(0));
    assert_eq!(std::fs::read_to_string(&path).unwrap(), aliased);
}

#[test]
fn a_missing_or_empty_tenant_beside_sealed_credentials_fails() {
    let (_dir, path) = sealed_values_file("controller-2048.crt.pem");
    let file = path.to_str().unwrap();
    let sealed = std::fs::read_to_string(&path).unwrap();
    let tenant_line = sealed
        .lines()
        .find(|l| l.trim_start().starts_with("azure_tenant_id:"))
        .unwrap()
        .to_owned();
    for (replacement, what) in [("  azure_tenant_id: \"\"", "empty"), ("", "missing")] {
        std::fs::write(&path, sealed.replace(&tenant_line, replacement)).unwrap();
        let out = offseal().args(["check", file]).output().unwrap();
        assert_eq!(out.status.code(), Some(1), "{what}");
        let stdout = String::from_utf8(out.stdout).unwrap();
        assert!(
            stdout.contains(&format!(
                "error: `external_secrets.azure_tenant_id` is {what} beside sealed credentials: \
                 the chart needs the tenant id; fix: offseal values {file} --cert CERT\n"
            )),
            "{stdout}"
        );
    }
}

/// A GitOps repository as a pre-commit hook sees it: the hook's own file filter, then
/// `offseal check` on what it selects.
#[test]
fn the_pre_commit_hook_passes_a_sealed_repository_and_fails_a_leak() {
    let hooks: Value = serde_norway::from_str(
        &std::fs::read_to_string(crate::util::testdata("../.pre-commit-hooks.yaml")).unwrap(),
    )
    .unwrap();
    let hook = hooks
        .as_array()
        .unwrap()
        .iter()
        .find(|h| h["id"] == "offseal-check")
        .expect("a hook with id offseal-check");
    let entry: Vec<String> = hook["entry"]
        .as_str()
        .unwrap()
        .split_whitespace()
        .map(str::to_owned)
        .collect();
    assert_eq!(entry[0], "offseal");
    let files = regex::Regex::new(hook["files"].as_str().unwrap()).unwrap();
    let exclude = hook["exclude"]
        .as_str()
        .map(|e| regex::Regex::new(e).unwrap());

    let repo = tempfile::tempdir().unwrap();
    let write = |rel: &str, content: &str| {
        let path = repo.path().join(rel);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, content).unwrap();
    };
    write(
        "charts/tenant/Chart.yaml",
        "apiVersion: v2\nname: tenant\nversion: 0.1.0\n",
    );
    write(
        "charts/tenant/values.yaml",
        "external_secrets:\n  azure_tenant_id: \"\"\n  keyvault_credentials:\n    client_id: \"\"\n    client_secret: \"\"\n",
    );
    write(
        "charts/tenant/templates/sealedsecret.yaml",
        "apiVersion: bitnami.com/v1alpha1\nkind: SealedSecret\nspec:\n  # keyvault_credentials, as sealed in each tenant's values\n  encryptedData:\n    {{- range $k, $v := .Values.secrets }}\n    {{ $k }}: {{ $v }}\n    {{- end }}\n",
    );
    write(
        "deploy/other.yaml",
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: b\n",
    );
    write("tenants/a/values.yaml", "external_secrets: {}\n");
    let tenant = repo.path().join("tenants/a/values.yaml");
    crate::util::seal_credentials_into(tenant.to_str().unwrap(), "controller-2048.crt.pem");

    // What pre-commit passes: the matching files, relative to the repository's root. Also
    // without the hook's `exclude`, as a team's own `files:` might select templates too.
    let run = |use_exclude: bool| {
        let mut selected: Vec<String> = all_files(repo.path())
            .into_iter()
            .map(|p| p.strip_prefix(repo.path()).unwrap().display().to_string())
            .filter(|rel| files.is_match(rel))
            .filter(|rel| !(use_exclude && exclude.as_ref().is_some_and(|e| e.is_match(rel))))
            .collect();
        selected.sort();
        assert_eq!(
            selected.len(),
            if use_exclude { 4 } else { 5 },
            "{selected:?}"
        );
        offseal()
            .current_dir(repo.path())
            .args(&entry[1..])
            .args(
                hook["args"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .map(|a| a.as_str().unwrap()),
            )
            .args(&selected)
            .output()
            .unwrap()
    };
    for use_exclude in [true, false] {
        let out = run(use_exclude);
        assert!(
            out.status.success(),
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
    }
    // The leak: a plaintext pasted over the sealed secret.
    let sealed = std::fs::read_to_string(&tenant).unwrap();
    let leaked = replace_line(&sealed, "client_secret:", "    client_secret: hunter2");
    std::fs::write(&tenant, leaked).unwrap();
    let out = run(true);
    assert_eq!(out.status.code(), Some(1));
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        stdout.contains("tenants/a/values.yaml:") && stdout.contains("holds plaintext"),
        "{stdout}"
    );
    assert!(
        !stdout.contains("hunter2") && !String::from_utf8_lossy(&out.stderr).contains("hunter2")
    );
    // The same leak in a file that no longer parses (an unclosed quote below it): check
    // cannot read it, and a file naming the credentials is not skipped as a template would be.
    let broken = format!(
        "{}extra: \"unclosed\n",
        replace_line(&sealed, "client_secret:", "    client_secret: hunter2")
    );
    std::fs::write(&tenant, &broken).unwrap();
    let out = run(true);
    assert_eq!(out.status.code(), Some(1));
    let shown = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        shown.contains("tenants/a/values.yaml: invalid YAML at line")
            && shown.contains("check cannot pass it unread"),
        "{shown}"
    );
    assert!(!shown.contains("hunter2"), "{shown}");
    assert_eq!(std::fs::read_to_string(&tenant).unwrap(), broken);
}

#[test]
fn a_recorded_plaintext_under_a_list_fails_and_the_fix_is_raw() {
    let record = "# offseal: scope=strict namespace=ns name=app cert=SHA256:x sealed=2026-12-01";
    let text = format!("tenants:\n  - name: a\n    {record}\n    password: hunter2\n");
    let (_dir, path) = temp_file("values.yaml", text.as_bytes());
    let file = path.to_str().unwrap();
    let out = offseal().args(["check", file]).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        String::from_utf8(out.stdout).unwrap(),
        format!(
            "{file}:4: error: `tenants[0].password` holds plaintext, not a sealed value; \
             fix: offseal raw --cert CERT -n NAMESPACE --name NAME < value-file, and write its \
             output at tenants[0].password\n"
        )
    );
}

//! The repository policy (`.offseal.yaml`): rules, pins, `offseal policy`, and `check`
//! holding files to their rule.

use std::fs;
use std::path::{Path, PathBuf};

use predicates::prelude::*;
use serde_json::Value;

use crate::util::{CLIENT_SECRET, key, offseal, offseal_with_credentials, open_raw, sealed_values};

/// The fingerprint of `testdata/keys/controller-4096.crt.pem`.
const PROD: &str = "SHA256:NfQ6GANZ5ZSZ45GsFMFEsYJbj4rlqJiSarri7KWL6ns";

/// A GitOps repository in a temp dir: `certs/prod.pem` (controller-4096), `certs/new.pem`
/// (rotated-4096), two tenants' values files, and `.offseal.yaml` holding `rules`.
struct Repo {
    dir: tempfile::TempDir,
}

impl Repo {
    fn new(rules: &str) -> Repo {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        fs::create_dir_all(root.join("certs")).unwrap();
        fs::copy(key("controller-4096.crt.pem"), root.join("certs/prod.pem")).unwrap();
        fs::copy(key("rotated-4096.crt.pem"), root.join("certs/new.pem")).unwrap();
        for tenant in ["blue", "green"] {
            fs::create_dir_all(root.join("tenants").join(tenant)).unwrap();
            fs::write(
                root.join("tenants").join(tenant).join("values.yaml"),
                "# tenant values\nexternal_secrets: {}\n",
            )
            .unwrap();
        }
        fs::write(root.join(".offseal.yaml"), rules).unwrap();
        Repo { dir }
    }

    /// The usual rule: tenants' values, prod certificate pinned, namespace from the path.
    fn standard() -> Repo {
        Repo::new(&format!(
            "rules:
  - path_regex: ^tenants/(?P<tenant>[a-z0-9-]+)/values\\.yaml$
    cert: certs/prod.pem
    fingerprint: {PROD}
    namespace: \"{{tenant}}\"
    name: azure-keyvault-credentials
"
        ))
    }

    fn root(&self) -> &Path {
        self.dir.path()
    }

    fn path(&self, rel: &str) -> PathBuf {
        self.root().join(rel)
    }

    fn read(&self, rel: &str) -> String {
        fs::read_to_string(self.path(rel)).unwrap()
    }
}

/// `offseal` with the test credentials, run in `dir`.
fn offseal_in(dir: &Path) -> assert_cmd::Command {
    let mut cmd = offseal_with_credentials();
    cmd.current_dir(dir);
    cmd
}

fn json_lines(out: &[u8]) -> Vec<Value> {
    String::from_utf8(out.to_vec())
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

#[test]
fn a_rule_gives_the_certificate_and_the_target_so_no_flags_are_needed() {
    let repo = Repo::standard();
    offseal_in(repo.root())
        .args([
            "values",
            "tenants/blue/values.yaml",
            "tenants/green/values.yaml",
        ])
        .assert()
        .success()
        .stderr(predicate::str::contains(
            "for strict blue/azure-keyvault-credentials",
        ))
        .stderr(predicate::str::contains(
            "for strict green/azure-keyvault-credentials",
        ));
    for tenant in ["blue", "green"] {
        let text = repo.read(&format!("tenants/{tenant}/values.yaml"));
        assert!(
            text.contains(&format!(
                "scope=strict namespace={tenant} name=azure-keyvault-credentials cert={PROD}"
            )),
            "{text}"
        );
        let secret = &sealed_values(&text)[1];
        let target = ["-n", tenant, "--name", "azure-keyvault-credentials"];
        assert_eq!(
            open_raw(secret, "controller-4096.key.pem", &target),
            CLIENT_SECRET.as_bytes()
        );
    }
}

#[test]
fn rules_match_the_path_relative_to_the_policy_file_from_any_directory() {
    let repo = Repo::standard();
    let elsewhere = tempfile::tempdir().unwrap();
    let file = repo.path("tenants/blue/values.yaml");
    offseal_in(elsewhere.path())
        .args(["values", file.to_str().unwrap()])
        .assert()
        .success();
    // From inside the tenant's directory, through `..`.
    let text = repo.read("tenants/blue/values.yaml");
    offseal_in(&repo.path("tenants/green"))
        .args(["values", "../green/values.yaml"])
        .assert()
        .success()
        .stderr(predicate::str::contains("strict green/"));
    assert!(text.contains("namespace=blue"));
}

#[test]
fn flags_win_over_the_rule_part_by_part() {
    let repo = Repo::standard();
    offseal_in(repo.root())
        .args(["values", "tenants/blue/values.yaml", "-n", "other"])
        .assert()
        .success()
        .stderr(predicate::str::contains(
            "for strict other/azure-keyvault-credentials",
        ));
    // --cert replaces the rule's certificate, but the rule's pin still guards it.
    let before = repo.read("tenants/green/values.yaml");
    offseal_in(repo.root())
        .args([
            "values",
            "tenants/green/values.yaml",
            "--cert",
            "certs/new.pem",
        ])
        .assert()
        .code(1)
        .stderr(predicate::str::contains(PROD))
        .stderr(predicate::str::contains("rule 1 of .offseal.yaml"));
    assert_eq!(repo.read("tenants/green/values.yaml"), before);
}

#[test]
fn a_certificate_with_another_fingerprint_is_refused_and_the_file_left_alone() {
    let repo = Repo::standard();
    // Someone swapped the certificate file (or answers the https:// URL).
    fs::copy(key("rotated-4096.crt.pem"), repo.path("certs/prod.pem")).unwrap();
    let before = repo.read("tenants/blue/values.yaml");
    let out = offseal_in(repo.root())
        .args(["values", "tenants/blue/values.yaml"])
        .assert()
        .code(1)
        .get_output()
        .clone();
    let stderr = String::from_utf8(out.stderr).unwrap();
    let rotated = certificate_fingerprint(&key("rotated-4096.crt.pem"));
    assert!(
        stderr.contains(PROD) && stderr.contains(&rotated),
        "names both fingerprints: {stderr}"
    );
    assert!(!stderr.contains(CLIENT_SECRET));
    assert_eq!(repo.read("tenants/blue/values.yaml"), before);
}

#[test]
fn cert_fingerprint_pins_a_flag_certificate_and_allows_several() {
    let repo = Repo::new("rules: []\n");
    let file = repo.path("tenants/blue/values.yaml");
    let file = file.to_str().unwrap();
    let rotated = certificate_fingerprint(&key("rotated-4096.crt.pem"));
    let base = [
        "values",
        file,
        "--cert",
        "certs/prod.pem",
        "-n",
        "blue",
        "--name",
        "creds",
    ];
    offseal_in(repo.root())
        .args(base)
        .args(["--cert-fingerprint", &rotated])
        .assert()
        .code(1)
        .stderr(predicate::str::contains(format!(
            "the certificate's fingerprint is {PROD}, but --cert-fingerprint allows only {rotated}"
        )));
    offseal_in(repo.root())
        .args(base)
        .args(["--cert-fingerprint", &format!("{rotated},{PROD}")])
        .assert()
        .success();
    offseal_in(repo.root())
        .args(base)
        .args(["--cert-fingerprint", "4f:2a:00"])
        .assert()
        .code(1)
        .stderr(predicate::str::contains("--cert-fingerprint: \"4f:2a:00\""));
}

#[test]
fn no_rule_and_no_flags_says_how_to_give_a_certificate() {
    let repo = Repo::standard();
    fs::write(repo.path("other.yaml"), "a: 1\n").unwrap();
    offseal_in(repo.root())
        .args(["values", "other.yaml"])
        .assert()
        .code(1)
        .stderr(predicate::str::contains(
            "no certificate for other.yaml: give --cert FILE|URL (or set SEALED_SECRETS_CERT), or a rule with `cert:`",
        ))
        .stderr(predicate::str::contains(
            "no rule of .offseal.yaml matches \"other.yaml\"",
        ));
    let alone = tempfile::tempdir().unwrap();
    fs::write(alone.path().join("v.yaml"), "a: 1\n").unwrap();
    offseal_in(alone.path())
        .args(["set", "v.yaml", "a"])
        .write_stdin("x")
        .assert()
        .code(1)
        .stderr(predicate::str::contains("no certificate for v.yaml"));
}

#[test]
fn the_rule_wins_over_the_certificate_variable() {
    let repo = Repo::standard();
    offseal_in(repo.root())
        .env("SEALED_SECRETS_CERT", repo.path("certs/new.pem"))
        .args(["values", "tenants/blue/values.yaml"])
        .assert()
        .success();
    assert!(repo.read("tenants/blue/values.yaml").contains(PROD));
}

#[test]
fn a_malformed_policy_is_refused_with_line_and_column_and_nothing_changes() {
    // `fingerprnt` is a typo: it must not silently unpin the certificate.
    let repo = Repo::new(&format!(
        "rules:\n  - path_regex: ^tenants/\n    cert: certs/prod.pem\n    fingerprnt: {PROD}\n"
    ));
    let before = repo.read("tenants/blue/values.yaml");
    offseal_in(repo.root())
        .args(["values", "tenants/blue/values.yaml"])
        .assert()
        .code(1)
        .stderr(predicate::str::is_match(r"\.offseal\.yaml:4:\d+: .*fingerprnt").unwrap());
    assert_eq!(repo.read("tenants/blue/values.yaml"), before);
    fs::write(repo.path(".offseal.yaml"), "rules:\n  - path_regex: (\n").unwrap();
    offseal_in(repo.root())
        .args(["check", "tenants/blue/values.yaml"])
        .assert()
        .code(1)
        .stdout(predicate::str::contains(
            ".offseal.yaml:2:17: `path_regex` is not a valid regular expression",
        ));
}

#[test]
fn policy_shows_what_each_file_resolves_to() {
    let repo = Repo::standard();
    let out = offseal_in(repo.root())
        .args(["policy", "tenants/blue/values.yaml", "README.md"])
        .assert()
        .success()
        .get_output()
        .clone();
    // The answer is the command's result: on stdout.
    assert_eq!(String::from_utf8(out.stderr).unwrap(), "");
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert_eq!(
        stdout,
        format!(
            "tenants/blue/values.yaml: rule 1 of .offseal.yaml (line 2) for \"tenants/blue/values.yaml\"
  cert:        certs/prod.pem
  fingerprint: {PROD}
  target:      scope=strict namespace=blue name=azure-keyvault-credentials
README.md: no rule of .offseal.yaml matches \"README.md\"
"
        )
    );
    let out = offseal_in(repo.root())
        .args(["policy", "--json", "tenants/green/values.yaml"])
        .assert()
        .success()
        .get_output()
        .clone();
    let lines = json_lines(&out.stdout);
    assert_eq!(lines.len(), 1);
    assert_eq!(lines[0]["status"], "matched");
    assert_eq!(lines[0]["rule"], 1);
    assert_eq!(lines[0]["target"]["namespace"], "green");
    assert_eq!(lines[0]["fingerprints"][0], PROD);
    let alone = tempfile::tempdir().unwrap();
    offseal_in(alone.path())
        .args(["policy", "x.yaml"])
        .assert()
        .success()
        .stdout("x.yaml: no .offseal.yaml above it\n");
}

#[test]
fn check_holds_each_file_to_its_rule() {
    let repo = Repo::standard();
    // blue: sealed for the wrong namespace; green: with the wrong certificate.
    offseal_in(repo.root())
        .args(["values", "tenants/blue/values.yaml", "-n", "wrong"])
        .assert()
        .success();
    offseal_in(repo.root())
        .args([
            "values",
            "tenants/green/values.yaml",
            "--cert",
            "certs/new.pem",
            "--cert-fingerprint",
            &certificate_fingerprint(&key("rotated-4096.crt.pem")),
        ])
        .assert()
        .success();
    let out = offseal_in(repo.root())
        .args([
            "check",
            "tenants/blue/values.yaml",
            "tenants/green/values.yaml",
        ])
        .assert()
        .code(1)
        .get_output()
        .clone();
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert!(
        stdout.contains(
            "tenants/blue/values.yaml:5: error: `external_secrets.keyvault_credentials.client_id` was sealed for strict wrong/azure-keyvault-credentials, but rule 1 of .offseal.yaml wants strict blue/azure-keyvault-credentials; fix: offseal reseal tenants/blue/values.yaml --recovery-private-key KEYS"
        ),
        "{stdout}"
    );
    let rotated = certificate_fingerprint(&key("rotated-4096.crt.pem"));
    assert!(
        stdout.contains(&format!(
            "tenants/green/values.yaml:6: error: `external_secrets.keyvault_credentials.client_secret` was sealed with certificate {rotated}, but rule 1 of .offseal.yaml wants {PROD}"
        )),
        "{stdout}"
    );
    assert!(
        !stdout.contains("warning"),
        "no second finding for the same certificate: {stdout}"
    );
    // Resealed as the policy says, both pass.
    for tenant in ["blue", "green"] {
        offseal_in(repo.root())
            .args([
                "reseal",
                &format!("tenants/{tenant}/values.yaml"),
                "--recovery-private-key",
                &format!(
                    "{},{}",
                    key("controller-4096.key.pem"),
                    key("rotated-4096.key.pem")
                ),
                "-n",
                tenant,
            ])
            .assert()
            .success();
    }
    offseal_in(repo.root())
        .args([
            "check",
            "tenants/blue/values.yaml",
            "tenants/green/values.yaml",
        ])
        .assert()
        .success()
        .stdout("");
}

#[test]
fn verify_opens_values_for_the_rules_target() {
    let repo = Repo::standard();
    offseal_in(repo.root())
        .args(["values", "tenants/blue/values.yaml", "--no-provenance"])
        .assert()
        .success();
    // No provenance comment: the rule alone says what the values are for.
    offseal_in(repo.root())
        .args([
            "verify",
            "tenants/blue/values.yaml",
            "--recovery-private-key",
            &key("controller-4096.key.pem"),
        ])
        .assert()
        .success()
        .stdout(predicate::str::contains(
            "ok: opens for strict blue/azure-keyvault-credentials",
        ));
}

#[test]
fn json_lines_one_per_file_in_one_schema_and_quiet_prints_nothing() {
    let repo = Repo::standard();
    fs::write(repo.path("tenants/broken.yaml"), "a: [\n").unwrap();
    let out = offseal_in(repo.root())
        .args([
            "values",
            "--json",
            "tenants/blue/values.yaml",
            "tenants/green/values.yaml",
        ])
        .assert()
        .success()
        .get_output()
        .clone();
    assert!(
        out.stderr.is_empty(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let lines = json_lines(&out.stdout);
    assert_eq!(lines.len(), 2);
    for (line, tenant) in lines.iter().zip(["blue", "green"]) {
        assert_eq!(line["version"], 1);
        assert_eq!(line["command"], "values");
        assert_eq!(line["file"], format!("tenants/{tenant}/values.yaml"));
        assert_eq!(line["status"], "changed");
        assert_eq!(
            line["target"],
            format!("strict {tenant}/azure-keyvault-credentials")
        );
        assert_eq!(line["cert"], PROD);
        assert_eq!(line["rule"], "rule 1 of .offseal.yaml");
    }
    // --quiet prints nothing on success.
    offseal_in(repo.root())
        .args(["values", "-q", "tenants/blue/values.yaml"])
        .assert()
        .success()
        .stdout("")
        .stderr("");
    // A failure is a line too, with `error`, and the exit code says so.
    let out = offseal_in(repo.root())
        .args([
            "values",
            "--json",
            "--cert",
            "certs/prod.pem",
            "-n",
            "x",
            "--name",
            "y",
            "tenants/broken.yaml",
            "tenants/blue/values.yaml",
        ])
        .assert()
        .code(1)
        .get_output()
        .clone();
    let lines = json_lines(&out.stdout);
    assert_eq!(lines[0]["status"], "failed");
    assert!(
        lines[0]["error"]
            .as_str()
            .unwrap()
            .contains("tenants/broken.yaml"),
        "{}",
        lines[0]
    );
    assert_eq!(lines[1]["status"], "changed");
    for command in [
        vec!["check", "--json", "tenants/blue/values.yaml"],
        vec!["cert", "--json", "certs/prod.pem"],
        vec!["policy", "--json", "tenants/blue/values.yaml"],
    ] {
        let out = offseal_in(repo.root()).args(&command).output().unwrap();
        let lines = json_lines(&out.stdout);
        assert_eq!(lines.len(), 1, "{command:?}");
        assert_eq!(lines[0]["version"], 1, "{command:?}");
        assert_eq!(lines[0]["command"], command[0], "{command:?}");
        assert!(lines[0]["status"].is_string(), "{command:?}");
        assert!(lines[0]["file"].is_string(), "{command:?}");
    }
    offseal_in(repo.root())
        .args(["check", "-q", "tenants/green/values.yaml"])
        .assert()
        .success()
        .stdout("")
        .stderr("");
}

#[test]
fn dry_run_diffs_come_in_input_order_and_into_json() {
    let repo = Repo::standard();
    let out = offseal_in(repo.root())
        .args([
            "values",
            "--dry-run",
            "tenants/green/values.yaml",
            "tenants/blue/values.yaml",
        ])
        .env("RAYON_NUM_THREADS", "2")
        .assert()
        .success()
        .get_output()
        .clone();
    let stdout = String::from_utf8(out.stdout).unwrap();
    let green = stdout.find("tenants/green/values.yaml").unwrap();
    let blue = stdout.find("tenants/blue/values.yaml").unwrap();
    assert!(green < blue, "{stdout}");
    let out = offseal_in(repo.root())
        .args(["values", "--dry-run", "--json", "tenants/blue/values.yaml"])
        .assert()
        .success()
        .get_output()
        .clone();
    let lines = json_lines(&out.stdout);
    assert_eq!(lines[0]["status"], "dry-run");
    assert!(
        lines[0]["diff"]
            .as_str()
            .unwrap()
            .contains("+    client_secret: ")
    );
    assert!(!String::from_utf8_lossy(&out.stdout).contains(CLIENT_SECRET));
}

/// What `offseal cert` says a certificate's fingerprint is.
fn certificate_fingerprint(cert: &str) -> String {
    let out = offseal().args(["cert", "--json", cert]).output().unwrap();
    let lines = json_lines(&out.stdout);
    lines[0]["fingerprint"].as_str().unwrap().to_owned()
}

#[test]
fn a_rules_certificate_not_yet_valid_seals_every_file_with_one_warning() {
    let repo = Repo::new(
        "rules:\n  - path_regex: ^tenants/(?P<t>[a-z]+)/\n    cert: certs/future.pem\n    namespace: '{t}'\n    name: creds\n",
    );
    fs::copy(key("future-2048.crt.pem"), repo.path("certs/future.pem")).unwrap();
    let out = offseal_in(repo.root())
        .args([
            "values",
            "tenants/blue/values.yaml",
            "tenants/green/values.yaml",
        ])
        .assert()
        .success()
        .get_output()
        .clone();
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert_eq!(
        stderr.matches("not valid before January 1, 2099").count(),
        1,
        "{stderr}"
    );
    fs::copy(key("expired-2048.crt.pem"), repo.path("certs/future.pem")).unwrap();
    offseal_in(repo.root())
        .args(["values", "tenants/blue/values.yaml"])
        .assert()
        .code(1)
        .stderr(predicate::str::contains(
            "expired certificate on January 1, 2020",
        ));
}

#[test]
fn json_and_quiet_on_seal_reseal_set_and_verify() {
    let repo = Repo::standard();
    let cert = key("controller-4096.crt.pem");
    // seal: the report needs stdout, so the SealedSecrets must go to a file.
    offseal_in(repo.root())
        .args(["seal", "--json", "--cert", &cert])
        .write_stdin(crate::seal::SECRET)
        .assert()
        .code(1)
        .stderr(predicate::str::contains("write them with -w FILE"));
    let out = offseal_in(repo.root())
        .args(["seal", "--json", "--cert", &cert, "-w", "sealed.yaml"])
        .write_stdin(crate::seal::SECRET)
        .assert()
        .success()
        .get_output()
        .clone();
    let lines = json_lines(&out.stdout);
    assert_eq!(lines.len(), 1);
    assert_eq!(lines[0]["command"], "seal");
    assert_eq!(lines[0]["status"], "sealed");
    assert_eq!(lines[0]["secrets"], 1);
    assert_eq!(lines[0]["output"], "sealed.yaml");
    assert!(repo.path("sealed.yaml").is_file());

    // set: no report on stdout beside the file on stdout.
    offseal_in(repo.root())
        .args([
            "set",
            "--json",
            "tenants/blue/values.yaml",
            "app.token",
            "-o",
            "-",
        ])
        .write_stdin("t0k3n")
        .assert()
        .code(1)
        .stderr(predicate::str::contains(
            "--json prints its report to stdout",
        ));
    let out = offseal_in(repo.root())
        .args(["set", "--json", "tenants/blue/values.yaml", "app.token"])
        .write_stdin("t0k3n")
        .assert()
        .success()
        .get_output()
        .clone();
    let lines = json_lines(&out.stdout);
    assert_eq!(lines[0]["status"], "changed");
    assert_eq!(lines[0]["path"], "app.token");
    assert_eq!(lines[0]["target"], "strict blue/azure-keyvault-credentials");
    assert!(!String::from_utf8_lossy(&out.stdout).contains("t0k3n"));

    // reseal: one line per file, with the count.
    let out = offseal_in(repo.root())
        .args([
            "reseal",
            "--json",
            "tenants/blue/values.yaml",
            "--recovery-private-key",
            &key("controller-4096.key.pem"),
        ])
        .assert()
        .success()
        .get_output()
        .clone();
    let lines = json_lines(&out.stdout);
    assert_eq!(lines[0]["command"], "reseal");
    assert_eq!(lines[0]["values"], 1);
    assert_eq!(lines[0]["cert"], PROD);

    // verify -q: nothing when every value opens, only the failing ones otherwise.
    let verify = |keys: &str| {
        offseal_in(repo.root())
            .args([
                "verify",
                "-q",
                "tenants/blue/values.yaml",
                "--recovery-private-key",
                &key(keys),
            ])
            .output()
            .unwrap()
    };
    let ok = verify("controller-4096.key.pem");
    assert!(ok.status.success());
    assert!(ok.stdout.is_empty() && ok.stderr.is_empty());
    let failed = verify("rotated-4096.key.pem");
    assert_eq!(failed.status.code(), Some(1));
    let stdout = String::from_utf8(failed.stdout).unwrap();
    assert_eq!(stdout.lines().count(), 1, "{stdout}");
    assert!(stdout.contains("`app.token` FAILED"), "{stdout}");
}

/// A failure before any input is read still gives programs a `failed` line per input.
#[test]
fn json_reports_early_failures_and_files_without_sealed_values() {
    let dir = tempfile::tempdir().unwrap();
    let a = dir.path().join("a.yaml");
    let b = dir.path().join("b.yaml");
    fs::write(&a, "app: {x: 1}\n").unwrap();
    fs::write(&b, "app: {x: 2}\n").unwrap();
    let (a, b) = (a.to_str().unwrap(), b.to_str().unwrap());
    let out = offseal_with_credentials()
        .args(["values", "--json", a, b, "--cert", "/nonexistent.pem"])
        .args(["-n", "ns", "--name", "x"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let lines = json_lines(&out.stdout);
    assert_eq!(lines.len(), 2, "{lines:?}");
    for (line, file) in lines.iter().zip([a, b]) {
        assert_eq!(
            (&line["command"], &line["status"], &line["file"]),
            (
                &Value::from("values"),
                &Value::from("failed"),
                &Value::from(file)
            )
        );
        assert!(line["error"].as_str().unwrap().contains("/nonexistent.pem"));
    }
    let out = offseal()
        .args(["cert", "--json", "https://u:pw@127.0.0.1:1/c.pem?t=1"])
        .env("OFFSEAL_CERT_TIMEOUT", "1")
        .output()
        .unwrap();
    let lines = json_lines(&out.stdout);
    assert_eq!(lines[0]["status"], "failed");
    assert_eq!(lines[0]["file"], "https://***@127.0.0.1:1/c.pem?***");
    // verify says so for a file without sealed values, as its text does.
    let out = offseal()
        .args(["verify", "--json", a, "--recovery-private-key"])
        .arg(key("controller-2048.key.pem"))
        .output()
        .unwrap();
    assert!(out.status.success());
    let lines = json_lines(&out.stdout);
    assert_eq!(lines.len(), 1);
    assert_eq!(lines[0]["status"], "no-sealed-values");
}

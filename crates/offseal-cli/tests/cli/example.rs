//! The example GitOps repository (`examples/gitops`): its nightly rotation script, run against
//! a copy with a stand-in for `az ad sp credential reset`.

use std::fs;
use std::path::Path;

use serde_json::Value;

use crate::util::{TENANT_ID, open_raw, sealed_values, testdata};

/// A stand-in for `az`: `az ad sp credential reset --id ID ...` prints the JSON the real one
/// prints, with a fresh password that it also leaves in `$FAKE_AZ_DIR/ID` for the test. An id
/// listed in `$FAKE_AZ_FAIL` fails as az does when the principal is gone.
const FAKE_AZ: &str = r#"#!/bin/sh
set -eu
[ "$1 $2 $3 $4" = "ad sp credential reset" ] || { echo "fake az: unexpected: $*" >&2; exit 2; }
id=""
while [ $# -gt 0 ]; do
  if [ "$1" = "--id" ]; then id="$2"; fi
  shift
done
case " ${FAKE_AZ_FAIL:-} " in
  *" $id "*) echo "ERROR: Resource '$id' does not exist" >&2; exit 3 ;;
esac
password="nightly~$(od -An -N12 -tx1 /dev/urandom | tr -d ' \n')"
printf '%s' "$password" > "$FAKE_AZ_DIR/$id"
printf '{\n  "appId": "%s",\n  "displayName": "offseal-nightly",\n  "password": "%s",\n  "tenant": "%s"\n}\n' "$id" "$password" "$FAKE_AZ_TENANT"
"#;

fn copy_dir(from: &Path, to: &Path) {
    fs::create_dir_all(to).unwrap();
    for entry in fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            fs::copy(entry.path(), &target).unwrap();
        }
    }
}

/// A copy of the example, a bin directory with `az` and `offseal`, and where az's passwords go.
struct Setup {
    _dir: tempfile::TempDir,
    repo: std::path::PathBuf,
    passwords: std::path::PathBuf,
    path: String,
}

fn setup() -> Setup {
    let dir = tempfile::tempdir().unwrap();
    let repo = dir.path().join("gitops");
    copy_dir(&testdata("../examples/gitops"), &repo);
    let bin = dir.path().join("bin");
    fs::create_dir_all(&bin).unwrap();
    fs::write(bin.join("az"), FAKE_AZ).unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt as _;
        fs::set_permissions(bin.join("az"), fs::Permissions::from_mode(0o755)).unwrap();
    }
    let passwords = dir.path().join("passwords");
    fs::create_dir_all(&passwords).unwrap();
    let offseal = assert_cmd::cargo::cargo_bin("offseal");
    let path = format!(
        "{}:{}:{}",
        bin.display(),
        offseal.parent().unwrap().display(),
        std::env::var("PATH").unwrap_or_default()
    );
    Setup {
        _dir: dir,
        repo,
        passwords,
        path,
    }
}

fn rotate(setup: &Setup, fail: &str) -> std::process::Output {
    std::process::Command::new("bash")
        .arg(setup.repo.join("rotate.sh"))
        .env("PATH", &setup.path)
        .env("FAKE_AZ_DIR", &setup.passwords)
        .env("FAKE_AZ_TENANT", TENANT_ID)
        .env("FAKE_AZ_FAIL", fail)
        .env_remove("SEALED_SECRETS_CERT")
        .env_remove("AZURE_CLIENT_ID")
        .env_remove("AZURE_CLIENT_SECRET")
        .env_remove("AZURE_TENANT_ID")
        .output()
        .unwrap()
}

fn app_id(setup: &Setup, tenant: &str) -> String {
    fs::read_to_string(setup.repo.join(format!("tenants/{tenant}/azure-app-id")))
        .unwrap()
        .trim()
        .to_owned()
}

#[test]
fn the_nightly_rotation_seals_new_secrets_for_each_tenant_as_the_policy_says() {
    let setup = setup();
    let before: Vec<String> = ["team-a", "team-b"]
        .iter()
        .map(|t| fs::read_to_string(setup.repo.join(format!("tenants/{t}/values.yaml"))).unwrap())
        .collect();
    let out = rotate(&setup, "");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    assert!(
        stderr.contains("rotate.sh: rotated 2 tenant(s)"),
        "{stderr}"
    );

    let log = fs::read_to_string(setup.repo.join("rotation.jsonl")).unwrap();
    let lines: Vec<Value> = log
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 2, "{log}");
    for (line, (tenant, old)) in lines.iter().zip(["team-a", "team-b"].iter().zip(&before)) {
        assert_eq!(line["version"], 1);
        assert_eq!(line["command"], "values");
        assert_eq!(line["status"], "changed");
        assert_eq!(
            line["target"],
            format!("strict {tenant}/azure-keyvault-credentials")
        );
        assert_eq!(line["rule"], "rule 1 of .offseal.yaml");
        let file = setup.repo.join(format!("tenants/{tenant}/values.yaml"));
        let new = fs::read_to_string(&file).unwrap();
        // The new secret opens, for the tenant's namespace and the chart's Secret name.
        let password = fs::read_to_string(setup.passwords.join(app_id(&setup, tenant))).unwrap();
        assert!(!log.contains(&password) && !stderr.contains(&password));
        let target = ["-n", tenant, "--name", "azure-keyvault-credentials"];
        let sealed = sealed_values(&new);
        assert_eq!(
            open_raw(&sealed[1], "controller-4096.key.pem", &target),
            password.as_bytes()
        );
        assert_eq!(
            open_raw(&sealed[0], "controller-4096.key.pem", &target),
            app_id(&setup, tenant).as_bytes()
        );
        // Nothing else in the file changed: same lines but the sealed values and the date.
        let unchanged = |text: &str| -> Vec<String> {
            text.lines()
                .filter(|l| !l.contains("client_id:") && !l.contains("client_secret:"))
                .map(|l| l.split(" sealed=").next().unwrap_or(l).to_owned())
                .collect()
        };
        assert_eq!(unchanged(&new), unchanged(old));
    }
}

#[test]
fn a_tenant_whose_reset_fails_keeps_its_values_and_the_run_fails() {
    let setup = setup();
    let team_b = setup.repo.join("tenants/team-b/values.yaml");
    let before = fs::read_to_string(&team_b).unwrap();
    let out = rotate(&setup, &app_id(&setup, "team-b"));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("rotate.sh: team-b: rotation failed"),
        "{stderr}"
    );
    assert_eq!(fs::read_to_string(&team_b).unwrap(), before);
    let log = fs::read_to_string(setup.repo.join("rotation.jsonl")).unwrap();
    assert!(
        log.contains("\"status\":\"changed\""),
        "team-a still rotated: {log}"
    );
}

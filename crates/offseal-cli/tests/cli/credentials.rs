//! `offseal values --credentials`: the JSON of `az`, in both shapes, read strictly; where each
//! part may come from; and what is refused before anything is read.

use crate::util::{
    CLIENT_ID, CLIENT_SECRET, TENANT_ID, key, offseal, open_raw, sealed_values, temp_file, testdata,
};

const STRICT: [&str; 4] = ["-n", "tenant-a", "--name", "azure-keyvault-credentials"];
/// The password in the `az-credentials*.json` fixtures.
const FIXTURE_PASSWORD: &str = "Xy9~Q2abcdEFGHijklMNOPqrstUVwxyz012345._";

fn cert() -> String {
    key("controller-4096.crt.pem")
}

/// `offseal values FILE --cert ... -n tenant-a --name ... --credentials CREDENTIALS`.
fn values_with(file: &str, credentials: &str) -> assert_cmd::Command {
    let mut cmd = offseal();
    cmd.args([
        "values",
        file,
        "--cert",
        &cert(),
        "--credentials",
        credentials,
    ])
    .args(STRICT);
    cmd
}

/// The file holds the fixture's credentials, sealed, and its tenant, plain.
fn assert_sealed_from_fixture(out: &str) {
    let sealed = sealed_values(out);
    assert_eq!(sealed.len(), 2, "{out}");
    let key = "controller-4096.key.pem";
    assert_eq!(open_raw(&sealed[0], key, &STRICT), CLIENT_ID.as_bytes());
    assert_eq!(
        open_raw(&sealed[1], key, &STRICT),
        FIXTURE_PASSWORD.as_bytes()
    );
    assert!(
        out.contains(&format!("azure_tenant_id: {TENANT_ID}")),
        "{out}"
    );
}

#[test]
fn the_sdk_auth_shape_and_a_powershell_file_are_read() {
    for fixture in [
        "az-credentials-sdk-auth.json",
        "az-credentials-powershell.json",
    ] {
        let (_dir, path) = temp_file("values.yaml", b"external_secrets: {}\n");
        let file = path.to_str().unwrap();
        let creds = testdata(fixture).display().to_string();
        values_with(file, &creds).assert().success();
        assert_sealed_from_fixture(&std::fs::read_to_string(&path).unwrap());

        // The same on stdin, as `az ad sp create-for-rbac --sdk-auth | offseal ...`.
        let (_dir, path) = temp_file("values.yaml", b"external_secrets: {}\n");
        values_with(path.to_str().unwrap(), "-")
            .write_stdin(std::fs::read(testdata(fixture)).unwrap())
            .assert()
            .success();
        assert_sealed_from_fixture(&std::fs::read_to_string(&path).unwrap());
    }
}

#[test]
fn json_that_is_not_one_az_output_is_refused_without_showing_a_value() {
    let az = std::fs::read_to_string(testdata("az-credentials.json")).unwrap();
    let rotated = az.replace(FIXTURE_PASSWORD, CLIENT_SECRET);
    let shapes = "expected `appId`, `password`, `tenant` (from `az ad sp create-for-rbac`) or \
                  `clientId`, `clientSecret`, `tenantId` (from `az ad sp create-for-rbac \
                  --sdk-auth`, GitHub's AZURE_CREDENTIALS)";
    let second_line = az.lines().count() + 1;
    let cases: Vec<(String, String)> = vec![
        // `az ad sp credential reset ... >> sp.json`, twice.
        (
            format!("{az}{rotated}"),
            format!(
                "invalid credentials: the input holds more than one JSON value (the second \
                 starts at line {second_line} column 1); give the output of one `az` command"
            ),
        ),
        (
            format!("{}{rotated}", az.trim_end()),
            format!(
                "invalid credentials: the input holds more than one JSON value (the second \
                 starts at line {} column 2); give the output of one `az` command",
                second_line - 1
            ),
        ),
        (
            format!("{az}\n{CLIENT_SECRET} garbage\n"),
            format!(
                "invalid credentials: trailing data after the JSON object at line {} column 1",
                second_line + 1
            ),
        ),
        (
            format!(
                r#"{{"clientId": "{CLIENT_ID}", "appId": "{TENANT_ID}", "clientSecret": "{CLIENT_SECRET}"}}"#
            ),
            "invalid credentials: it mixes both shapes and they disagree: `appId` and `clientId` \
             differ"
                .to_owned(),
        ),
        (
            format!(r#"{{"client_secret": "{CLIENT_SECRET}", "client": "{CLIENT_ID}"}}"#),
            format!(
                "invalid credentials: the JSON object has none of the fields offseal reads (its \
                 keys: `client_secret`, `client`); {shapes}"
            ),
        ),
        (
            format!(r#"["{CLIENT_SECRET}"]"#),
            format!("invalid credentials: the JSON is an array, not an object; {shapes}"),
        ),
        (
            az.replace(FIXTURE_PASSWORD, ""),
            "invalid credentials: `password` is empty".to_owned(),
        ),
        (
            String::new(),
            "invalid credentials: the input is empty; expected the JSON object `az ad sp \
             create-for-rbac` prints"
                .to_owned(),
        ),
    ];
    for (json, message) in cases {
        let (dir, path) = temp_file("values.yaml", b"external_secrets: {}\n");
        let file = path.to_str().unwrap();
        let creds = dir.path().join("sp.json");
        std::fs::write(&creds, &json).unwrap();
        let creds = creds.to_str().unwrap();
        values_with(file, creds)
            .assert()
            .code(1)
            .stdout("")
            .stderr(format!("error: cannot read {creds}: {message}\n"));
        // On stdin, the same refusal names stdin.
        let out = values_with(file, "-")
            .write_stdin(json.clone())
            .assert()
            .code(1);
        let stderr = String::from_utf8_lossy(&out.get_output().stderr).into_owned();
        assert_eq!(stderr, format!("error: cannot read stdin: {message}\n"));
        assert!(
            !stderr.contains(CLIENT_SECRET) && !stderr.contains(FIXTURE_PASSWORD),
            "{stderr}"
        );
        assert_eq!(
            std::fs::read_to_string(&path).unwrap(),
            "external_secrets: {}\n"
        );
    }
}

#[test]
fn stdin_is_asked_for_once_at_most_and_refused_before_anything_is_read() {
    let (_dir, path) = temp_file("values.yaml", b"external_secrets: {}\n");
    let file = path.to_str().unwrap();
    let az = std::fs::read(testdata("az-credentials.json")).unwrap();
    let twice =
        "error: stdin can be read only once: --credentials - and --cert - both ask for it\n";
    // Had either read stdin first, the other would have failed on what it read instead.
    offseal()
        .args(["values", file, "--cert", "-", "--credentials", "-"])
        .args(STRICT)
        .write_stdin(az.clone())
        .assert()
        .code(1)
        .stdout("")
        .stderr(twice);
    // The certificate from SEALED_SECRETS_CERT=- asks for stdin as well.
    offseal()
        .env("SEALED_SECRETS_CERT", "-")
        .args(["values", file, "--credentials", "-"])
        .args(STRICT)
        .write_stdin(az.clone())
        .assert()
        .code(1)
        .stderr(twice);
    // So does a values file read from stdin (with -o or --dry-run).
    offseal()
        .args([
            "values",
            "-",
            "-o",
            "-",
            "--cert",
            "-",
            "--credentials",
            "-",
        ])
        .args(STRICT)
        .write_stdin(az.clone())
        .assert()
        .code(1)
        .stderr(
            "error: stdin can be read only once: --credentials -, --cert - and the values file - \
             all ask for it\n",
        );
    offseal()
        .args([
            "values",
            "-",
            "--dry-run",
            "--cert",
            &cert(),
            "--credentials",
            "-",
        ])
        .args(STRICT)
        .write_stdin(az)
        .assert()
        .code(1)
        .stderr(
            "error: stdin can be read only once: --credentials - and the values file - both ask \
             for it\n",
        );
    assert_eq!(
        std::fs::read_to_string(&path).unwrap(),
        "external_secrets: {}\n"
    );
    // One reader of stdin is fine: the certificate, with credentials from the environment.
    offseal()
        .env("AZURE_CLIENT_ID", CLIENT_ID)
        .env("AZURE_CLIENT_SECRET", CLIENT_SECRET)
        .env("AZURE_TENANT_ID", TENANT_ID)
        .args(["values", file, "--cert", "-"])
        .args(STRICT)
        .write_stdin(std::fs::read(cert()).unwrap())
        .assert()
        .success();
    assert_eq!(
        sealed_values(&std::fs::read_to_string(&path).unwrap()).len(),
        2
    );
}

#[test]
fn empty_environment_variables_are_absent_and_empty_parts_are_refused() {
    let (_dir, path) = temp_file("values.yaml", b"external_secrets: {}\n");
    let file = path.to_str().unwrap();
    let run = |env: &[(&str, &str)], extra: &[&str]| {
        let mut cmd = offseal();
        cmd.env("AZURE_CLIENT_ID", CLIENT_ID)
            .env("AZURE_CLIENT_SECRET", CLIENT_SECRET)
            .env("AZURE_TENANT_ID", TENANT_ID);
        for (name, value) in env {
            cmd.env(name, value);
        }
        cmd.args(["values", file, "--cert", &cert()])
            .args(STRICT)
            .args(extra);
        let out = cmd.assert().code(1).stdout("");
        String::from_utf8_lossy(&out.get_output().stderr).into_owned()
    };
    // An empty variable is no variable: the next source is asked (here, none is left).
    let stderr = run(&[("AZURE_CLIENT_SECRET", "")], &[]);
    assert!(
        stderr.starts_with("error: no client secret: give it with AZURE_CLIENT_SECRET, or pass --credentials FILE|-"),
        "{stderr}"
    );
    let stderr = run(&[("AZURE_CLIENT_ID", "")], &[]);
    assert!(
        stderr.starts_with("error: no client id: give it with --client-id ID or AZURE_CLIENT_ID"),
        "{stderr}"
    );
    let stderr = run(&[("AZURE_TENANT_ID", "")], &[]);
    assert!(
        stderr.starts_with(&format!(
            "error: {file}: no tenant id: the credentials give none, and `external_secrets.azure_tenant_id` is not in the file; give it with --tenant-id ID"
        )),
        "{stderr}"
    );
    // An empty flag is a part given empty.
    assert_eq!(
        run(&[], &["--client-id", ""]),
        "error: invalid credentials: the client id is empty\n"
    );
    assert_eq!(
        run(&[], &["--tenant-id", ""]),
        "error: invalid credentials: the tenant id is empty\n"
    );
    // A part from the JSON does not fall back to the environment when it is empty.
    let (dir, _) = temp_file("unused", b"");
    let creds = dir.path().join("sp.json");
    std::fs::write(
        &creds,
        format!(r#"{{"clientId": "{CLIENT_ID}", "clientSecret": "", "tenantId": "{TENANT_ID}"}}"#),
    )
    .unwrap();
    let creds = creds.to_str().unwrap();
    offseal()
        .env("AZURE_CLIENT_SECRET", CLIENT_SECRET)
        .args(["values", file, "--cert", &cert(), "--credentials", creds])
        .args(STRICT)
        .assert()
        .code(1)
        .stderr(format!(
            "error: cannot read {creds}: invalid credentials: `clientSecret` is empty\n"
        ));
    assert_eq!(
        std::fs::read_to_string(&path).unwrap(),
        "external_secrets: {}\n"
    );
}

#[test]
fn the_help_names_both_shapes_and_the_tenant_rule() {
    let out = offseal().args(["values", "--help"]).assert().success();
    // Words, whatever the wrapping.
    let help = String::from_utf8_lossy(&out.get_output().stdout)
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    for says in [
        "(`appId`, `password`, `tenant`)",
        "(`clientId`, `clientSecret`, `tenantId`)",
        "- for stdin (not with --cert -)",
        "the file must already hold one (a GUID at azure_tenant_id)",
    ] {
        assert!(help.contains(says), "{says:?} is not in: {help}");
    }
}

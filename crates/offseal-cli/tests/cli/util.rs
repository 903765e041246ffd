//! Small helpers: the binary, fixture paths, and opening what the binary sealed.

use std::path::PathBuf;

use assert_cmd::Command;
pub(crate) use offseal_testkit::{redact, sealed_values, testdata};

/// `testdata/keys/<name>`, as a string for arguments.
pub(crate) fn key(name: &str) -> String {
    testdata(&format!("keys/{name}")).display().to_string()
}

/// The `offseal` binary with a clean environment (no SEALED_SECRETS_* or AZURE_* leaking in).
pub(crate) fn offseal() -> Command {
    let mut cmd = Command::cargo_bin("offseal").unwrap();
    for (name, _) in std::env::vars() {
        let proxy = name.to_ascii_uppercase().ends_with("_PROXY");
        if name.starts_with("SEALED_SECRETS_") || name.starts_with("AZURE_") || proxy {
            cmd.env_remove(name);
        }
    }
    cmd
}

/// Opens a raw sealed value with `offseal unseal --raw` and the given target flags.
pub(crate) fn open_raw(sealed: &str, key_file: &str, target: &[&str]) -> Vec<u8> {
    let out = offseal()
        .args(["unseal", "--raw", "--recovery-private-key", &key(key_file)])
        .args(target)
        .write_stdin(sealed)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "unseal failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    out.stdout
}

/// The test credentials: a GUID client id, a secret no output may ever contain, a tenant.
pub(crate) const CLIENT_ID: &str = "0b7ff3c4-6f8e-4c49-9a5c-3b8e2f1d9a10";
pub(crate) const CLIENT_SECRET: &str = "Xy9~Q2-NEVER-PRINT-ME-stUVwxyz012345._";
pub(crate) const TENANT_ID: &str = "d93d3d23-50e3-46db-b3ad-8c6c281b431e";

/// `offseal` with the test credentials in the Azure SDK variables.
pub(crate) fn offseal_with_credentials() -> Command {
    let mut cmd = offseal();
    cmd.env("AZURE_CLIENT_ID", CLIENT_ID)
        .env("AZURE_CLIENT_SECRET", CLIENT_SECRET)
        .env("AZURE_TENANT_ID", TENANT_ID);
    cmd
}

/// Seals the test credentials into `file` for `strict ns/app` with the certificate `cert`.
pub(crate) fn seal_credentials_into(file: &str, cert: &str) {
    offseal_with_credentials()
        .args([
            "values",
            file,
            "--cert",
            &key(cert),
            "-n",
            "ns",
            "--name",
            "app",
        ])
        .assert()
        .success();
}

/// A temporary values file with the test credentials sealed for `strict ns/app` with `cert`.
pub(crate) fn sealed_values_file(cert: &str) -> (tempfile::TempDir, PathBuf) {
    let (dir, path) = temp_file("values.yaml", b"external_secrets: {}\n");
    seal_credentials_into(path.to_str().unwrap(), cert);
    (dir, path)
}

/// A temporary directory holding `name` with `content`; returns the directory and file path.
pub(crate) fn temp_file(name: &str, content: &[u8]) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(name);
    std::fs::File::create(&path)
        .and_then(|mut f| std::io::Write::write_all(&mut f, content))
        .unwrap();
    (dir, path)
}

/// Every file under `dir`, recursively.
pub(crate) fn all_files(dir: &std::path::Path) -> Vec<PathBuf> {
    let mut files = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            files.extend(all_files(&path));
        } else {
            files.push(path);
        }
    }
    files
}

/// `text` with every line whose content starts with `starts` replaced by `line`.
pub(crate) fn replace_line(text: &str, starts: &str, line: &str) -> String {
    text.lines()
        .map(|l| {
            if l.trim_start().starts_with(starts) {
                line
            } else {
                l
            }
        })
        .fold(String::new(), |out, l| out + l + "\n")
}

//! Small helpers: the binary, fixture paths, and opening what the binary sealed.

use std::path::PathBuf;

use assert_cmd::Command;

/// `testdata/` at the workspace root.
pub(crate) fn testdata(rel: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../testdata")
        .join(rel)
}

/// `testdata/keys/<name>`, as a string for arguments.
pub(crate) fn key(name: &str) -> String {
    testdata(&format!("keys/{name}")).display().to_string()
}

/// The `offseal` binary with a clean environment (no SEALED_SECRETS_* or AZURE_* leaking in).
pub(crate) fn offseal() -> Command {
    let mut cmd = Command::cargo_bin("offseal").unwrap();
    for (name, _) in std::env::vars() {
        if name.starts_with("SEALED_SECRETS_") || name.starts_with("AZURE_") {
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

//! The offseal CLI as the harness runs it: built once, then one process per value.

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use anyhow::Result;

use super::cases::Scope;
use super::{NAME, NAMESPACE};
use crate::paths::Paths;
use crate::process::{build_offseal, first_line};

/// The offseal binary built from this workspace.
pub(super) struct Offseal {
    /// Path of the built executable.
    exe: PathBuf,
}

impl Offseal {
    /// Builds `offseal` with `cargo build -p offseal-cli` and `flags` (such as
    /// `--no-default-features`).
    pub(super) fn build(paths: &Paths, flags: &[&str]) -> Result<Self> {
        build_offseal(paths, flags).map(|exe| Self { exe })
    }

    /// `offseal raw`: seals the file's bytes; returns the base64 value.
    pub(super) fn seal(&self, cert: &Path, scope: Scope, plain: &Path) -> Result<Vec<u8>, String> {
        let mut cmd = self.command("raw");
        cmd.arg("--cert")
            .arg(cert)
            .args(scope_args(scope, NAMESPACE))
            .arg("--from-file")
            .arg(plain);
        offseal_result(cmd.output())
    }

    /// `offseal unseal --raw`: opens one base64 value from a file.
    pub(super) fn unseal_raw(
        &self,
        key: &Path,
        scope: Scope,
        namespace: &str,
        sealed: &Path,
    ) -> std::io::Result<Output> {
        let mut cmd = self.command("unseal");
        cmd.arg("--raw")
            .arg("--recovery-private-key")
            .arg(key)
            .args(scope_args(scope, namespace));
        cmd.arg("--from-file").arg(sealed).output()
    }

    /// `offseal unseal -f MANIFEST -o json`: a SealedSecret to its Secret.
    pub(super) fn unseal_manifest(&self, key: &Path, manifest: &Path) -> std::io::Result<Output> {
        let mut cmd = self.command("unseal");
        cmd.arg("--recovery-private-key")
            .arg(key)
            .arg("-f")
            .arg(manifest)
            .args(["-o", "json"])
            .output()
    }

    /// A command for an offseal subcommand, stdin closed.
    fn command(&self, subcommand: &str) -> Command {
        let mut cmd = Command::new(&self.exe);
        cmd.arg(subcommand).stdin(Stdio::null());
        cmd
    }
}

/// `--scope`, `-n` and `--name` as a user would pass them (both always; the scope decides the
/// label).
fn scope_args(scope: Scope, namespace: &str) -> [&str; 6] {
    ["--scope", scope.as_str(), "-n", namespace, "--name", NAME]
}

/// An offseal run's stdout when it succeeded, else why not (exit status and first stderr line,
/// which never holds a plaintext).
pub(super) fn offseal_result(output: std::io::Result<Output>) -> Result<Vec<u8>, String> {
    let output = output.map_err(|e| format!("could not run offseal: {e}"))?;
    if output.status.success() {
        return Ok(output.stdout);
    }
    Err(format!(
        "offseal failed ({}): {}",
        output.status,
        first_line(&output.stderr)
    ))
}

/// A refusal as it should be: exit code 1 (an error, not bad usage) and nothing on stdout.
pub(super) fn offseal_refusal(output: std::io::Result<Output>) -> Result<(), String> {
    let output = output.map_err(|e| format!("could not run offseal: {e}"))?;
    match output.status.code() {
        Some(0) => Err(format!(
            "offseal opened it ({} bytes): it must not",
            output.stdout.len()
        )),
        Some(1) if output.stdout.is_empty() => Ok(()),
        _ => Err(format!(
            "unexpected failure ({}): {}",
            output.status,
            first_line(&output.stderr)
        )),
    }
}

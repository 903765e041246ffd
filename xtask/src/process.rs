//! Running the programs a task needs: setup steps with their output shown, cargo, offseal.

use std::path::PathBuf;
use std::process::{Command, Stdio};

use anyhow::{Context as _, Result, bail, ensure};
use serde_json::Value;

use crate::paths::Paths;

/// Runs a setup step (an install, a build) with its output shown; a failure is an error naming
/// the step.
pub(crate) fn run_loud(cmd: &mut Command, what: &str) -> Result<()> {
    let program = cmd.get_program().to_string_lossy().into_owned();
    let status = cmd
        .stdin(Stdio::null())
        .status()
        .with_context(|| format!("{what}: could not run {program}"))?;
    if !status.success() {
        bail!(
            "{what} failed ({status}); see its output above (nothing after it can run without it)"
        );
    }
    Ok(())
}

/// `$CARGO` (or `cargo`) in the workspace root.
pub(crate) fn cargo(paths: &Paths) -> Command {
    let mut cmd = Command::new(std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into()));
    cmd.current_dir(&paths.root);
    cmd
}

/// Builds `offseal` with `$CARGO build -p offseal-cli` and `flags` (such as `--release`) and
/// returns the path of the executable.
pub(crate) fn build_offseal(paths: &Paths, flags: &[&str]) -> Result<PathBuf> {
    build_executable(paths, "offseal-cli", "offseal", flags)
}

/// Builds the executable `name` of `package` with `$CARGO build -p PACKAGE` and `flags` and
/// returns its path (read from cargo's JSON messages, so any target directory works).
pub(crate) fn build_executable(
    paths: &Paths,
    package: &str,
    name: &str,
    flags: &[&str],
) -> Result<PathBuf> {
    let what = ["cargo", "build", "-p", package]
        .iter()
        .chain(flags)
        .copied()
        .collect::<Vec<_>>()
        .join(" ");
    println!("{name}: {what}");
    let mut cmd = cargo(paths);
    let program = cmd.get_program().to_string_lossy().into_owned();
    let output = cmd
        .args([
            "build",
            "-p",
            package,
            "--message-format=json-render-diagnostics",
        ])
        .args(flags)
        .stdin(Stdio::null())
        .stderr(Stdio::inherit())
        .output()
        .with_context(|| format!("could not run {program}"))?;
    ensure!(
        output.status.success(),
        "`{what}` failed ({})",
        output.status
    );
    let mut exe = None;
    for line in String::from_utf8_lossy(&output.stdout).lines() {
        let Ok(message) = serde_json::from_str::<Value>(line) else {
            continue;
        };
        if message["reason"] == "compiler-artifact"
            && message["target"]["name"] == name
            && let Some(path) = message["executable"].as_str()
        {
            exe = Some(PathBuf::from(path));
        }
    }
    exe.with_context(|| format!("`{what}` reported no `{name}` executable"))
}

/// The first line of a program's stderr.
pub(crate) fn first_line(stderr: &[u8]) -> String {
    String::from_utf8_lossy(stderr)
        .lines()
        .next()
        .unwrap_or("")
        .to_owned()
}

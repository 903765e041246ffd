//! The pinned peers, installed under `target/interop/` and shared by `interop` and `bench`:
//! PyPI `kubesealpy` and Python `cryptography` in a venv (`xtask/interop/requirements.txt`), npm
//! `@linode/kubeseal-encrypt` in a prefix (`xtask/interop/package.json` and its lock).
//!
//! An install is reused when the pinned versions are there; a failed install is an error, never
//! a skip.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use anyhow::{Context as _, Result, ensure};
use serde_json::Value;

use crate::paths::Paths;
use crate::process::run_loud;

/// The npm package under test (its pinned version is in `xtask/interop/package.json`).
pub(crate) const NPM_PACKAGE: &str = "@linode/kubeseal-encrypt";

/// Where the peers are installed.
pub(crate) struct Installed {
    /// The venv's python, with kubesealpy and cryptography.
    pub(crate) python: PathBuf,
    /// The npm prefix holding `node_modules/@linode/kubeseal-encrypt`.
    pub(crate) node_prefix: PathBuf,
}

/// Installs (or reuses) the Python venv, then the npm prefix.
///
/// # Errors
///
/// When an install fails or installs other versions than pinned, or Python or Node is missing.
pub(crate) fn install(paths: &Paths) -> Result<Installed> {
    let python = ensure_venv(paths)?;
    let node_prefix = ensure_node(paths)?;
    Ok(Installed {
        python,
        node_prefix,
    })
}

/// Creates the venv `target/interop/venv` with `xtask/interop/requirements.txt`, unless every
/// pinned version is already installed there. Returns the venv's python.
fn ensure_venv(paths: &Paths) -> Result<PathBuf> {
    let venv = paths.interop.join("venv");
    let python = venv.join("bin").join("python");
    let requirements = paths.scripts.join("requirements.txt");
    let pins = python_pins(&requirements)?;
    let summary = |pins: &BTreeMap<String, String>| {
        ["kubesealpy", "cryptography"]
            .iter()
            .map(|name| format!("{name} {}", pins.get(*name).map_or("?", String::as_str)))
            .collect::<Vec<_>>()
            .join(", ")
    };
    if python.exists() && installed_python(&python, &pins).is_ok_and(|installed| installed == pins)
    {
        println!("python: reusing {} ({})", venv.display(), summary(&pins));
        return Ok(python);
    }
    println!(
        "python: installing {} into {}",
        summary(&pins),
        venv.display()
    );
    if venv.exists() {
        fs::remove_dir_all(&venv)
            .with_context(|| format!("removing the stale venv {}", venv.display()))?;
    }
    let host_python = std::env::var_os("PYTHON").unwrap_or_else(|| "python3".into());
    run_loud(
        Command::new(&host_python).arg("-m").arg("venv").arg(&venv),
        "creating the Python venv",
    )?;
    run_loud(
        Command::new(&python)
            .args([
                "-m",
                "pip",
                "install",
                "--disable-pip-version-check",
                "--no-input",
                "--quiet",
                "-r",
            ])
            .arg(&requirements),
        "pip install -r xtask/interop/requirements.txt (kubesealpy, cryptography) from PyPI",
    )?;
    let installed = installed_python(&python, &pins)?;
    ensure!(
        installed == pins,
        "pip installed other versions than pinned: {installed:?}, pinned {pins:?}"
    );
    Ok(python)
}

/// The `name==version` lines of a requirements file.
fn python_pins(requirements: &Path) -> Result<BTreeMap<String, String>> {
    let text = fs::read_to_string(requirements)
        .with_context(|| format!("reading {}", requirements.display()))?;
    let mut pins = BTreeMap::new();
    for line in text
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
    {
        let (name, version) = line
            .split_once("==")
            .with_context(|| format!("{line:?}: pins must be name==version"))?;
        pins.insert(name.trim().to_owned(), version.trim().to_owned());
    }
    ensure!(
        pins.contains_key("kubesealpy") && pins.contains_key("cryptography"),
        "requirements.txt must pin kubesealpy and cryptography"
    );
    Ok(pins)
}

/// The versions of the pinned packages as installed for `python`.
fn installed_python(
    python: &Path,
    pins: &BTreeMap<String, String>,
) -> Result<BTreeMap<String, String>> {
    const SCRIPT: &str =
        "import importlib.metadata as m, sys\nfor n in sys.argv[1:]: print(m.version(n))";
    let output = Command::new(python)
        .arg("-c")
        .arg(SCRIPT)
        .args(pins.keys())
        .stdin(Stdio::null())
        .output()?;
    ensure!(
        output.status.success(),
        "some pinned Python packages are missing"
    );
    let stdout = String::from_utf8(output.stdout)?;
    Ok(pins
        .keys()
        .cloned()
        .zip(stdout.lines().map(str::to_owned))
        .collect())
}

/// Installs `xtask/interop/package.json` (and its lock) into `target/interop/node` with
/// `npm ci`, unless the pinned versions are already there. Returns that prefix.
fn ensure_node(paths: &Paths) -> Result<PathBuf> {
    let prefix = paths.interop.join("node");
    let manifest = paths.scripts.join("package.json");
    let text =
        fs::read_to_string(&manifest).with_context(|| format!("reading {}", manifest.display()))?;
    let package: Value =
        serde_json::from_str(&text).with_context(|| format!("parsing {}", manifest.display()))?;
    let pins: BTreeMap<String, String> = package["dependencies"]
        .as_object()
        .context("xtask/interop/package.json has no dependencies")?
        .iter()
        .map(|(name, version)| {
            (
                name.clone(),
                version.as_str().unwrap_or_default().to_owned(),
            )
        })
        .collect();
    ensure!(
        pins.contains_key(NPM_PACKAGE),
        "xtask/interop/package.json must pin {NPM_PACKAGE}"
    );
    let node = Command::new("node")
        .arg("--version")
        .stdin(Stdio::null())
        .output()
        .context("could not run node: is Node.js installed?")?;
    let node = String::from_utf8_lossy(&node.stdout).trim().to_owned();
    let summary = pins
        .iter()
        .map(|(name, version)| format!("{name} {version}"))
        .collect::<Vec<_>>()
        .join(", ");
    if installed_npm(&prefix, &pins) == pins {
        println!("node {node}: reusing {} ({summary})", prefix.display());
        return Ok(prefix);
    }
    println!(
        "node {node}: installing {summary} into {}",
        prefix.display()
    );
    fs::create_dir_all(&prefix).with_context(|| format!("creating {}", prefix.display()))?;
    for file in ["package.json", "package-lock.json"] {
        fs::copy(paths.scripts.join(file), prefix.join(file))
            .with_context(|| format!("copying xtask/interop/{file}"))?;
    }
    run_loud(
        Command::new("npm")
            .args([
                "ci",
                "--no-audit",
                "--no-fund",
                "--loglevel=error",
                "--prefix",
            ])
            .arg(&prefix),
        &format!("npm ci ({summary}) from the npm registry"),
    )?;
    let installed = installed_npm(&prefix, &pins);
    ensure!(
        installed == pins,
        "npm installed other versions than pinned: {installed:?}, pinned {pins:?}"
    );
    Ok(prefix)
}

/// The versions of the pinned npm packages installed under `prefix` (missing ones left out).
fn installed_npm(prefix: &Path, pins: &BTreeMap<String, String>) -> BTreeMap<String, String> {
    pins.keys()
        .filter_map(|name| {
            let text =
                fs::read_to_string(prefix.join("node_modules").join(name).join("package.json"))
                    .ok()?;
            let package: Value = serde_json::from_str(&text).ok()?;
            Some((name.clone(), package["version"].as_str()?.to_owned()))
        })
        .collect()
}

//! `cargo xtask package`: the crates as crates.io would get them, built and tested alone.
//!
//! `cargo package --workspace` makes the `.crate` files and builds each (its own check), then
//! each is unpacked outside the workspace and its tests, doctests and examples run there: they
//! may only use what the package ships. Each package's dependencies on the others point at
//! their unpacked packages (`patch.crates-io`), as they would be once published; the
//! workspace's `Cargo.lock` pins the rest. What must be in every package (the licence files,
//! the README) is checked too.
//!
//! Then `offseal` is installed twice from outside the repository, as the README says: from the
//! clone, and from the package as from crates.io; each must report AWS-LC seeded from the OS
//! (`offseal --version`), as the repository's own build is.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{Context as _, Result, ensure};

use crate::paths::Paths;
use crate::process::{cargo, run_loud};

/// The published crates, dependencies first.
const CRATES: [&str; 3] = ["offseal-yaml", "offseal-core", "offseal-cli"];

/// The workspace's other members (`publish = false`).
const UNPUBLISHED: [&str; 3] = ["offseal-testkit", "xtask", "offseal-benches"];

/// Files every package must hold.
const REQUIRED: [&str; 4] = ["Cargo.toml", "README.md", "LICENSE-MIT", "LICENSE-APACHE"];

/// Packages, unpacks and tests every published crate; `Ok(true)` when all pass.
pub(crate) fn run() -> Result<bool> {
    let paths = Paths::new()?;
    let version = workspace_version(&paths.root)?;
    run_loud(
        cargo(&paths)
            .args(["package", "--workspace", "--locked", "--allow-dirty"])
            // Unpublished (publish = false): test support and the project's own tools.
            .args(UNPUBLISHED.iter().flat_map(|name| ["--exclude", name])),
        "cargo package --workspace",
    )?;

    // Outside the workspace, so that cargo does not take the packages for its members. Always
    // the same place: the tests' builds are kept between runs, and a test binary that cargo
    // finds fresh holds the path it was built at (`CARGO_MANIFEST_DIR`).
    let unpacked = std::env::temp_dir().join("offseal-package-check");
    fs::remove_dir_all(&unpacked).ok();
    let outcome = check_packages(&paths, &version, &unpacked);
    fs::remove_dir_all(&unpacked).ok();
    outcome
}

/// Unpacks the packages into `unpacked`, tests each there, installs `offseal` both ways.
fn check_packages(paths: &Paths, version: &str, unpacked: &Path) -> Result<bool> {
    fs::create_dir_all(unpacked)
        .with_context(|| format!("cannot create {}", unpacked.display()))?;
    let dirs: Vec<PathBuf> = CRATES
        .iter()
        .map(|name| unpack(paths, name, version, unpacked))
        .collect::<Result<_>>()?;
    let patches: Vec<String> = CRATES
        .iter()
        .zip(&dirs)
        .map(|(name, dir)| {
            format!(
                "patch.crates-io.{name}.path={:?}",
                dir.display().to_string()
            )
        })
        .collect();
    // Its own target directory, kept between runs: the packages' binaries must not overwrite
    // the workspace's (`target/debug/offseal`), which later steps run.
    let target = paths.target.join("package-test");
    for (index, (name, dir)) in CRATES.iter().zip(&dirs).enumerate() {
        for file in REQUIRED {
            ensure!(dir.join(file).is_file(), "the {name} package has no {file}");
        }
        // Libraries ship no lock file: pin what the workspace pins (cargo drops the rest).
        let lock = dir.join("Cargo.lock");
        if !lock.exists() {
            fs::copy(paths.root.join("Cargo.lock"), &lock)
                .with_context(|| format!("cannot copy Cargo.lock to {}", dir.display()))?;
        }
        println!("package: cargo test in the unpacked {name}");
        let mut cmd = Command::new(cargo_program());
        cmd.current_dir(dir)
            .env("CARGO_TARGET_DIR", &target)
            .arg("test");
        // The crates before it in CRATES are its dependencies.
        for patch in &patches[..index] {
            cmd.args(["--config", patch]);
        }
        // The workspace's profile (big-integer RSA is slow unoptimised) does not travel.
        cmd.args(["--config", "profile.dev.package.\"*\".opt-level=2"]);
        run_loud(
            &mut cmd,
            &format!("cargo test in the unpacked {name} package"),
        )?;
    }
    println!(
        "package: {} crates packaged, built and tested alone",
        CRATES.len()
    );

    // Installed binaries must start as fast as the repository's build: AWS-LC without its
    // CPU-jitter source (~30 ms a process) and the workspace's release profile. Both installs run
    // from outside the repository, as a user's would; `--version` reports the entropy source.
    let clone = install(
        "from the clone (README: cargo install --locked --path crates/offseal-cli)",
        Command::new(cargo_program())
            .args(["install", "--locked", "--path"])
            .arg(paths.root.join("crates/offseal-cli")),
        // The same build as the workspace's `cargo build --release` (`cargo xtask bench`).
        &paths.target,
        &unpacked.join("install-clone"),
    )?;
    // Not --locked: the package's lock file names offseal-core and offseal-yaml on crates.io,
    // where the patches below replace them with their unpacked packages.
    let mut from_package = Command::new(cargo_program());
    from_package
        .args(["install", "--path"])
        .arg(&dirs[2])
        .envs(CRATES_IO_INSTALL_ENV);
    for patch in &patches[..2] {
        from_package.args(["--config", patch]);
    }
    let package = install(
        "from the package, as from crates.io (README's variables)",
        &mut from_package,
        // Its own: this `offseal` must not replace the workspace's `target/release/offseal`.
        &paths.target.join("install-package"),
        &unpacked.join("install-package"),
    )?;
    let mut passed = true;
    for (how, version) in [("clone", clone), ("package", package)] {
        let fast = version.contains("AWS-LC entropy: OS)");
        println!(
            "package: installed from the {how}: {version} -> {}",
            if fast { "PASS" } else { "FAIL" }
        );
        passed &= fast;
    }
    Ok(passed)
}

/// The variables the README's crates.io install command sets: the repository's
/// `.cargo/config.toml` entry and release profile, which cargo does not carry into a package.
const CRATES_IO_INSTALL_ENV: [(&str, &str); 3] = [
    ("AWS_LC_SYS_NO_JITTER_ENTROPY", "1"),
    ("CARGO_PROFILE_RELEASE_LTO", "thin"),
    ("CARGO_PROFILE_RELEASE_CODEGEN_UNITS", "1"),
];

/// Runs `cmd` (a `cargo install`) into `root` from a directory outside the workspace, with
/// none of the settings `cargo xtask` itself inherits; returns the installed `offseal --version`.
fn install(what: &str, cmd: &mut Command, target_dir: &Path, root: &Path) -> Result<String> {
    let outside = root.with_extension("cwd");
    fs::create_dir_all(&outside).with_context(|| format!("cannot create {}", outside.display()))?;
    // `cargo run` passes the workspace's [env] (the jitter setting) to xtask: a child must
    // not inherit it, or the check below would pass whatever the install reads.
    for (name, _) in CRATES_IO_INSTALL_ENV {
        if !cmd.get_envs().any(|(set, _)| set == name) {
            cmd.env_remove(name);
        }
    }
    println!("package: installing {what}");
    run_loud(
        cmd.current_dir(&outside)
            .arg("--root")
            .arg(root)
            .arg("--target-dir")
            .arg(target_dir),
        &format!("cargo install {what}"),
    )?;
    let exe = root.join("bin").join("offseal");
    let output = Command::new(&exe)
        .arg("--version")
        .output()
        .with_context(|| format!("cannot run {}", exe.display()))?;
    ensure!(
        output.status.success(),
        "{} --version failed ({})",
        exe.display(),
        output.status
    );
    Ok(String::from_utf8_lossy(&output.stdout).trim().to_owned())
}

/// `$CARGO`, or `cargo`.
fn cargo_program() -> std::ffi::OsString {
    std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into())
}

/// Unpacks `target/package/NAME-VERSION.crate` into `into`; returns the package's directory.
fn unpack(paths: &Paths, name: &str, version: &str, into: &Path) -> Result<PathBuf> {
    let file = paths
        .target
        .join("package")
        .join(format!("{name}-{version}.crate"));
    ensure!(file.is_file(), "cargo package made no {}", file.display());
    run_loud(
        Command::new("tar")
            .arg("-xzf")
            .arg(&file)
            .arg("-C")
            .arg(into),
        &format!("unpacking {}", file.display()),
    )?;
    Ok(into.join(format!("{name}-{version}")))
}

/// `workspace.package.version` of the root `Cargo.toml`.
fn workspace_version(root: &Path) -> Result<String> {
    let manifest = fs::read_to_string(root.join("Cargo.toml")).context("cannot read Cargo.toml")?;
    let mut in_package = false;
    for line in manifest.lines() {
        let line = line.trim();
        if line.starts_with('[') {
            in_package = line == "[workspace.package]";
        } else if in_package && let Some(value) = line.strip_prefix("version") {
            let value = value.trim_start().trim_start_matches('=').trim();
            return Ok(value.trim_matches('"').to_owned());
        }
    }
    anyhow::bail!("no version in [workspace.package] of Cargo.toml")
}

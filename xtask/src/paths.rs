//! Where things are (the workspace, `target/`, the test keys) and small file helpers.

use std::fs::{self, File};
use std::io::Write as _;
use std::path::{Path, PathBuf};

use anyhow::{Context as _, Result, ensure};

/// Where things are: the workspace, the interop scripts, the test keys, the target directory.
pub(crate) struct Paths {
    /// The workspace root.
    pub(crate) root: PathBuf,
    /// `target` (or `$CARGO_TARGET_DIR` when that is set), where every task writes.
    pub(crate) target: PathBuf,
    /// `xtask/interop`: the driver scripts and the pinned package lists.
    pub(crate) scripts: PathBuf,
    /// `testdata/keys`.
    pub(crate) keys: PathBuf,
    /// `target/interop`: the peers' installs and the interop work directory.
    pub(crate) interop: PathBuf,
}

impl Paths {
    /// Finds the workspace from this crate's manifest directory.
    pub(crate) fn new() -> Result<Self> {
        let xtask = Path::new(env!("CARGO_MANIFEST_DIR"));
        let root = xtask
            .parent()
            .context("xtask has no parent directory")?
            .to_path_buf();
        let target = match std::env::var_os("CARGO_TARGET_DIR") {
            Some(dir) => root.join(dir),
            None => root.join("target"),
        };
        let interop = target.join("interop");
        // Paths go into the drivers' JSON job lists, which need UTF-8.
        ensure!(
            interop.to_str().is_some() && root.to_str().is_some(),
            "the workspace and target paths must be UTF-8"
        );
        Ok(Self {
            scripts: xtask.join("interop"),
            keys: root.join("testdata/keys"),
            interop,
            target,
            root,
        })
    }

    /// The controller certificate of a key size.
    pub(crate) fn cert(&self, bits: u32) -> PathBuf {
        self.keys.join(format!("controller-{bits}.crt.pem"))
    }

    /// The controller private key (PKCS#1 PEM) of a key size.
    pub(crate) fn key(&self, bits: u32) -> PathBuf {
        self.keys.join(format!("controller-{bits}.key.pem"))
    }
}

/// Creates (or truncates) a file with these bytes.
pub(crate) fn write_file(path: &Path, bytes: &[u8]) -> Result<()> {
    let mut file = File::create(path).with_context(|| format!("creating {}", path.display()))?;
    file.write_all(bytes)
        .with_context(|| format!("writing {}", path.display()))
}

/// An empty directory (its old contents removed).
pub(crate) fn fresh_dir(dir: &Path) -> Result<PathBuf> {
    if dir.exists() {
        fs::remove_dir_all(dir).with_context(|| format!("removing {}", dir.display()))?;
    }
    fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
    Ok(dir.to_path_buf())
}

/// A path as UTF-8 (cargo flags need it).
pub(crate) fn path_str(path: &Path) -> Result<&str> {
    path.to_str()
        .with_context(|| format!("{} is not UTF-8", path.display()))
}

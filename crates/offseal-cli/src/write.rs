//! Writing files so that nothing is ever lost: a locked read-modify-write, a temporary file in
//! the same directory, fsync, rename over the original (mode kept, symlinks followed).

use std::fs::{self, File};
use std::io::{Read as _, Write as _};
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};

/// What [`update_in_place`] did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Change {
    /// The file was rewritten.
    Written,
    /// The new bytes equal the old: the file was not touched.
    Unchanged,
}

/// Runs `edit` on the file's current bytes while holding a lock that serialises every offseal
/// run on this file, and atomically replaces the file with the result. On any error (from
/// `edit` or from writing) the file is untouched.
pub(crate) fn update_in_place(
    path: &str,
    edit: impl FnOnce(&[u8]) -> Result<Vec<u8>>,
) -> Result<Change> {
    // Edit the symlink's target and keep the link: rename would replace the link itself.
    let real = fs::canonicalize(path).with_context(|| format!("cannot open {path}"))?;
    let (file, old) = lock_current(&real, path)?;
    let new = edit(&old)?;
    if new == old {
        return Ok(Change::Unchanged);
    }
    let mode = file
        .metadata()
        .with_context(|| format!("cannot read the permissions of {path}"))?
        .permissions();
    replace(&real, &new, Some(mode)).with_context(|| format!("cannot write {path}"))?;
    // The lock is released when `file` drops, after the rename: a waiting run then sees
    // that the path holds a new file and starts over on it.
    drop(file);
    Ok(Change::Written)
}

/// Who may read a file offseal creates.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Readers {
    /// Sealed data, meant to be committed: the usual 0644.
    Anyone,
    /// Plaintext (a recovered Secret): 0600, and an existing file's mode is not kept.
    OwnerOnly,
}

/// Writes a new file (or replaces one) atomically; used for `-o FILE` and `-w FILE`.
pub(crate) fn write_new(path: &str, bytes: &[u8], readers: Readers) -> Result<()> {
    let target = PathBuf::from(path);
    // Follow an existing symlink; a new file is created where the name points.
    let real = fs::canonicalize(&target).unwrap_or(target);
    let mode = match readers {
        Readers::Anyone => fs::metadata(&real).ok().map(|m| m.permissions()),
        Readers::OwnerOnly => owner_only_permissions(),
    };
    replace(&real, bytes, mode).with_context(|| format!("cannot write {path}"))
}

/// Writes `bytes` to stdout and flushes.
pub(crate) fn to_stdout(bytes: &[u8]) -> Result<()> {
    let mut stdout = std::io::stdout().lock();
    stdout.write_all(bytes)?;
    stdout.flush()?;
    Ok(())
}

/// Writes `bytes` to `output` (atomically, readable by `readers`), or to stdout for `None`
/// or `-`.
pub(crate) fn to(output: Option<&str>, bytes: &[u8], readers: Readers) -> Result<()> {
    match output {
        Some(path) if path != "-" => write_new(path, bytes, readers),
        _ => to_stdout(bytes),
    }
}

/// Opens and locks the file, making sure the lock is on the file the path names now (another
/// run may have renamed a new file over it while we waited), and reads it.
fn lock_current(real: &Path, shown: &str) -> Result<(File, Vec<u8>)> {
    loop {
        let mut file = File::open(real).with_context(|| format!("cannot open {shown}"))?;
        file.lock()
            .with_context(|| format!("cannot lock {shown}"))?;
        if same_file(&file, real)? {
            let mut bytes = Vec::new();
            file.read_to_end(&mut bytes)
                .with_context(|| format!("cannot read {shown}"))?;
            return Ok((file, bytes));
        }
    }
}

#[cfg(unix)]
fn same_file(file: &File, path: &Path) -> Result<bool> {
    use std::os::unix::fs::MetadataExt as _;
    let open = file.metadata()?;
    let named = fs::metadata(path)?;
    Ok(open.dev() == named.dev() && open.ino() == named.ino())
}

#[cfg(not(unix))]
fn same_file(_file: &File, _path: &Path) -> Result<bool> {
    Ok(true)
}

/// Temporary file beside `path`, fsync, rename over `path`, fsync the directory.
fn replace(path: &Path, bytes: &[u8], mode: Option<fs::Permissions>) -> Result<()> {
    let dir = match path.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => dir,
        _ => Path::new("."),
    };
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let mut temp = tempfile::Builder::new()
        .prefix(&format!(".{name}.offseal-"))
        .suffix(".tmp")
        .tempfile_in(dir)?;
    temp.write_all(bytes)?;
    // Keep the original's mode (the file holds credentials); new files get the usual 0644,
    // as sealed values are meant to be committed.
    if let Some(permissions) = mode.or_else(new_file_permissions) {
        temp.as_file().set_permissions(permissions)?;
    }
    temp.as_file().sync_all()?;
    temp.persist(path).map_err(|e| e.error)?;
    sync_dir(dir);
    Ok(())
}

/// Permissions for a file offseal creates.
#[cfg(unix)]
fn new_file_permissions() -> Option<fs::Permissions> {
    use std::os::unix::fs::PermissionsExt as _;
    Some(fs::Permissions::from_mode(0o644))
}

#[cfg(not(unix))]
fn new_file_permissions() -> Option<fs::Permissions> {
    None
}

/// Permissions for a file only its owner may read.
#[cfg(unix)]
fn owner_only_permissions() -> Option<fs::Permissions> {
    use std::os::unix::fs::PermissionsExt as _;
    Some(fs::Permissions::from_mode(0o600))
}

#[cfg(not(unix))]
fn owner_only_permissions() -> Option<fs::Permissions> {
    None
}

/// Makes the rename durable. Best effort: not every platform can open a directory.
fn sync_dir(dir: &Path) {
    if let Ok(dir) = File::open(dir) {
        let _ = dir.sync_all();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unchanged_bytes_leave_the_file_alone_and_errors_change_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("v.yaml");
        File::create(&path)
            .and_then(|mut f| f.write_all(b"a: 1\n"))
            .unwrap();
        let before = fs::metadata(&path).unwrap().modified().unwrap();
        let p = path.to_str().unwrap();
        assert_eq!(
            update_in_place(p, |old| Ok(old.to_vec())).unwrap(),
            Change::Unchanged
        );
        assert_eq!(fs::metadata(&path).unwrap().modified().unwrap(), before);
        assert!(update_in_place(p, |_| anyhow::bail!("no")).is_err());
        assert_eq!(fs::read(&path).unwrap(), b"a: 1\n");
        assert_eq!(
            update_in_place(p, |_| Ok(b"a: 2\n".to_vec())).unwrap(),
            Change::Written
        );
        assert_eq!(fs::read(&path).unwrap(), b"a: 2\n");
        // No temporary file is left behind.
        assert_eq!(fs::read_dir(dir.path()).unwrap().count(), 1);
    }

    #[cfg(unix)]
    #[test]
    fn mode_is_kept_and_symlinks_are_followed() {
        use std::os::unix::fs::PermissionsExt as _;
        let dir = tempfile::tempdir().unwrap();
        let real = dir.path().join("real.yaml");
        File::create(&real)
            .and_then(|mut f| f.write_all(b"a: 1\n"))
            .unwrap();
        fs::set_permissions(&real, fs::Permissions::from_mode(0o640)).unwrap();
        let link = dir.path().join("link.yaml");
        std::os::unix::fs::symlink(&real, &link).unwrap();
        update_in_place(link.to_str().unwrap(), |_| Ok(b"a: 2\n".to_vec())).unwrap();
        assert!(
            fs::symlink_metadata(&link)
                .unwrap()
                .file_type()
                .is_symlink()
        );
        assert_eq!(fs::read(&real).unwrap(), b"a: 2\n");
        assert_eq!(
            fs::metadata(&real).unwrap().permissions().mode() & 0o777,
            0o640
        );
    }

    #[cfg(unix)]
    #[test]
    fn plaintext_files_are_owner_only_and_sealed_ones_readable() {
        use std::os::unix::fs::PermissionsExt as _;
        let dir = tempfile::tempdir().unwrap();
        let mode = |name: &str| {
            fs::metadata(dir.path().join(name))
                .unwrap()
                .permissions()
                .mode()
                & 0o777
        };
        let path = |name: &str| dir.path().join(name).display().to_string();
        write_new(&path("sealed.yaml"), b"a", Readers::Anyone).unwrap();
        write_new(&path("secret.yaml"), b"a", Readers::OwnerOnly).unwrap();
        assert_eq!((mode("sealed.yaml"), mode("secret.yaml")), (0o644, 0o600));
        // A plaintext replacing a world-readable file does not inherit its mode.
        write_new(&path("sealed.yaml"), b"b", Readers::OwnerOnly).unwrap();
        assert_eq!(mode("sealed.yaml"), 0o600);
    }
}

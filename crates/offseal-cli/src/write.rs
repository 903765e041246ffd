//! Writing files so that nothing is ever lost. In place: a locked read-modify-write of a
//! regular file; the new bytes go to an unnamed temporary file (`O_TMPFILE`, Linux) or a named
//! one beside the file, are synced, and renamed over it, keeping its mode and owner and
//! following symlinks. `-o`/`-w` to a pipe, terminal or device write through it, as
//! `cat > file` would. A temporary file left by a killed run is removed by the next run on
//! that file.

use std::fs::{self, File, Metadata};
use std::io::Write as _;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};
use zeroize::Zeroizing;

use crate::input::{self, Limit};

/// What [`update_in_place`] did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Change {
    /// The file was rewritten.
    Written,
    /// The new bytes equal the old: the file was not touched.
    Unchanged,
}

/// Runs `edit` on the file's current bytes (at most `limit` of them) while holding a lock
/// that serialises every offseal run on this file, and atomically replaces the file with the
/// result. Only a regular file (or a symlink to one) is edited. On any error (from `edit` or
/// from writing) the file is untouched.
pub(crate) fn update_in_place(
    path: &str,
    limit: Limit,
    elsewhere: &str,
    edit: impl FnOnce(&[u8]) -> Result<Vec<u8>>,
) -> Result<Change> {
    if path == "-" {
        bail!("`-` (stdin) cannot be edited in place ({elsewhere})");
    }
    // Edit the symlink's target and keep the link: rename would replace the link itself.
    let real = fs::canonicalize(path).with_context(|| format!("cannot open {path}"))?;
    // Before opening: opening a FIFO blocks, and opening a device may act on it.
    let meta = fs::metadata(&real).with_context(|| format!("cannot open {path}"))?;
    ensure_regular(&meta, path, elsewhere)?;
    let (file, old) = lock_current(&real, path, limit, elsewhere)?;
    // No other offseal run is writing this file now: any temporary file of its is stale.
    remove_stale_temporaries(&real);
    let new = edit(&old)?;
    if new == old.as_slice() {
        return Ok(Change::Unchanged);
    }
    let meta = file
        .metadata()
        .with_context(|| format!("cannot read the permissions of {path}"))?;
    warn_if_hard_linked(&meta, path);
    replace(&real, &new, &Attributes::kept_from(&meta, Readers::Anyone))
        .with_context(|| format!("cannot write {path}"))?;
    // The lock is released when `file` drops, after the rename: a waiting run then sees
    // that the path holds a new file and starts over on it.
    drop(file);
    Ok(Change::Written)
}

/// Who may read a file offseal creates.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Readers {
    /// Sealed data, meant to be committed: the usual 0644, or the mode of the file replaced.
    Anyone,
    /// Plaintext (a recovered Secret): 0600, and an existing file's mode is not kept.
    OwnerOnly,
}

/// Writes `bytes` to `path` for `-o FILE` and `-w FILE`. A regular file (or a new one) is
/// replaced atomically; a pipe, terminal or device is written through; a directory is refused.
pub(crate) fn write_new(path: &str, bytes: &[u8], readers: Readers) -> Result<()> {
    let shown = path;
    let path = Path::new(path);
    if is_stdout(path) {
        // Through our own descriptor, so the shell's redirection (`>>` too) is respected.
        return to_stdout(bytes);
    }
    let written = match fs::metadata(path) {
        Ok(meta) if meta.is_dir() => bail!("cannot write {shown}: it is a directory"),
        Ok(meta) if !meta.is_file() || is_descriptor(path) => write_through(path, bytes),
        Ok(meta) => fs::canonicalize(path)
            .map_err(anyhow::Error::from)
            .and_then(|real| {
                remove_stale_temporaries(&real);
                replace(&real, bytes, &Attributes::kept_from(&meta, readers))
            }),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            let real = dangling_link_target(path);
            remove_stale_temporaries(&real);
            replace(&real, bytes, &Attributes::new_file(readers))
        }
        Err(e) => Err(e.into()),
    };
    written.with_context(|| format!("cannot write {shown}"))
}

/// Writes `bytes` to stdout and flushes. A reader that went away shows as a broken pipe,
/// which `main` treats as success.
pub(crate) fn to_stdout(bytes: &[u8]) -> Result<()> {
    let mut stdout = std::io::stdout().lock();
    stdout
        .write_all(bytes)
        .and_then(|()| stdout.flush())
        .context("cannot write to stdout")
}

/// A reader that went away (`offseal ... | head`) is not a failure.
pub(crate) fn is_broken_pipe(err: &anyhow::Error) -> bool {
    err.chain().any(|cause| {
        cause
            .downcast_ref::<std::io::Error>()
            .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
    })
}

/// Writes one line to stderr. A failure is ignored: stderr is where it would be reported.
pub(crate) fn to_stderr(line: &str) {
    let mut stderr = std::io::stderr().lock();
    let _ = stderr
        .write_all(line.as_bytes())
        .and_then(|()| stderr.write_all(b"\n"));
}

/// Writes `bytes` to `output` (atomically, readable by `readers`), or to stdout for `None`
/// or `-`.
pub(crate) fn to(output: Option<&str>, bytes: &[u8], readers: Readers) -> Result<()> {
    match output {
        Some(path) if path != "-" => write_new(path, bytes, readers),
        _ => to_stdout(bytes),
    }
}

/// Refuses anything but a regular file, naming what it is and (`elsewhere`) what to do.
fn ensure_regular(meta: &Metadata, shown: &str, elsewhere: &str) -> Result<()> {
    if meta.is_file() {
        return Ok(());
    }
    bail!(
        "cannot edit {shown}: it is {}, and offseal edits only regular files in place \
         ({elsewhere})",
        describe(meta)
    )
}

/// What kind of file this is, for messages.
fn describe(meta: &Metadata) -> &'static str {
    let kind = meta.file_type();
    if kind.is_dir() {
        return "a directory";
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt as _;
        if kind.is_fifo() {
            return "a FIFO (named pipe)";
        }
        if kind.is_char_device() {
            return "a character device";
        }
        if kind.is_block_device() {
            return "a block device";
        }
        if kind.is_socket() {
            return "a socket";
        }
    }
    "not a regular file"
}

/// `/dev/stdout` and its aliases for descriptor 1.
fn is_stdout(path: &Path) -> bool {
    ["/dev/stdout", "/dev/fd/1", "/proc/self/fd/1"]
        .iter()
        .any(|alias| path == Path::new(alias))
}

/// A path that names an open descriptor (`/dev/stderr`, `/dev/fd/N`, `/proc/self/fd/N`):
/// written through, never replaced, whatever it points at.
fn is_descriptor(path: &Path) -> bool {
    // Path::starts_with compares whole components: "/dev/std" would match nothing.
    path.starts_with("/dev/fd")
        || path.starts_with("/proc")
        || [Path::new("/dev/stderr"), Path::new("/dev/stdin")].contains(&path)
}

/// Writes through a pipe, terminal or device, as `cat > file` would: errors such as ENOSPC
/// are reported.
fn write_through(path: &Path, bytes: &[u8]) -> Result<()> {
    let mut file = fs::OpenOptions::new()
        .write(true)
        .truncate(true)
        .open(path)?;
    file.write_all(bytes)?;
    file.flush()?;
    Ok(())
}

/// Where a new file named `path` goes: where a dangling symlink points, or `path` itself.
fn dangling_link_target(path: &Path) -> PathBuf {
    match fs::read_link(path) {
        Ok(target) if target.is_absolute() => target,
        Ok(target) => parent_dir(path).join(target),
        Err(_) => path.to_path_buf(),
    }
}

/// A run that holds the only other link keeps old content there: say so.
fn warn_if_hard_linked(meta: &Metadata, shown: &str) {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt as _;
        match meta.nlink() {
            0 | 1 => {}
            2 => to_stderr(&format!(
                "warning: {shown} has another hard link, which keeps the old content"
            )),
            n => to_stderr(&format!(
                "warning: {shown} has {} other hard links, which keep the old content",
                n - 1
            )),
        }
    }
    #[cfg(not(unix))]
    let _ = (meta, shown);
}

/// Opens and locks the file, making sure the lock is on the file the path names now (another
/// run may have renamed a new file over it while we waited), and reads it.
fn lock_current(
    real: &Path,
    shown: &str,
    limit: Limit,
    elsewhere: &str,
) -> Result<(File, Zeroizing<Vec<u8>>)> {
    loop {
        let file = open_regular(real).with_context(|| format!("cannot open {shown}"))?;
        let meta = file
            .metadata()
            .with_context(|| format!("cannot open {shown}"))?;
        ensure_regular(&meta, shown, elsewhere)?;
        file.lock()
            .with_context(|| format!("cannot lock {shown}"))?;
        if same_file(&file, real)? {
            let size = usize::try_from(meta.len()).unwrap_or(usize::MAX);
            let bytes = input::read_limited(&file, size, limit, shown)?;
            return Ok((file, bytes));
        }
    }
}

/// Opens a file that should be regular without blocking should it have become a FIFO.
#[cfg(unix)]
fn open_regular(path: &Path) -> std::io::Result<File> {
    use rustix::fs::{Mode, OFlags};
    let flags = OFlags::RDONLY | OFlags::NONBLOCK | OFlags::CLOEXEC;
    Ok(File::from(rustix::fs::open(path, flags, Mode::empty())?))
}

#[cfg(not(unix))]
fn open_regular(path: &Path) -> std::io::Result<File> {
    File::open(path)
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

/// What a new file takes from the one it replaces, or is given when there is none.
struct Attributes {
    permissions: Option<fs::Permissions>,
    /// User and group ids to keep (unix).
    owner: Option<(u32, u32)>,
}

impl Attributes {
    /// The replaced file's owner, and its mode unless the content is for the owner only.
    fn kept_from(meta: &Metadata, readers: Readers) -> Self {
        let permissions = match readers {
            Readers::Anyone => Some(meta.permissions()),
            Readers::OwnerOnly => permissions(0o600),
        };
        #[cfg(unix)]
        let owner = {
            use std::os::unix::fs::MetadataExt as _;
            Some((meta.uid(), meta.gid()))
        };
        #[cfg(not(unix))]
        let owner = None;
        Self { permissions, owner }
    }

    /// A new file: 0644 for sealed data, which is meant to be committed; 0600 for plaintext.
    fn new_file(readers: Readers) -> Self {
        let mode = match readers {
            Readers::Anyone => 0o644,
            Readers::OwnerOnly => 0o600,
        };
        Self {
            permissions: permissions(mode),
            owner: None,
        }
    }

    /// Gives `file` these attributes. The owner first: changing it may clear mode bits.
    fn apply(&self, file: &File) -> std::io::Result<()> {
        #[cfg(unix)]
        if let Some((uid, gid)) = self.owner {
            keep_owner(file, uid, gid);
        }
        if let Some(permissions) = &self.permissions {
            file.set_permissions(permissions.clone())?;
        }
        Ok(())
    }
}

#[cfg(unix)]
fn permissions(mode: u32) -> Option<fs::Permissions> {
    use std::os::unix::fs::PermissionsExt as _;
    Some(fs::Permissions::from_mode(mode))
}

#[cfg(not(unix))]
fn permissions(_mode: u32) -> Option<fs::Permissions> {
    None
}

/// Gives `file` the owner `uid`:`gid` where the process may: root may set both, the owner
/// may set a group it belongs to, and anyone else keeps what it has.
#[cfg(unix)]
fn keep_owner(file: &File, uid: u32, gid: u32) {
    use std::os::unix::fs::{MetadataExt as _, fchown};
    let Ok(now) = file.metadata() else { return };
    if (now.uid(), now.gid()) == (uid, gid) {
        return;
    }
    if fchown(file, Some(uid), Some(gid)).is_err() {
        let _ = fchown(file, None, Some(gid));
    }
}

/// The directory a file is in.
fn parent_dir(path: &Path) -> &Path {
    match path.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => dir,
        _ => Path::new("."),
    }
}

/// The prefix and suffix of every temporary file offseal makes beside `path`.
fn temporary_name_parts(path: &Path) -> (String, &'static str) {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    (format!(".{name}.offseal-"), ".tmp")
}

/// Writes `bytes` to a temporary file in `path`'s directory, syncs it, renames it over
/// `path` and syncs the directory. The temporary file has no name until it is complete
/// (Linux), and is locked while its writer lives, so a later run can tell a stale one.
fn replace(path: &Path, bytes: &[u8], attributes: &Attributes) -> Result<()> {
    let dir = parent_dir(path);
    #[cfg(target_os = "linux")]
    if let Some(file) = unnamed::create(dir) {
        fill(&file, bytes, attributes)?;
        if unnamed::link_over(&file, path).is_ok() {
            sync_dir(dir);
            return Ok(());
        }
        // No /proc to link through: write a named file instead.
    }
    let (prefix, suffix) = temporary_name_parts(path);
    let temp = tempfile::Builder::new()
        .prefix(&prefix)
        .suffix(suffix)
        .tempfile_in(dir)?;
    // Held until the rename: a run that finds this file locked knows its writer lives.
    let _ = temp.as_file().try_lock();
    fill(temp.as_file(), bytes, attributes)?;
    temp.persist(path).map_err(|e| e.error)?;
    sync_dir(dir);
    Ok(())
}

/// Writes the new content and attributes, durably.
fn fill(mut file: &File, bytes: &[u8], attributes: &Attributes) -> Result<()> {
    file.write_all(bytes)?;
    attributes.apply(file)?;
    file.sync_all()?;
    Ok(())
}

/// Linux's unnamed temporary files: a kill before the end leaves nothing behind.
#[cfg(target_os = "linux")]
mod unnamed {
    use std::fs::File;
    use std::os::fd::AsRawFd as _;
    use std::path::Path;

    use rustix::fs::{AtFlags, CWD, Mode, OFlags};

    use super::{parent_dir, random_u64, temporary_name_parts};

    /// An unnamed file in `dir`, readable by its owner only until it is filled; `None` where
    /// the filesystem or kernel has no `O_TMPFILE`.
    pub(super) fn create(dir: &Path) -> Option<File> {
        let flags = OFlags::WRONLY | OFlags::TMPFILE | OFlags::CLOEXEC;
        let fd = rustix::fs::open(dir, flags, Mode::from_raw_mode(0o600)).ok()?;
        let file = File::from(fd);
        // Held until the rename, as for a named temporary file.
        let _ = file.try_lock();
        Some(file)
    }

    /// Gives `file` a temporary name beside `path`, then renames it over `path`. The name
    /// exists only between the two calls.
    pub(super) fn link_over(file: &File, path: &Path) -> std::io::Result<()> {
        let (prefix, suffix) = temporary_name_parts(path);
        let temp = parent_dir(path).join(format!("{prefix}{:016x}{suffix}", random_u64()?));
        let source = format!("/proc/self/fd/{}", file.as_raw_fd());
        rustix::fs::linkat(CWD, source.as_str(), CWD, &temp, AtFlags::SYMLINK_FOLLOW)?;
        std::fs::rename(&temp, path).inspect_err(|_| {
            let _ = std::fs::remove_file(&temp);
        })
    }
}

/// A random number for a temporary name, straight from the operating system: a user-space
/// generator would probe the CPU's features first, which costs more than the name is worth.
fn random_u64() -> std::io::Result<u64> {
    use rand::TryRng as _;
    rand::rngs::SysRng
        .try_next_u64()
        .map_err(|e| std::io::Error::other(format!("no random numbers from the system: {e}")))
}

/// Removes temporary files beside `path` that a killed run left: those no live writer holds
/// locked. Best effort: what cannot be removed stays.
fn remove_stale_temporaries(path: &Path) {
    let (prefix, suffix) = temporary_name_parts(path);
    let Ok(entries) = fs::read_dir(parent_dir(path)) else {
        return;
    };
    for entry in entries.flatten() {
        let name = entry.file_name();
        let name = name.to_string_lossy();
        if !(name.starts_with(&prefix) && name.ends_with(suffix)) {
            continue;
        }
        let Ok(file) = open_regular(&entry.path()) else {
            continue;
        };
        let is_regular = file.metadata().is_ok_and(|m| m.is_file());
        if is_regular && file.try_lock().is_ok() {
            let _ = fs::remove_file(entry.path());
        }
    }
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

    const LIMIT: Limit = Limit::VALUES_FILE;

    #[test]
    fn descriptor_paths_are_written_through_never_replaced() {
        for path in ["/dev/stderr", "/dev/fd/2", "/proc/self/fd/2", "/dev/stdin"] {
            assert!(is_descriptor(Path::new(path)), "{path}");
        }
        for path in ["/dev/stdx", "values.yaml", "/tmp/dev/stderr"] {
            assert!(!is_descriptor(Path::new(path)), "{path}");
        }
    }

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
            update_in_place(p, LIMIT, "", |old| Ok(old.to_vec())).unwrap(),
            Change::Unchanged
        );
        assert_eq!(fs::metadata(&path).unwrap().modified().unwrap(), before);
        assert!(update_in_place(p, LIMIT, "", |_| anyhow::bail!("no")).is_err());
        assert_eq!(fs::read(&path).unwrap(), b"a: 1\n");
        assert_eq!(
            update_in_place(p, LIMIT, "", |_| Ok(b"a: 2\n".to_vec())).unwrap(),
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
        update_in_place(
            link.to_str().unwrap(),
            LIMIT,
            "",
            |_| Ok(b"a: 2\n".to_vec()),
        )
        .unwrap();
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

//! The floor of target 3 (`cargo xtask bench`): a process that does only what a safe in-place
//! editor cannot skip. It starts, reads the file named by its argument, and writes the same
//! bytes back durably, as `offseal values` writes: a temporary file in the same directory,
//! fsync, rename over the file, fsync of the directory. It parses nothing and seals nothing,
//! so its time is what the host charges before any of offseal's own work begins, and the
//! fastest peer's time over it is the highest ratio any such editor could reach here.

use std::ffi::OsString;
use std::fs::{self, File};
use std::io::{self, Write as _};
use std::path::Path;
use std::process::ExitCode;

fn main() -> ExitCode {
    let Some(file) = std::env::args_os().nth(1) else {
        eprintln!("usage: durable-write FILE");
        return ExitCode::from(2);
    };
    let file = Path::new(&file);
    match rewrite(file) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("durable-write: {}: {e}", file.display());
            ExitCode::FAILURE
        }
    }
}

/// Writes `file`'s own bytes back over it through a synced temporary file.
fn rewrite(file: &Path) -> io::Result<()> {
    let text = fs::read(file)?;
    let dir = match file.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => dir,
        _ => Path::new("."),
    };
    let mut name = OsString::from(".");
    name.push(file.file_name().unwrap_or(file.as_os_str()));
    name.push(".durable-write.tmp");
    let temp = dir.join(name);
    let mut out = File::create_new(&temp)?;
    out.write_all(&text)?;
    out.set_permissions(fs::metadata(file)?.permissions())?;
    out.sync_all()?;
    fs::rename(&temp, file)?;
    File::open(dir)?.sync_all()
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::disallowed_methods)] // A test fixture, not a values file.

    use std::fs;
    use std::os::unix::fs::{MetadataExt as _, PermissionsExt as _};

    use super::rewrite;

    #[test]
    fn writes_the_same_bytes_back_and_leaves_no_temporary_file() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("values.yaml");
        fs::write(&file, "a: 1\n").unwrap();
        fs::set_permissions(&file, fs::Permissions::from_mode(0o640)).unwrap();
        let before = fs::metadata(&file).unwrap();
        rewrite(&file).unwrap();
        let after = fs::metadata(&file).unwrap();
        assert_eq!(fs::read_to_string(&file).unwrap(), "a: 1\n");
        // A new file renamed into place, with the old one's mode.
        assert_ne!(before.ino(), after.ino());
        assert_eq!(after.permissions().mode() & 0o777, 0o640);
        let names: Vec<_> = fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(names, ["values.yaml"]);
    }
}

//! Special files, limits and faults: what is not a regular file is never replaced, every
//! input has a size limit that names its flag, stdout errors are reported, and nothing a user
//! can reach panics. Every FIFO and device node is made inside the test's own temp dir.

use std::fs::{self, File};
use std::os::unix::fs::{FileTypeExt as _, MetadataExt as _, PermissionsExt as _};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Duration;

use rustix::fs::{CWD, FileType, Mode};

use crate::util::{key, offseal, offseal_with_credentials, sealed_values, temp_file};

/// Long enough for any run here; a run that blocks on a FIFO fails instead of hanging.
const TIMEOUT: Duration = Duration::from_secs(60);

fn mkfifo(path: &Path) {
    rustix::fs::mknodat(CWD, path, FileType::Fifo, Mode::from_raw_mode(0o600), 0).unwrap();
}

/// A character device node `major:minor` at `path` (1:3 is null, 1:5 zero, 1:7 full), or
/// `false` where this process may not make one (not root).
fn mknod_char(path: &Path, major: u32, minor: u32) -> bool {
    let dev = rustix::fs::makedev(major, minor);
    match rustix::fs::mknodat(
        CWD,
        path,
        FileType::CharacterDevice,
        Mode::from_raw_mode(0o666),
        dev,
    ) {
        Ok(()) => true,
        Err(e) => {
            eprintln!("skipped: cannot make a device node here ({e}); run as root to test it");
            false
        }
    }
}

fn is_root() -> bool {
    let dir = tempfile::tempdir().unwrap();
    let probe = dir.path().join("probe");
    File::create(&probe).unwrap();
    fs::metadata(&probe).unwrap().uid() == 0
}

/// The main job's flags after `values FILE`.
fn job(file: &Path) -> Vec<String> {
    let cert = key("controller-2048.crt.pem");
    let file = file.to_str().unwrap();
    ["values", file, "--cert", &cert, "-n", "ns", "--name", "app"]
        .map(str::to_owned)
        .to_vec()
}

fn strings(args: &[&str]) -> Vec<String> {
    args.iter().map(|a| (*a).to_owned()).collect()
}

fn stderr_of(out: &std::process::Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// A sparse file of `len` bytes: large on paper, free on disk.
fn sparse(dir: &Path, name: &str, len: u64) -> PathBuf {
    let path = dir.join(name);
    File::create(&path).unwrap().set_len(len).unwrap();
    path
}

const MIB: u64 = 1024 * 1024;

#[test]
fn in_place_edits_refuse_anything_but_a_regular_file() {
    let dir = tempfile::tempdir().unwrap();
    let fifo = dir.path().join("fifo.yaml");
    mkfifo(&fifo);
    let link = dir.path().join("link.yaml");
    std::os::unix::fs::symlink(&fifo, &link).unwrap();
    let sub = dir.path().join("dir.yaml");
    fs::create_dir(&sub).unwrap();
    let mut cases = vec![
        (fifo.clone(), "a FIFO (named pipe)"),
        (link, "a FIFO (named pipe)"),
        (sub.clone(), "a directory"),
    ];
    let null = dir.path().join("null");
    if mknod_char(&null, 1, 3) {
        cases.push((null.clone(), "a character device"));
    }
    for (path, kind) in cases {
        let out = offseal_with_credentials()
            .args(job(&path))
            .timeout(TIMEOUT)
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(1), "{path:?}: {}", stderr_of(&out));
        assert_eq!(
            stderr_of(&out),
            format!(
                "error: cannot edit {}: it is {kind}, and offseal edits only regular files in \
                 place (-o FILE, -o - or --dry-run write the result elsewhere)\n",
                path.display()
            )
        );
    }
    // Nothing was replaced.
    assert!(fs::metadata(&fifo).unwrap().file_type().is_fifo());
    assert!(fs::metadata(&sub).unwrap().is_dir());
    if null.exists() {
        assert!(fs::metadata(&null).unwrap().file_type().is_char_device());
    }
}

#[test]
fn outputs_write_through_pipes_and_devices_and_report_their_errors() {
    let (dir, values) = temp_file("values.yaml", b"external_secrets: {}\n");
    let output = |to: &Path| {
        let mut args = job(&values);
        args.extend(["-o".to_owned(), to.display().to_string()]);
        offseal_with_credentials()
            .args(args)
            .timeout(TIMEOUT)
            .output()
            .unwrap()
    };

    // A FIFO: the sealed file comes out of it, and it stays a FIFO.
    let fifo = dir.path().join("out.fifo");
    mkfifo(&fifo);
    let reader = {
        let fifo = fifo.clone();
        std::thread::spawn(move || fs::read_to_string(fifo).unwrap())
    };
    let out = output(&fifo);
    assert!(out.status.success(), "{}", stderr_of(&out));
    assert_eq!(sealed_values(&reader.join().unwrap()).len(), 2);
    assert!(fs::metadata(&fifo).unwrap().file_type().is_fifo());

    // A symlink to descriptor 1 (what /dev/stdout is): the output goes to stdout.
    let link = dir.path().join("stdout-link");
    std::os::unix::fs::symlink("/proc/self/fd/1", &link).unwrap();
    for to in [link.as_path(), Path::new("/dev/stdout")] {
        let out = output(to);
        assert!(out.status.success(), "{}", stderr_of(&out));
        assert_eq!(
            sealed_values(&String::from_utf8_lossy(&out.stdout)).len(),
            2
        );
    }
    assert!(
        fs::symlink_metadata(&link)
            .unwrap()
            .file_type()
            .is_symlink()
    );

    // A directory is refused.
    let out = output(dir.path());
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        stderr_of(&out),
        format!(
            "error: {}: cannot write {}: it is a directory\n",
            values.display(),
            dir.path().display()
        )
    );

    // Devices: null swallows it, full reports ENOSPC; both stay devices.
    let (null, full) = (dir.path().join("null"), dir.path().join("full"));
    if mknod_char(&null, 1, 3) && mknod_char(&full, 1, 7) {
        let out = output(&null);
        assert!(out.status.success(), "{}", stderr_of(&out));
        let out = output(&full);
        assert_eq!(out.status.code(), Some(1));
        assert!(
            stderr_of(&out).contains(&format!("cannot write {}: ", full.display()))
                && stderr_of(&out).ends_with("No space left on device (os error 28)\n"),
            "{}",
            stderr_of(&out)
        );
        // kubeseal's -w, the same.
        let out = offseal()
            .args(["kubeseal", "--cert", &key("controller-2048.crt.pem"), "-w"])
            .arg(&full)
            .write_stdin(secret_manifest())
            .timeout(TIMEOUT)
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(1));
        assert!(
            stderr_of(&out).contains("No space left on device"),
            "{}",
            stderr_of(&out)
        );
        for device in [&null, &full] {
            assert!(fs::metadata(device).unwrap().file_type().is_char_device());
        }
    }
    // The input was never touched, and no temporary file was left.
    assert_eq!(fs::read(&values).unwrap(), b"external_secrets: {}\n");
    let names: Vec<String> = fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains(".offseal-"))
        .collect();
    assert!(names.is_empty(), "{names:?}");
}

fn secret_manifest() -> &'static str {
    "apiVersion: v1\nkind: Secret\nmetadata:\n  name: app\n  namespace: ns\nstringData:\n  k: v\n"
}

#[test]
fn fifos_still_work_as_inputs() {
    let (dir, values) = temp_file("values.yaml", b"external_secrets: {}\n");
    let fifo = dir.path().join("credentials.fifo");
    mkfifo(&fifo);
    let writer = {
        let fifo = fifo.clone();
        std::thread::spawn(move || {
            fs::write(
                fifo,
                r#"{"appId": "0b7ff3c4-6f8e-4c49-9a5c-3b8e2f1d9a10", "password": "pw", "tenant": "d93d3d23-50e3-46db-b3ad-8c6c281b431e"}"#,
            )
            .unwrap();
        })
    };
    let mut args = job(&values);
    args.extend(["--credentials".to_owned(), fifo.display().to_string()]);
    let out = offseal().args(args).timeout(TIMEOUT).output().unwrap();
    writer.join().unwrap();
    assert!(out.status.success(), "{}", stderr_of(&out));
    assert_eq!(
        sealed_values(&fs::read_to_string(&values).unwrap()).len(),
        2
    );
}

/// Runs `args` with stdout on a full device; must fail with a message, never panic (101).
#[test]
fn stdout_errors_are_reported_and_a_closed_pipe_is_a_quiet_success() {
    let (dir, values) = crate::util::sealed_values_file("controller-2048.crt.pem");
    let values = values.to_str().unwrap();
    let cert = key("controller-2048.crt.pem");
    let keys = key("controller-2048.key.pem");
    let runs: Vec<Vec<&str>> = vec![
        vec!["cert", &cert],
        vec!["cert", "--json", &cert],
        vec!["check", "--json", values],
        vec!["verify", values, "--recovery-private-key", &keys],
        vec!["verify", "--json", values, "--recovery-private-key", &keys],
        vec!["values", values, "--cert", &cert, "--dry-run"],
        vec!["--help"],
        vec!["--version"],
        vec!["seal", "--help"],
        vec!["policy", values],
    ];
    let bin = assert_cmd::cargo::cargo_bin("offseal");
    let full = dir.path().join("full");
    let can_fill = mknod_char(&full, 1, 7);
    for args in &runs {
        let with_credentials = |cmd: &mut Command| {
            cmd.args(args)
                .env("AZURE_CLIENT_ID", crate::util::CLIENT_ID)
                .env("AZURE_CLIENT_SECRET", "rotated")
                .env("AZURE_TENANT_ID", crate::util::TENANT_ID)
                .stdin(Stdio::null())
                .stderr(Stdio::piped());
        };
        // A reader that went away before anything was written.
        let (reader, writer) = std::io::pipe().unwrap();
        drop(reader);
        let mut cmd = Command::new(&bin);
        with_credentials(&mut cmd);
        let out = cmd.stdout(writer).output().unwrap();
        assert_eq!(
            out.status.code(),
            Some(0),
            "{args:?} to a closed pipe: {}",
            stderr_of(&out)
        );
        assert!(
            !stderr_of(&out).contains("error:") && !stderr_of(&out).contains("panicked"),
            "{args:?} to a closed pipe: {}",
            stderr_of(&out)
        );

        if can_fill {
            let mut cmd = Command::new(&bin);
            with_credentials(&mut cmd);
            let out = cmd
                .stdout(File::options().write(true).open(&full).unwrap())
                .output()
                .unwrap();
            assert_eq!(
                out.status.code(),
                Some(1),
                "{args:?} to a full disk: {}",
                stderr_of(&out)
            );
            assert!(
                stderr_of(&out).starts_with("error: ")
                    && stderr_of(&out).ends_with(
                        "cannot write to stdout: No space left on device (os error 28)\n"
                    ),
                "{args:?}: {}",
                stderr_of(&out)
            );
        }
    }
    if can_fill {
        // stderr on a full disk too: the error cannot be shown, but the exit code says it.
        let out = Command::new(&bin)
            .args(["cert", "/nonexistent.pem"])
            .stderr(File::options().write(true).open(&full).unwrap())
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(1));
    }
}

#[test]
fn an_out_of_range_cert_timeout_is_an_error() {
    for value in ["1e300", "inf", "NaN", "-1", "0", "86401", "soon"] {
        let out = offseal()
            .args(["cert", "http://127.0.0.1:9/v1/cert.pem"])
            .env("OFFSEAL_CERT_TIMEOUT", value)
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(1), "{value}: {}", stderr_of(&out));
        assert_eq!(
            stderr_of(&out),
            format!(
                "error: OFFSEAL_CERT_TIMEOUT must be a number of seconds above 0 and at most \
                 86400, not {value:?}\n"
            )
        );
    }
}

#[test]
fn every_input_has_a_limit_that_names_its_flag() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let cert = key("controller-2048.crt.pem");
    let big_secret = sparse(d, "secret", 4 * MIB + 1);
    let big_cert = sparse(d, "cert.pem", MIB + 1);
    let big_json = sparse(d, "az.json", MIB + 1);
    let big_keys = sparse(d, "keys.pem", 4 * MIB + 1);
    let big_manifest = sparse(d, "secret.yaml", 64 * MIB + 1);
    let big_values = sparse(d, "values.yaml", 64 * MIB + 1);
    let show = |p: &Path| p.display().to_string();
    let file_url = format!("file://{}", show(&big_cert));
    let raw = ["raw", "-n", "ns", "--name", "app", "--cert"];
    let raw_from = |cert: &str, from: &Path| {
        let mut args = strings(&raw);
        args.extend([cert.to_owned(), "--from-file".to_owned(), show(from)]);
        args
    };
    let raw_cert = |cert: &str| {
        let mut args = strings(&raw);
        args.push(cert.to_owned());
        args
    };
    let with_credentials = {
        let mut args = job(&big_values);
        args.extend(["--credentials".to_owned(), show(&big_json)]);
        args
    };
    let limit = |shown: &str, size: &str, what: &str| {
        format!("{shown} is larger than {size}, the limit for {what}")
    };

    let mut cases: Vec<(Vec<String>, String)> = vec![
        (
            raw_from(&cert, &big_secret),
            limit(&show(&big_secret), "4 MiB", "a secret value (--from-file)"),
        ),
        (
            raw_cert(&show(&big_cert)),
            limit(&show(&big_cert), "1 MiB", "a certificate (--cert)"),
        ),
        (
            raw_cert(&file_url),
            limit(&file_url, "1 MiB", "a certificate (--cert)"),
        ),
        (
            strings(&["unseal", "--recovery-private-key", &show(&big_keys)]),
            format!(
                "cannot read private key {}: {}",
                show(&big_keys),
                limit(
                    &show(&big_keys),
                    "4 MiB",
                    "a private key file (--recovery-private-key)"
                )
            ),
        ),
        (
            strings(&["seal", "--cert", &cert, "-f", &show(&big_manifest)]),
            limit(&show(&big_manifest), "64 MiB", "manifests (--file)"),
        ),
        (
            with_credentials,
            limit(
                &show(&big_json),
                "1 MiB",
                "a credentials file (--credentials)",
            ),
        ),
        (
            job(&big_values),
            limit(&show(&big_values), "64 MiB", "a values file (FILE)"),
        ),
    ];
    let zero = d.join("zero");
    if mknod_char(&zero, 1, 5) {
        cases.push((
            raw_from(&cert, &zero),
            limit(&show(&zero), "4 MiB", "a secret value (--from-file)"),
        ));
    }
    for (args, message) in cases {
        let out = offseal_with_credentials()
            .args(&args)
            .timeout(TIMEOUT)
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(1), "{args:?}: {}", stderr_of(&out));
        assert!(
            stderr_of(&out).ends_with(&format!("{message}\n")),
            "{args:?}:\n{}",
            stderr_of(&out)
        );
    }
    // stdin too, and the refused values file is untouched.
    let out = offseal()
        .args(raw)
        .arg(&cert)
        .write_stdin(vec![b'x'; 4 * 1024 * 1024 + 1])
        .output()
        .unwrap();
    assert_eq!(
        stderr_of(&out),
        "error: stdin is larger than 4 MiB, the limit for a secret value (--from-file)\n"
    );
    assert_eq!(fs::metadata(&big_values).unwrap().len(), 64 * MIB + 1);

    // A secret of exactly the limit is sealed.
    let exact = d.join("exact");
    fs::write(&exact, vec![b'x'; 4 * 1024 * 1024]).unwrap();
    offseal()
        .args(raw)
        .args([&cert, "--from-file", &show(&exact)])
        .assert()
        .success();
}

#[test]
fn an_in_place_edit_keeps_owner_and_mode() {
    let (_dir, values) = temp_file("values.yaml", b"external_secrets: {}\n");
    fs::set_permissions(&values, fs::Permissions::from_mode(0o640)).unwrap();
    let owner = if is_root() {
        std::os::unix::fs::chown(&values, Some(65534), Some(65534)).unwrap();
        (65534, 65534)
    } else {
        let meta = fs::metadata(&values).unwrap();
        (meta.uid(), meta.gid())
    };
    offseal_with_credentials()
        .args(job(&values))
        .assert()
        .success();
    let meta = fs::metadata(&values).unwrap();
    assert_eq!(
        sealed_values(&fs::read_to_string(&values).unwrap()).len(),
        2
    );
    assert_eq!((meta.uid(), meta.gid()), owner);
    assert_eq!(meta.permissions().mode() & 0o7777, 0o640);
}

#[test]
fn hard_links_are_named_in_a_warning() {
    let (dir, values) = temp_file("values.yaml", b"external_secrets: {}\n");
    let other = dir.path().join("other.yaml");
    fs::hard_link(&values, &other).unwrap();
    let out = offseal_with_credentials()
        .args(job(&values))
        .output()
        .unwrap();
    assert!(out.status.success());
    assert!(
        stderr_of(&out).starts_with(&format!(
            "warning: {} has another hard link, which keeps the old content\n",
            values.display()
        )),
        "{}",
        stderr_of(&out)
    );
    assert_eq!(fs::read(&other).unwrap(), b"external_secrets: {}\n");
}

#[test]
fn stale_temporary_files_are_removed_and_live_ones_kept() {
    let (dir, values) = temp_file("values.yaml", b"external_secrets: {}\n");
    let stale = dir.path().join(".values.yaml.offseal-1234abcd.tmp");
    fs::write(&stale, "client_secret: plaintext\n").unwrap();
    let live = dir.path().join(".values.yaml.offseal-live.tmp");
    fs::write(&live, "being written").unwrap();
    let held = File::open(&live).unwrap();
    held.lock().unwrap();
    let unrelated = dir.path().join(".other.yaml.offseal-1234abcd.tmp");
    fs::write(&unrelated, "another file's").unwrap();

    offseal_with_credentials()
        .args(job(&values))
        .assert()
        .success();
    assert!(!stale.exists(), "the stale temporary file is still there");
    assert!(
        live.exists(),
        "a temporary file held by a live writer was removed"
    );
    assert!(
        unrelated.exists(),
        "another file's temporary file was removed"
    );
    drop(held);

    // -o cleans beside its own output the same way.
    let out = dir.path().join("out.yaml");
    let stale_out = dir.path().join(".out.yaml.offseal-0.tmp");
    fs::write(&stale_out, "x").unwrap();
    let mut args = job(&values);
    args.extend(["-o".to_owned(), out.display().to_string()]);
    offseal_with_credentials().args(args).assert().success();
    assert!(!stale_out.exists());
}

/// With `O_TMPFILE` the new content has no name until it is complete, and then only for the
/// moment between link and rename: across many kills of a run that writes plaintext, hardly
/// any temporary file is left, and the next run removes what was.
#[test]
fn killed_recovery_runs_leave_next_to_nothing_and_the_next_run_cleans_up() {
    let dir = tempfile::tempdir().unwrap();
    let mut secret = String::from(
        "apiVersion: v1\nkind: Secret\nmetadata:\n  name: app\n  namespace: ns\nstringData:\n",
    );
    // Many values make each run long enough to be killed at many points.
    for i in 0..300 {
        secret.push_str(&format!("  k{i}: plaintext-{i}\n"));
    }
    let sealed = offseal()
        .args(["seal", "--cert", &key("controller-2048.crt.pem")])
        .write_stdin(secret)
        .output()
        .unwrap();
    assert!(sealed.status.success());
    let input = dir.path().join("sealed.yaml");
    fs::write(&input, &sealed.stdout).unwrap();
    let output = dir.path().join("secret.yaml");
    let recover = || {
        let mut cmd = Command::new(assert_cmd::cargo::cargo_bin("offseal"));
        cmd.args(["kubeseal", "--recovery-unseal", "--recovery-private-key"])
            .arg(key("controller-2048.key.pem"))
            .arg("-f")
            .arg(&input)
            .arg("-w")
            .arg(&output)
            .stdout(Stdio::null())
            .stderr(Stdio::null());
        cmd
    };
    // The names of the temporary files there now: one left by an early kill stays until a run
    // gets far enough to clean up, so the same name is seen after several kills.
    let temporaries = || -> Vec<String> {
        fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .filter(|name| name.contains(".offseal-"))
            .collect()
    };
    let mut left = std::collections::BTreeSet::new();
    for i in 0..60u64 {
        let mut child = recover().spawn().unwrap();
        std::thread::sleep(Duration::from_millis(i * 5));
        let _ = child.kill();
        child.wait().unwrap();
        left.extend(temporaries());
    }
    assert!(
        left.len() <= 2,
        "{} temporary files were left across 60 kills: {left:?}",
        left.len()
    );
    assert!(recover().status().unwrap().success());
    let mut names: Vec<String> = fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(names, ["sealed.yaml", "secret.yaml"]);
    assert_eq!(
        fs::metadata(&output).unwrap().permissions().mode() & 0o777,
        0o600
    );
}

#[test]
fn merge_into_a_fifo_is_refused_with_the_seal_flags() {
    let dir = tempfile::tempdir().unwrap();
    let fifo = dir.path().join("sealed.yaml");
    mkfifo(&fifo);
    let out = offseal()
        .args([
            "seal",
            "--cert",
            &key("controller-2048.crt.pem"),
            "--merge-into",
        ])
        .arg(&fifo)
        .write_stdin(
            "apiVersion: v1\nkind: Secret\nmetadata: {name: a, namespace: d}\nstringData: {k: v}\n",
        )
        .timeout(TIMEOUT)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        String::from_utf8(out.stderr).unwrap(),
        format!(
            "error: cannot edit {}: it is a FIFO (named pipe), and offseal edits only regular \
             files in place (--merge-into takes a regular file; without it, -w FILE writes the \
             SealedSecret)\n",
            fifo.display()
        )
    );
    assert!(fs::metadata(&fifo).unwrap().file_type().is_fifo());
}

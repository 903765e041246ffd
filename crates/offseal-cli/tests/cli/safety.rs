//! Nothing is lost and nothing leaks: secrets never printed, concurrent runs serialised,
//! a killed run leaves the old file or the new one, never a torn one.

use std::process::{Command, Stdio};
use std::time::Duration;

use base64::Engine as _;

use crate::util::{
    CLIENT_SECRET, all_files, key, offseal, offseal_with_credentials, redact, sealed_values,
    temp_file,
};

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

#[test]
fn the_client_secret_never_appears_in_output_or_files() {
    let secret = CLIENT_SECRET.as_bytes();
    let secret_b64 = base64::engine::general_purpose::STANDARD.encode(secret);
    let (dir, path) = temp_file("values.yaml", b"external_secrets:\n  enabled: true\n");
    let file = path.to_str().unwrap();
    let cert = key("controller-4096.crt.pem");
    let target = ["-n", "ns", "--name", "app"];
    let az = format!(
        r#"{{"appId": "0b7ff3c4-6f8e-4c49-9a5c-3b8e2f1d9a10", "password": "{CLIENT_SECRET}", "tenant": "d93d3d23-50e3-46db-b3ad-8c6c281b431e"}}"#
    );
    let runs: Vec<std::process::Output> = vec![
        offseal_with_credentials()
            .args(["values", file, "--cert", &cert])
            .args(target)
            .output()
            .unwrap(),
        offseal_with_credentials()
            .args(["values", file, "--cert", &cert, "--dry-run"])
            .output()
            .unwrap(),
        offseal_with_credentials()
            .args(["values", file, "--cert", &cert, "-o", "-"])
            .output()
            .unwrap(),
        offseal()
            .args(["values", file, "--cert", &cert, "--credentials", "-"])
            .write_stdin(az)
            .output()
            .unwrap(),
        offseal()
            .args(["set", file, "x.y", "--cert", &cert])
            .args(target)
            .write_stdin(CLIENT_SECRET)
            .output()
            .unwrap(),
        offseal()
            .args(["raw", "--cert", &cert])
            .args(target)
            .write_stdin(CLIENT_SECRET)
            .output()
            .unwrap(),
        offseal()
            .args(["check", file, "--cert", &cert])
            .output()
            .unwrap(),
        offseal()
            .args([
                "verify",
                file,
                "--recovery-private-key",
                &key("controller-4096.key.pem"),
            ])
            .output()
            .unwrap(),
        // Failures must not leak either.
        offseal_with_credentials()
            .args(["values", file, "--cert", &key("expired-2048.crt.pem")])
            .output()
            .unwrap(),
        offseal_with_credentials()
            .env("AZURE_CLIENT_ID", CLIENT_SECRET)
            .args(["values", file, "--cert", &cert])
            .output()
            .unwrap(),
        offseal_with_credentials()
            .env("AZURE_TENANT_ID", CLIENT_SECRET)
            .args(["values", file, "--cert", &cert])
            .output()
            .unwrap(),
    ];
    for (i, run) in runs.iter().enumerate() {
        for stream in [&run.stdout, &run.stderr] {
            assert!(!contains(stream, secret), "run {i} printed the secret");
            assert!(
                !contains(stream, secret_b64.as_bytes()),
                "run {i} printed it in base64"
            );
        }
    }
    assert!(runs[..8].iter().all(|r| r.status.success()));
    assert!(runs[8..].iter().all(|r| !r.status.success()));
    for file in all_files(dir.path()) {
        let bytes = std::fs::read(&file).unwrap();
        assert!(
            !contains(&bytes, secret) && !contains(&bytes, secret_b64.as_bytes()),
            "{}",
            file.display()
        );
    }
    // No temporary file was left behind.
    assert_eq!(all_files(dir.path()).len(), 1);
    // And there is no flag that would take the secret as an argument.
    offseal()
        .args(["values", file, "--cert", &cert, "--client-secret", "x"])
        .assert()
        .code(2);
}

#[test]
fn concurrent_runs_on_one_file_all_land() {
    let (_dir, path) = temp_file("values.yaml", b"# shared by many jobs\nkeys: {}\n");
    let bin = assert_cmd::cargo::cargo_bin("offseal");
    let jobs: Vec<_> = (0..16)
        .map(|i| {
            let mut child = Command::new(&bin)
                .args([
                    "set",
                    path.to_str().unwrap(),
                    &format!("keys.k{i}"),
                    "--plain",
                ])
                .stdin(Stdio::piped())
                .stdout(Stdio::null())
                .stderr(Stdio::piped())
                .spawn()
                .unwrap();
            use std::io::Write as _;
            child
                .stdin
                .take()
                .unwrap()
                .write_all(format!("v{i}").as_bytes())
                .unwrap();
            child
        })
        .collect();
    for job in jobs {
        let out = job.wait_with_output().unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    let data: serde_json::Value =
        serde_norway::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
    for i in 0..16 {
        assert_eq!(
            data["keys"][format!("k{i}")],
            format!("v{i}"),
            "k{i} was lost"
        );
    }
}

#[test]
fn a_killed_run_leaves_the_old_file_or_the_new_one() {
    // A big file makes the run long enough to be killed at many points. Its tenant id is
    // kept: no run below gives one.
    let mut big = String::from(
        "# big values file\nexternal_secrets:\n  azure_tenant_id: d93d3d23-50e3-46db-b3ad-8c6c281b431e\n  keyvault_credentials:\n    client_id: old\n    client_secret: old\n",
    );
    for i in 0..10_000 {
        big.push_str(&format!("k{i}:\n  v: {i}   # comment {i}\n"));
    }
    let (dir, path) = temp_file("values.yaml", big.as_bytes());
    let bin = assert_cmd::cargo::cargo_bin("offseal");
    let run = || {
        let mut cmd = Command::new(&bin);
        cmd.args([
            "values",
            path.to_str().unwrap(),
            "--cert",
            &key("controller-2048.crt.pem"),
            "-n",
            "ns",
            "--name",
            "app",
        ])
        .env("AZURE_CLIENT_ID", "0b7ff3c4-6f8e-4c49-9a5c-3b8e2f1d9a10")
        .env("AZURE_CLIENT_SECRET", "s")
        .env_remove("AZURE_TENANT_ID")
        .stdout(Stdio::null())
        .stderr(Stdio::null());
        cmd
    };
    // What a finished run produces, redacted.
    let (_ref_dir, reference) = temp_file("values.yaml", big.as_bytes());
    offseal_with_credentials()
        .env_remove("AZURE_TENANT_ID")
        .args([
            "values",
            reference.to_str().unwrap(),
            "--cert",
            &key("controller-2048.crt.pem"),
            "-n",
            "ns",
            "--name",
            "app",
        ])
        .assert()
        .success();
    let new_redacted = redact(&std::fs::read_to_string(&reference).unwrap());

    let mut killed = 0;
    for i in 0..40u64 {
        std::fs::write(&path, &big).unwrap();
        let mut child = run().spawn().unwrap();
        std::thread::sleep(Duration::from_millis(i * 3));
        if child.try_wait().unwrap().is_none() {
            killed += 1;
        }
        let _ = child.kill();
        child.wait().unwrap();
        let now = std::fs::read_to_string(&path).unwrap();
        assert!(
            now == big || (redact(&now) == new_redacted && sealed_values(&now).len() == 2),
            "iteration {i}: the file is neither the old nor the new one"
        );
    }
    assert!(
        killed > 5,
        "only {killed} runs were killed before they finished"
    );
    // The new content has no name until it is complete (O_TMPFILE), so a kill leaves a
    // temporary file only between link and rename; the next run removes any.
    let leftovers = || {
        all_files(dir.path())
            .into_iter()
            .filter(|p| p.file_name().unwrap() != "values.yaml")
            .collect::<Vec<_>>()
    };
    assert!(leftovers().len() <= 2, "{:?}", leftovers());
    assert!(run().status().unwrap().success());
    assert_eq!(leftovers(), Vec::<std::path::PathBuf>::new());
}

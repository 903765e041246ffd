//! `offseal set`: one value at any path.

use predicates::prelude::*;

use crate::util::{key, offseal, open_raw, redact, sealed_values, temp_file};

#[test]
fn seals_a_value_at_any_path_with_its_own_provenance() {
    let input = "app:\n  image: nginx\n  db:\n    host: db   # keep\n";
    let (_dir, path) = temp_file("values.yaml", input.as_bytes());
    let file = path.to_str().unwrap();
    offseal()
        .args([
            "set",
            file,
            "app.db.password",
            "--cert",
            &key("controller-2048.crt.pem"),
            "-n",
            "ns",
            "--name",
            "app",
        ])
        .write_stdin("pa55")
        .assert()
        .success()
        .stderr(predicate::str::contains(
            "set `app.db.password` sealed for strict ns/app",
        ));
    let out = std::fs::read_to_string(&path).unwrap();
    assert_eq!(
        redact(&out),
        "app:\n  image: nginx\n  db:\n    host: db   # keep\n    # offseal: scope=strict namespace=ns name=app cert=SHA256:Ow6Zk6WCVC3mb0hK5QIw75fZFsCfR3w4C/rj7BwNkLo sealed=<date>\n    password: <sealed>\n"
    );
    let target = ["-n", "ns", "--name", "app"];
    assert_eq!(
        open_raw(&sealed_values(&out)[0], "controller-2048.key.pem", &target),
        b"pa55"
    );

    // Next time the comment gives the target; the value comes from a file.
    let (_vdir, value) = temp_file("v.bin", b"second");
    offseal()
        .args([
            "set",
            file,
            "app.db.password",
            "--cert",
            &key("controller-2048.crt.pem"),
            "--from-file",
            value.to_str().unwrap(),
        ])
        .assert()
        .success();
    let out = std::fs::read_to_string(&path).unwrap();
    assert_eq!(out.matches("# offseal:").count(), 1);
    assert_eq!(
        open_raw(&sealed_values(&out)[0], "controller-2048.key.pem", &target),
        b"second"
    );
}

#[test]
fn plain_values_are_written_as_is_and_quoted_when_yaml_would_change_them() {
    let (_dir, path) = temp_file("values.yaml", b"feature:\n  flag: off\n");
    let file = path.to_str().unwrap();
    // Plain stays plain where it can; once quoted, the value keeps its quotes.
    for (value, expected) in [
        ("hello world", "hello world"),
        ("yes", "\"yes\""),
        ("0777", "\"0777\""),
        ("plain", "\"plain\""),
        ("a: b", "\"a: b\""),
    ] {
        offseal()
            .args(["set", file, "feature.flag", "--plain"])
            .write_stdin(value)
            .assert()
            .success();
        assert_eq!(
            std::fs::read_to_string(&path).unwrap(),
            format!("feature:\n  flag: {expected}\n")
        );
    }
    // The same value again: the file is not rewritten.
    offseal()
        .args(["set", file, "feature.flag", "--plain"])
        .write_stdin("a: b")
        .assert()
        .success()
        .stderr(predicate::str::contains("unchanged"));
}

#[test]
fn newlines_are_kept_with_a_warning_or_trimmed_on_request() {
    let (_dir, path) = temp_file("values.yaml", b"a: x\n");
    let file = path.to_str().unwrap();
    offseal()
        .args(["set", file, "a", "--plain"])
        .write_stdin("line\n")
        .assert()
        .success()
        .stderr(predicate::str::contains(
            "warning: the value ends with a newline",
        ));
    assert_eq!(std::fs::read_to_string(&path).unwrap(), "a: \"line\\n\"\n");
    offseal()
        .args(["set", file, "a", "--plain", "--trim-newline"])
        .write_stdin("line\n")
        .assert()
        .success();
    assert_eq!(std::fs::read_to_string(&path).unwrap(), "a: \"line\"\n");
}

#[test]
fn errors_name_the_problem_and_change_nothing() {
    let input = "a:\n  - b\n";
    let (_dir, path) = temp_file("values.yaml", input.as_bytes());
    let file = path.to_str().unwrap();
    offseal()
        .args(["set", file, "a.b", "--plain"])
        .write_stdin("v")
        .assert()
        .code(1)
        .stderr(
            predicate::str::contains("`a` at line 2 is a sequence")
                .or(predicate::str::contains("`a` at line 1 is a sequence")),
        );
    offseal()
        .args(["set", file, "a..b", "--plain"])
        .write_stdin("v")
        .assert()
        .code(1)
        .stderr(predicate::str::contains("invalid path `a..b`"));
    offseal()
        .args(["set", file, "c", "--cert", &key("controller-2048.crt.pem")])
        .write_stdin("v")
        .assert()
        .code(1)
        .stderr(predicate::str::contains(
            "a strict target needs --namespace and --name",
        ));
    offseal()
        .args(["set", file, "c"])
        .write_stdin("v")
        .assert()
        .code(1)
        .stderr(predicate::str::contains(format!(
            "no certificate for {file}: give --cert FILE|URL (or set SEALED_SECRETS_CERT)"
        )));
    offseal()
        .args(["set", file, "c", "--plain"])
        .write_stdin(vec![0xFFu8, 0xFE])
        .assert()
        .code(1)
        .stderr(predicate::str::contains("--plain needs UTF-8 text"));
    assert_eq!(std::fs::read_to_string(&path).unwrap(), input);
}

#[test]
fn an_empty_value_is_refused_unless_allowed() {
    let (_dir, path) = temp_file("values.yaml", b"app:\n  x: old\n");
    let file = path.to_str().unwrap();
    let cert = key("controller-2048.crt.pem");
    let target = ["-n", "ns", "--name", "app"];
    let refusal = "the value is empty, so nothing was sealed (did the command feeding stdin \
                   fail?); give --allow-empty to seal an empty value\n";
    // `vault read ... | offseal set ...` with a failed producer; and `echo` with --trim-newline.
    for (stdin, extra) in [("", None), ("\n", Some("--trim-newline"))] {
        offseal()
            .args(["set", file, "app.x", "--cert", &cert])
            .args(target)
            .args(extra)
            .write_stdin(stdin)
            .assert()
            .code(1)
            .stderr(format!("error: {file}: nothing set at `app.x`: {refusal}"));
        assert_eq!(std::fs::read(&path).unwrap(), b"app:\n  x: old\n");
    }
    offseal()
        .args(["raw", "--cert", &cert])
        .args(target)
        .write_stdin("")
        .assert()
        .code(1)
        .stdout("")
        .stderr(format!("error: {refusal}"));
    // Asked for: sealed, and it opens to nothing.
    offseal()
        .args(["set", file, "app.x", "--cert", &cert, "--allow-empty"])
        .args(target)
        .write_stdin("")
        .assert()
        .success();
    assert_eq!(
        sealed_values(&std::fs::read_to_string(&path).unwrap()).len(),
        1
    );
    let out = offseal()
        .args(["raw", "--cert", &cert, "--allow-empty"])
        .args(target)
        .write_stdin("")
        .output()
        .unwrap();
    assert!(out.status.success());
    let sealed = String::from_utf8(out.stdout).unwrap();
    assert_eq!(open_raw(&sealed, "controller-2048.key.pem", &target), b"");
}

#[test]
fn dry_runs_never_show_a_plaintext() {
    let input = "app:\n  password: hunter2  # old\n  note: |\n    multi\n    line-secret\nexternal_secrets:\n  keyvault_credentials:\n    client_id: 0b7ff3c4-6f8e-4c49-9a5c-3b8e2f1d9a10\n    client_secret: also-secret\n";
    let (_dir, path) = temp_file("values.yaml", input.as_bytes());
    let file = path.to_str().unwrap();
    let cert = key("controller-2048.crt.pem");
    let target = ["-n", "ns", "--name", "app"];
    let shown = |args: &[&str], stdin: &str| {
        let out = crate::util::offseal_with_credentials()
            .args(args)
            .args(target)
            .args(["--cert", &cert, "--dry-run"])
            .write_stdin(stdin.to_owned())
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).unwrap() + &String::from_utf8(out.stderr).unwrap()
    };
    // What each run replaces is hidden, as is every plaintext in a credentials slot; the new
    // value is sealed (shown shortened) and never appears.
    let credentials = ["also-secret", crate::util::CLIENT_SECRET, "n3w-secret"];
    for (args, replaced) in [
        (vec!["set", file, "app.password"], "hunter2"),
        (vec!["set", file, "app.note"], "line-secret"),
        (vec!["values", file], "also-secret"),
    ] {
        let diff = shown(&args, "n3w-secret");
        assert!(diff.contains("<hidden>"), "{args:?}:\n{diff}");
        for secret in credentials.iter().chain([&replaced]) {
            assert!(!diff.contains(secret), "{args:?} shows {secret}:\n{diff}");
        }
    }
    assert_eq!(std::fs::read_to_string(&path).unwrap(), input);
}

#[test]
fn dry_runs_hide_plaintexts_that_share_a_line() {
    // Credentials in a flow mapping: both old values on one line.
    let input = "external_secrets:\n  keyvault_credentials: {client_id: plain-id, client_secret: plain-secret}\n";
    let (_dir, path) = temp_file("values.yaml", input.as_bytes());
    let out = crate::util::offseal_with_credentials()
        .args(["values", path.to_str().unwrap(), "--dry-run"])
        .args([
            "-n",
            "ns",
            "--name",
            "app",
            "--cert",
            &key("controller-2048.crt.pem"),
        ])
        .output()
        .unwrap();
    let shown = String::from_utf8(out.stdout).unwrap() + &String::from_utf8(out.stderr).unwrap();
    assert!(out.status.success(), "{shown}");
    assert!(
        shown.contains("-  keyvault_credentials: {client_id: <hidden>\n"),
        "{shown}"
    );
    for secret in ["plain-id", "plain-secret", crate::util::CLIENT_SECRET] {
        assert!(!shown.contains(secret), "shows {secret}:\n{shown}");
    }
    assert_eq!(std::fs::read_to_string(&path).unwrap(), input);
}

#[test]
fn a_dry_run_over_a_null_value_keeps_its_colon() {
    let (_dir, path) = temp_file("values.yaml", b"a:\n  b:\n");
    let out = offseal()
        .args(["set", path.to_str().unwrap(), "a.b", "--dry-run"])
        .args(["-n", "ns", "--name", "app"])
        .args(["--cert", &key("controller-2048.crt.pem")])
        .write_stdin("s3cret")
        .output()
        .unwrap();
    let shown = String::from_utf8(out.stdout).unwrap();
    assert!(out.status.success());
    assert!(shown.contains("\n-  b:\n"), "{shown}");
}

#[test]
fn the_credentials_mapping_is_no_value_to_set() {
    let input = b"external_secrets:\n  azure_tenant_id: \"\"\n  keyvault_credentials:\n";
    let (_dir, path) = temp_file("values.yaml", input);
    let file = path.to_str().unwrap();
    for (at, plain) in [
        ("external_secrets.keyvault_credentials", false),
        ("external_secrets", false),
        ("external_secrets.keyvault_credentials", true),
    ] {
        let mut cmd = offseal();
        cmd.args(["set", file, at, "-n", "ns", "--name", "app"]);
        if plain {
            cmd.arg("--plain");
        } else {
            cmd.args(["--cert", &key("controller-2048.crt.pem")]);
        }
        cmd.write_stdin("s3cret").assert().code(1).stderr(format!(
            "error: {file}: `{at}` holds the mapping that offseal values writes, not one \
                 value: seal the credentials with offseal values\n"
        ));
        assert_eq!(std::fs::read(&path).unwrap(), input);
    }
}

#[test]
fn a_plain_value_over_a_sealed_one_is_refused() {
    let (_dir, path) = temp_file("values.yaml", b"app:\n  token: \"\"\n  note: x\n");
    let file = path.to_str().unwrap();
    offseal()
        .args(["set", file, "app.token", "-n", "ns", "--name", "app"])
        .args(["--cert", &key("controller-2048.crt.pem")])
        .write_stdin("s3cret")
        .assert()
        .success();
    let sealed = std::fs::read(&path).unwrap();
    offseal()
        .args(["set", file, "app.token", "--plain"])
        .write_stdin("hunter2")
        .assert()
        .code(1)
        .stderr(format!(
            "error: {file}: `app.token` holds a sealed value (its provenance comment records \
             it): a plain value there would be a plaintext where check expects a sealed one; \
             seal it (offseal set without --plain), or, if it is no secret, remove the sealed \
             value and its comment first\n"
        ));
    assert_eq!(std::fs::read(&path).unwrap(), sealed);
    // Plain values elsewhere are fine.
    offseal()
        .args(["set", file, "app.note", "--plain"])
        .write_stdin("y")
        .assert()
        .success();
}

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
        .code(2)
        .stderr(predicate::str::contains("--cert <FILE|URL>"));
    offseal()
        .args(["set", file, "c", "--plain"])
        .write_stdin(vec![0xFFu8, 0xFE])
        .assert()
        .code(1)
        .stderr(predicate::str::contains("--plain needs UTF-8 text"));
    assert_eq!(std::fs::read_to_string(&path).unwrap(), input);
}

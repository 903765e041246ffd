//! `offseal completions SHELL` and `offseal man`.

use crate::util::offseal;

#[test]
fn completions_for_every_shell_name_the_subcommands() {
    for shell in ["bash", "zsh", "fish", "powershell", "elvish"] {
        let out = offseal().args(["completions", shell]).output().unwrap();
        assert!(out.status.success(), "{shell}");
        let script = String::from_utf8(out.stdout).unwrap();
        for word in ["offseal", "values", "reseal", "--recovery-private-key"] {
            assert!(script.contains(word), "{shell} completions lack {word}");
        }
    }
    // The bash script is valid bash.
    let out = offseal().args(["completions", "bash"]).output().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let script = dir.path().join("offseal.bash");
    std::fs::write(&script, &out.stdout).unwrap();
    let status = std::process::Command::new("bash")
        .arg("-n")
        .arg(&script)
        .status()
        .unwrap();
    assert!(status.success());
    offseal().args(["completions", "tcsh"]).assert().code(2);
}

#[test]
fn the_man_page_covers_every_subcommand_and_its_flags() {
    let out = offseal().arg("man").output().unwrap();
    assert!(out.status.success());
    let page = String::from_utf8(out.stdout).unwrap();
    assert!(page.contains(".TH offseal 1"), "{page}");
    for section in [
        "VALUES", "SET", "CHECK", "VERIFY", "RESEAL", "SEAL", "RAW", "UNSEAL", "CERT", "KUBESEAL",
    ] {
        assert!(
            page.contains(&format!(".SH \"OFFSEAL {section}\"")),
            "no {section}"
        );
    }
    for flag in ["allow\\-empty", "recovery\\-private\\-key", "dry\\-run"] {
        assert!(page.contains(flag), "no {flag}");
    }
}

#[test]
fn version_names_the_rsa_backend_and_an_os_seeded_aws_lc() {
    let out = offseal().arg("--version").output().unwrap();
    assert!(out.status.success());
    let version = String::from_utf8(out.stdout).unwrap();
    let rsa = if cfg!(feature = "aws-lc") {
        "aws-lc"
    } else {
        "rust"
    };
    // The workspace builds AWS-LC without its CPU-jitter source (.cargo/config.toml); a build
    // that lost the setting would spend ~30 ms a process gathering jitter (BENCHMARKS.md).
    assert_eq!(
        version,
        format!(
            "offseal {} (RSA: {rsa}; AWS-LC entropy: OS)\n",
            env!("CARGO_PKG_VERSION")
        )
    );
}

/// On GNU/Linux the build links GCC's unwinder statically (build.rs), so that no process loads
/// `libgcc_s.so.1`, whose constructor probes the CPU at ~10 µs a `cpuid` in a virtual machine.
#[test]
fn the_binary_does_not_load_libgcc_s() {
    if !cfg!(all(target_os = "linux", target_env = "gnu")) {
        return;
    }
    assert_eq!(
        env!("OFFSEAL_UNWINDER"),
        "static",
        "build.rs found no libgcc_eh.a through the C compiler"
    );
    let binary = std::fs::read(assert_cmd::cargo::cargo_bin("offseal")).unwrap();
    // The library's name is in the binary only as a dynamic dependency.
    assert!(
        !binary.windows(13).any(|w| w == b"libgcc_s.so.1"),
        "linked with libgcc_eh.a, yet the binary needs libgcc_s.so.1"
    );
}

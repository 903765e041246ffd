//! Project tasks beyond `cargo build` and `cargo test`, run as `cargo xtask <TASK>`.
//!
//! Each task lives in its own module; `main` only dispatches.

mod bench;
mod fuzz;
mod interop;
mod package;
mod paths;
mod peers;
mod process;

use std::process::ExitCode;

/// Runs the task named by the first argument.
fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let task = args.first().map(String::as_str);
    let rest = args.get(1..).unwrap_or_default();
    match task {
        Some("interop") if rest.is_empty() => finish(interop::run(&[])),
        // The CLI without its default `aws-lc` feature: the pure-Rust RSA backend.
        Some("interop") if rest == ["--rust-backend"] => {
            finish(interop::run(&["--no-default-features"]))
        }
        Some("bench") if rest.is_empty() => finish(bench::run(false)),
        Some("bench") if rest == ["--quick"] => finish(bench::run(true)),
        Some("fuzz") if rest.is_empty() => finish(fuzz::run(fuzz::DEFAULT_SECONDS)),
        Some("fuzz") => match rest {
            [flag, seconds] if flag == "--seconds" => match seconds.parse::<u64>() {
                Ok(seconds) if seconds > 0 => finish(fuzz::run(seconds)),
                _ => usage_error(&format!(
                    "`fuzz --seconds` takes a whole number of seconds above 0, got {seconds:?}"
                )),
            },
            _ => usage_error(&format!("`fuzz` takes only --seconds N, got {rest:?}")),
        },
        Some("package") if rest.is_empty() => finish(package::run()),
        Some("package") => usage_error(&format!("`package` takes no arguments, got {rest:?}")),
        Some("help" | "-h" | "--help") => {
            print_help();
            ExitCode::SUCCESS
        }
        Some("bench") => usage_error(&format!("`bench` takes only --quick, got {rest:?}")),
        Some("interop") => usage_error(&format!(
            "`interop` takes only --rust-backend, got {rest:?}"
        )),
        Some(other) => usage_error(&format!("unknown task {other:?}")),
        None => {
            print_help();
            ExitCode::from(2)
        }
    }
}

/// Turns a task's outcome into the exit code: 0 when it passed, 1 when checks failed or it
/// could not run (the reason is printed).
fn finish(outcome: anyhow::Result<bool>) -> ExitCode {
    match outcome {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => ExitCode::FAILURE,
        Err(err) => {
            eprintln!("error: {err:#}");
            ExitCode::FAILURE
        }
    }
}

/// Prints a usage error and the help; exit code 2.
fn usage_error(message: &str) -> ExitCode {
    eprintln!("error: {message}");
    print_help();
    ExitCode::from(2)
}

/// Prints the list of tasks to stderr.
fn print_help() {
    eprintln!(
        "\
Usage: cargo xtask <TASK>

Tasks:
  interop  Check offseal against independent sealed-secrets implementations, both ways:
           PyPI kubesealpy, a plain Python `cryptography` decryptor and npm
           @linode/kubeseal-encrypt, installed pinned under target/interop/
           (see xtask/interop/README.md). --rust-backend: check the CLI built without
           aws-lc (the pure-Rust RSA backend)
  bench    Measure offseal against its performance targets in one run (criterion benches
           of both RSA backends, openssl speed, kubesealpy and @linode/kubeseal-encrypt,
           whole processes, a 1,000-file reseal) and print each target's PASS or MISS;
           --quick for a shorter, noisier run (see BENCHMARKS.md)
  fuzz     Build the cargo-fuzz targets of fuzz/ (installing cargo-fuzz if missing) and run
           each for {seconds} s over its corpus, seeded from testdata/; fails on any crash, naming
           the target and the saved input. --seconds N: N s per target (see FUZZING.md)
  package  `cargo package --workspace`, then test each packaged crate alone, outside the
           workspace (its tests, doctests and examples may use only what it ships)
  help     Print this help",
        seconds = fuzz::DEFAULT_SECONDS
    );
}

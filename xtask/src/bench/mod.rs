//! `cargo xtask bench`: offseal's performance targets, measured side by side in one run.
//!
//! Every target is a ratio of two figures measured here, in this run, on this machine (never a
//! timed test):
//!
//! 1. the AWS-LC backend seals a value (4096-bit) at >= 0.9x the rate of OpenSSL's RSA public
//!    operation (`openssl speed rsa4096`, verify column), and faster than every peer in-process;
//! 2. the pure-Rust backend at >= 0.3x that OpenSSL rate;
//! 3. the main job (`offseal values`, two sealed values into a 300-line values file, whole
//!    process) >= 30x faster than the fastest peer's whole process sealing two values;
//! 4. a 1,000-file `offseal reseal` >= 1.7x faster on 2 threads than on 1, its peak RSS under
//!    20 MB.
//!
//! Steps: build release `offseal` for both backends (the pure-Rust one in its own target
//! directory, so neither build invalidates the other) and the criterion benches (`benches/`);
//! write the fixtures under `target/bench/`; then measure: criterion for both backends,
//! `openssl speed`, the peers (PyPI `kubesealpy`, npm `@linode/kubeseal-encrypt`, installed by
//! `crate::peers` as for `cargo xtask interop`) in-process and as whole processes, the main
//! job, the reseal. It prints every figure and each target with PASS or MISS, and writes them
//! to `target/bench/results.json`. A missed target is a finding, not an error: exit 0. A
//! missing tool or a failed step is an error.
//!
//! Here: the settings, the builds and the fixtures; the measurements are in `measure`, the
//! figures and the targets in `report`.

mod measure;
mod report;
mod rotation;

use std::ffi::OsString;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Instant;

use anyhow::{Context as _, Result, ensure};
use offseal_benches::{NAME, NAMESPACE};

use crate::paths::{Paths, fresh_dir, path_str, write_file};
use crate::peers;
use crate::process::{build_executable, build_offseal, cargo, first_line, run_loud};
use measure::{
    Peer, PeerScripts, machine_facts, openssl_speed, reseal, run_criterion, tool_version,
    whole_processes,
};
use report::Figures;

/// The key size of every target.
const BITS: u32 = 4096;
/// Lines of the values file of the main job.
const MAIN_JOB_LINES: usize = 300;
/// Files of the reseal benchmark.
const RESEAL_FILES: usize = 1000;
/// Lines of each of those files.
const RESEAL_FILE_LINES: usize = 40;
/// The bar of target 4's memory half, in bytes ("20 MB", read as 20,000,000 bytes).
const PEAK_RSS_LIMIT: u64 = 20_000_000;
/// GNU time, which reports a child's peak RSS (`%M`, from `wait4`); polling is the fallback.
const GNU_TIME: &str = "/usr/bin/time";

/// How long each part runs: the full run, or `--quick`.
struct Settings {
    /// Whether this is a `--quick` run.
    quick: bool,
    /// Flags for the criterion benches (none: the benches' own settings).
    criterion: &'static [&'static str],
    /// `openssl speed -seconds`.
    openssl_seconds: &'static str,
    /// Seconds each peer seals in a loop in-process.
    peer_seconds: &'static str,
    /// Whole-process runs of each contender (the median is taken).
    process_runs: usize,
    /// Reseal runs per thread count (the median is taken).
    reseal_runs: usize,
}

impl Settings {
    /// The settings of a full or a quick run.
    fn new(quick: bool) -> Self {
        if quick {
            Self {
                quick,
                criterion: &[
                    "--warm-up-time",
                    "0.5",
                    "--measurement-time",
                    "1",
                    "--sample-size",
                    "10",
                ],
                openssl_seconds: "1",
                peer_seconds: "1",
                process_runs: 10,
                reseal_runs: 1,
            }
        } else {
            Self {
                quick,
                criterion: &[],
                openssl_seconds: "3",
                peer_seconds: "3",
                process_runs: 30,
                reseal_runs: 3,
            }
        }
    }
}

/// Runs every measurement, prints the figures and the targets, writes `results.json`.
///
/// Returns `true` whether or not the targets were met (they are reported, not enforced).
///
/// # Errors
///
/// When something cannot be measured: a missing tool, an install, a build, a failed run.
pub(crate) fn run(quick: bool) -> Result<bool> {
    let started = Instant::now();
    let settings = Settings::new(quick);
    let paths = Paths::new()?;
    let dirs = Dirs::new(&paths)?;
    // Fail early on a missing tool, before any install or build.
    let openssl_version = tool_version("openssl", "version")?;
    let installed = peers::install(&paths)?;
    let machine = machine_facts(&installed.python)?;
    let binaries = Binaries::build(&paths, &dirs)?;
    let fixtures = Fixtures::write(&paths, &dirs, &binaries.aws_lc)?;
    let setup = started.elapsed();
    println!("\nsetup done in {:.0} s; measuring", setup.as_secs_f64());

    let criterion = run_criterion(&paths, &dirs, &settings)?;
    let openssl = openssl_speed(openssl_version, settings.openssl_seconds)?;
    let peers = PeerScripts {
        paths: &paths,
        installed: &installed,
    };
    let kubesealpy_rate = peers.rate(Peer::Kubesealpy, settings.peer_seconds)?;
    let linode_rate = peers.rate(Peer::Linode, settings.peer_seconds)?;
    let processes = whole_processes(&peers, &binaries, &fixtures, &dirs, &settings)?;
    let reseal = reseal(&paths, &binaries.aws_lc, &fixtures, &dirs, &settings)?;
    let rotation = rotation::rotation(&paths, &binaries.aws_lc, &fixtures, &dirs, &settings)?;

    let figures = Figures {
        machine,
        criterion,
        openssl,
        kubesealpy_rate,
        linode_rate,
        processes,
        reseal,
        rotation,
    };
    let targets = figures.targets()?;
    figures.print(&targets, &settings);
    let results = figures.to_json(&targets, &settings, started.elapsed());
    let results_file = dirs.bench.join("results.json");
    write_file(&results_file, &serde_json::to_vec_pretty(&results)?)?;
    let missed = targets.iter().filter(|t| !t.pass).count();
    println!(
        "\nbench: {} of {} targets met ({:.0} s, setup {:.0} s); figures in {}",
        targets.len() - missed,
        targets.len(),
        started.elapsed().as_secs_f64(),
        setup.as_secs_f64(),
        results_file.display()
    );
    if missed > 0 {
        println!(
            "{missed} target(s) MISSED: reported, not an error (exit status 0); see the MISS lines"
        );
    }
    Ok(true)
}

/// Directories under `target/`.
struct Dirs {
    /// `target/bench`: fixtures, copies, binaries, results.
    bench: PathBuf,
    /// Where criterion writes (`CRITERION_HOME`), emptied first so no old result is read.
    criterion: PathBuf,
}

impl Dirs {
    /// Creates `target/bench`.
    fn new(paths: &Paths) -> Result<Self> {
        let bench = paths.target.join("bench");
        fs::create_dir_all(&bench).with_context(|| format!("creating {}", bench.display()))?;
        Ok(Self {
            criterion: bench.join("criterion"),
            bench,
        })
    }

    /// The separate target directory of the pure-Rust backend's builds.
    fn rust_backend_target(&self) -> PathBuf {
        self.bench.join("rust-backend")
    }
}

/// The release `offseal` of each backend.
struct Binaries {
    /// Default features: the AWS-LC backend.
    aws_lc: PathBuf,
    /// `--no-default-features`: the pure-Rust backend.
    rust: PathBuf,
    /// `durable-write` (`benches/src/bin`), the floor of target 3.
    floor: PathBuf,
}

impl Binaries {
    /// Builds both (and the criterion benches of both, without running them), checking that
    /// each reports its backend.
    fn build(paths: &Paths, dirs: &Dirs) -> Result<Self> {
        let rust_target = dirs.rust_backend_target();
        let rust_target = path_str(&rust_target)?;
        let aws_lc = build_offseal(paths, &["--release"])?;
        let rust = build_offseal(
            paths,
            &[
                "--release",
                "--no-default-features",
                "--target-dir",
                rust_target,
            ],
        )?;
        for (exe, backend) in [(&aws_lc, "aws-lc"), (&rust, "rust")] {
            let output = Command::new(exe)
                .arg("--version")
                .stdin(Stdio::null())
                .output()
                .with_context(|| format!("running {}", exe.display()))?;
            let version = String::from_utf8_lossy(&output.stdout);
            ensure!(
                version.contains(&format!("(RSA: {backend};")),
                "{} reports {:?}, expected the {backend} backend",
                exe.display(),
                version.trim()
            );
        }
        for (what, flags) in criterion_builds(rust_target) {
            let mut cmd = cargo(paths);
            cmd.arg("bench").args(&flags).arg("--no-run");
            run_loud(&mut cmd, &format!("building the {what} benches"))?;
        }
        let floor = build_executable(paths, "offseal-benches", "durable-write", &["--release"])?;
        Ok(Self {
            aws_lc,
            rust,
            floor,
        })
    }
}

/// The two `cargo bench` invocations (without what follows `--`): AWS-LC (all benches), then
/// pure Rust (the RSA benches, in its own target directory).
fn criterion_builds(rust_target: &str) -> [(&'static str, Vec<&str>); 2] {
    let aws_lc = vec![
        "-p",
        "offseal-benches",
        "--features",
        "aws-lc",
        "--bench",
        "seal",
        "--bench",
        "open",
        "--bench",
        "edit",
    ];
    let rust = vec![
        "-p",
        "offseal-benches",
        "--bench",
        "seal",
        "--bench",
        "open",
        "--target-dir",
        rust_target,
    ];
    [("aws-lc", aws_lc), ("pure-Rust", rust)]
}

/// Files the process benchmarks work on.
struct Fixtures {
    /// The generated 300-line values file, never edited (copied before each run).
    main_job: PathBuf,
    /// 1,000 small values files with two values sealed with `controller-4096`.
    reseal: Vec<PathBuf>,
    /// The `az` credentials JSON the main job and the peers seal.
    credentials: PathBuf,
}

impl Fixtures {
    /// Generates the values files and seals the reseal files (one `offseal values` run).
    fn write(paths: &Paths, dirs: &Dirs, offseal: &Path) -> Result<Self> {
        let main_job = dirs.bench.join(format!("values-{MAIN_JOB_LINES}.yaml"));
        let text = offseal_benches::values_file(MAIN_JOB_LINES, 1);
        write_file(&main_job, text.as_bytes())?;
        let credentials = paths.root.join("testdata/az-credentials.json");

        let dir = fresh_dir(&dirs.bench.join("reseal/sealed"))?;
        let seed = 1000;
        let reseal: Vec<PathBuf> = (0..RESEAL_FILES)
            .map(|i| dir.join(format!("values-{i:04}.yaml")))
            .collect();
        for (file, seed) in reseal.iter().zip(seed..) {
            let text = offseal_benches::values_file(RESEAL_FILE_LINES, seed);
            write_file(file, text.as_bytes())?;
        }
        let mut cmd = values_command(offseal, &paths.cert(BITS), &credentials, &reseal);
        let output = cmd.output().context("running offseal values")?;
        ensure!(
            output.status.success(),
            "sealing the {RESEAL_FILES} reseal fixtures failed ({}): {}",
            output.status,
            first_line(&output.stderr)
        );
        println!(
            "fixtures: {} ({MAIN_JOB_LINES} lines), {RESEAL_FILES} sealed {RESEAL_FILE_LINES}-line \
             files in {}",
            main_job.display(),
            dir.display()
        );
        Ok(Self {
            main_job,
            reseal,
            credentials,
        })
    }
}

/// `offseal values FILES --cert CERT --credentials CREDS -n NS --name NAME`: the main job.
fn values_command(offseal: &Path, cert: &Path, credentials: &Path, files: &[PathBuf]) -> Command {
    let mut cmd = Command::new(offseal);
    cmd.args(values_args(cert, credentials, files))
        .stdin(Stdio::null())
        .stdout(Stdio::null());
    cmd
}

/// The arguments of [`values_command`].
fn values_args(cert: &Path, credentials: &Path, files: &[PathBuf]) -> Vec<OsString> {
    let mut args: Vec<OsString> = vec!["values".into()];
    args.extend(files.iter().map(OsString::from));
    args.extend(["--cert".into(), cert.into()]);
    args.extend(["--credentials".into(), credentials.into()]);
    args.extend(["-n", NAMESPACE, "--name", NAME].map(OsString::from));
    args
}

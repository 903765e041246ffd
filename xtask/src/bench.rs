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
//! `cargo xtask interop`'s code) in-process and as whole processes, the main job, the reseal.
//! It prints every figure and each target with PASS or MISS, and writes them to
//! `target/bench/results.json`. A missed target is a finding, not an error: exit 0. A missing
//! tool or a failed step is an error.

use std::ffi::OsString;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::{Context as _, Result, ensure};
use offseal_benches::{NAME, NAMESPACE};
use serde_json::{Value, json};

use crate::interop::{self, Offseal, Paths};

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
    let python = interop::ensure_venv(&paths)?;
    let node_prefix = interop::ensure_node(&paths)?;
    let machine = machine_facts(&python)?;
    let binaries = Binaries::build(&paths, &dirs)?;
    let fixtures = Fixtures::write(&paths, &dirs, &binaries.aws_lc)?;
    let setup = started.elapsed();
    println!("\nsetup done in {:.0} s; measuring", setup.as_secs_f64());

    let criterion = run_criterion(&paths, &dirs, &settings)?;
    let openssl = openssl_speed(openssl_version, settings.openssl_seconds)?;
    let peers = Peers {
        paths: &paths,
        python: &python,
        node_prefix: &node_prefix,
    };
    let kubesealpy_rate = peers.rate(Peer::Kubesealpy, settings.peer_seconds)?;
    let linode_rate = peers.rate(Peer::Linode, settings.peer_seconds)?;
    let processes = whole_processes(&peers, &binaries, &fixtures, &dirs, &settings)?;
    let reseal = reseal(&paths, &binaries.aws_lc, &fixtures, &dirs, &settings)?;

    let figures = Figures {
        machine,
        criterion,
        openssl,
        kubesealpy_rate,
        linode_rate,
        processes,
        reseal,
    };
    let targets = figures.targets()?;
    figures.print(&targets, &settings);
    let results = figures.to_json(&targets, &settings, started.elapsed());
    let results_file = dirs.bench.join("results.json");
    interop::write_file(&results_file, &serde_json::to_vec_pretty(&results)?)?;
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
        let bench = paths
            .interop
            .parent()
            .context("target/interop has no parent")?
            .join("bench");
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
}

impl Binaries {
    /// Builds both (and the criterion benches of both, without running them), checking that
    /// each reports its backend.
    fn build(paths: &Paths, dirs: &Dirs) -> Result<Self> {
        let rust_target = dirs.rust_backend_target();
        let rust_target = path_str(&rust_target)?;
        let aws_lc = Offseal::build(paths, &["--release"])?.exe;
        let rust = Offseal::build(
            paths,
            &[
                "--release",
                "--no-default-features",
                "--target-dir",
                rust_target,
            ],
        )?
        .exe;
        for (exe, backend) in [(&aws_lc, "aws-lc"), (&rust, "rust")] {
            let output = Command::new(exe)
                .arg("--version")
                .stdin(Stdio::null())
                .output()
                .with_context(|| format!("running {}", exe.display()))?;
            let version = String::from_utf8_lossy(&output.stdout);
            ensure!(
                version.contains(&format!("(RSA: {backend})")),
                "{} reports {:?}, expected the {backend} backend",
                exe.display(),
                version.trim()
            );
        }
        for (what, flags) in criterion_builds(rust_target) {
            let mut cmd = cargo(paths);
            cmd.arg("bench").args(&flags).arg("--no-run");
            interop::run_loud(&mut cmd, &format!("building the {what} benches"))?;
        }
        Ok(Self { aws_lc, rust })
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

/// `$CARGO` (or `cargo`) in the workspace root.
fn cargo(paths: &Paths) -> Command {
    let mut cmd = Command::new(std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into()));
    cmd.current_dir(&paths.root);
    cmd
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
        interop::write_file(&main_job, text.as_bytes())?;
        let credentials = paths.root.join("testdata/az-credentials.json");

        let dir = fresh_dir(&dirs.bench.join("reseal/sealed"))?;
        let seed = 1000;
        let reseal: Vec<PathBuf> = (0..RESEAL_FILES)
            .map(|i| dir.join(format!("values-{i:04}.yaml")))
            .collect();
        for (file, seed) in reseal.iter().zip(seed..) {
            let text = offseal_benches::values_file(RESEAL_FILE_LINES, seed);
            interop::write_file(file, text.as_bytes())?;
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

/// An empty directory (its old contents removed).
fn fresh_dir(dir: &Path) -> Result<PathBuf> {
    if dir.exists() {
        fs::remove_dir_all(dir).with_context(|| format!("removing {}", dir.display()))?;
    }
    fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
    Ok(dir.to_path_buf())
}

/// Runs the criterion benches of both backends; returns each benchmark's median time per
/// iteration in nanoseconds, by criterion id (`seal/aws-lc/4096`, ...).
fn run_criterion(paths: &Paths, dirs: &Dirs, settings: &Settings) -> Result<Vec<(String, f64)>> {
    fresh_dir(&dirs.criterion)?;
    let rust_target = dirs.rust_backend_target();
    for (what, flags) in criterion_builds(path_str(&rust_target)?) {
        println!("\n== criterion, {what} backend");
        let mut cmd = cargo(paths);
        cmd.arg("bench")
            .args(&flags)
            .args(["--", "--noplot"])
            .args(settings.criterion)
            .env("CRITERION_HOME", &dirs.criterion);
        interop::run_loud(&mut cmd, &format!("cargo bench ({what} backend)"))?;
    }
    let mut results = Vec::new();
    read_criterion(&dirs.criterion, &mut results)?;
    results.sort_by(|a, b| a.0.cmp(&b.0));
    Ok(results)
}

/// Collects `<id>/new/benchmark.json` and its `estimates.json` (median) under `dir`.
fn read_criterion(dir: &Path, results: &mut Vec<(String, f64)>) -> Result<()> {
    for entry in fs::read_dir(dir).with_context(|| format!("reading {}", dir.display()))? {
        let path = entry?.path();
        if path.is_dir() {
            read_criterion(&path, results)?;
        } else if path.file_name().is_some_and(|n| n == "benchmark.json")
            && dir.file_name().is_some_and(|n| n == "new")
        {
            let id = read_json(&path)?;
            let estimates = read_json(&path.with_file_name("estimates.json"))?;
            let full_id = id["full_id"]
                .as_str()
                .with_context(|| format!("{}: no full_id", path.display()))?;
            let median = estimates["median"]["point_estimate"]
                .as_f64()
                .with_context(|| format!("{}: no median", dir.display()))?;
            results.push((full_id.to_owned(), median));
        }
    }
    Ok(())
}

/// Reads a JSON file.
fn read_json(path: &Path) -> Result<Value> {
    let text = fs::read(path).with_context(|| format!("reading {}", path.display()))?;
    serde_json::from_slice(&text).with_context(|| format!("parsing {}", path.display()))
}

/// `openssl speed rsa4096`: operations per second.
struct OpensslSpeed {
    /// `openssl version`.
    version: String,
    /// Public-key operations (the verify column) per second.
    public_ops: f64,
    /// Private-key operations (the sign column) per second.
    private_ops: f64,
}

/// Runs `openssl speed -mr -elapsed -seconds S rsa4096` (wall-clock time, as criterion's).
fn openssl_speed(version: String, seconds: &str) -> Result<OpensslSpeed> {
    println!("\n== openssl speed rsa{BITS} ({seconds} s per operation)");
    let algorithm = format!("rsa{BITS}");
    let output = Command::new("openssl")
        .args(["speed", "-mr", "-elapsed", "-seconds", seconds, &algorithm])
        .stdin(Stdio::null())
        .stderr(Stdio::null())
        .output()
        .context("could not run openssl speed")?;
    ensure!(
        output.status.success(),
        "openssl speed failed ({})",
        output.status
    );
    let out = String::from_utf8_lossy(&output.stdout);
    // `+F2:<index>:<bits>:<sign/s>:<verify/s>`
    let fields: Vec<&str> = out
        .lines()
        .find(|l| l.starts_with("+F2:"))
        .context("openssl speed printed no +F2 line")?
        .split(':')
        .collect();
    let number = |i: usize| -> Result<f64> {
        fields
            .get(i)
            .and_then(|f| f.trim().parse().ok())
            .with_context(|| format!("openssl speed: unexpected line {fields:?}"))
    };
    ensure!(
        fields.get(2) == Some(&BITS.to_string().as_str()),
        "openssl speed measured another key size: {fields:?}"
    );
    Ok(OpensslSpeed {
        version,
        private_ops: number(3)?,
        public_ops: number(4)?,
    })
}

/// The peers offseal is measured against.
#[derive(Clone, Copy)]
enum Peer {
    /// PyPI kubesealpy (Python `cryptography`, OpenSSL underneath).
    Kubesealpy,
    /// npm @linode/kubeseal-encrypt (Node's WebCrypto).
    Linode,
}

impl Peer {
    /// Its name in the report.
    fn name(self) -> &'static str {
        match self {
            Self::Kubesealpy => "kubesealpy",
            Self::Linode => "@linode",
        }
    }
}

/// How to run the peers' scripts (`xtask/bench/*`).
struct Peers<'a> {
    /// Workspace paths.
    paths: &'a Paths,
    /// The interop venv's python.
    python: &'a Path,
    /// The interop npm prefix.
    node_prefix: &'a Path,
}

impl Peers<'_> {
    /// The command that seals the two credentials once (the whole-process benchmark); with
    /// `seconds`, it then seals in a loop and prints its rate.
    fn command(&self, peer: Peer, seconds: Option<&str>) -> Command {
        let scripts = self.paths.root.join("xtask/bench");
        let credentials = self.paths.root.join("testdata/az-credentials.json");
        let mut cmd = match peer {
            Peer::Kubesealpy => {
                let mut cmd = Command::new(self.python);
                cmd.arg(scripts.join("kubesealpy_seal.py"))
                    .arg(self.paths.cert(BITS));
                cmd
            }
            Peer::Linode => {
                // It takes a bare public key, not a certificate.
                let mut cmd = Command::new("node");
                cmd.arg(scripts.join("linode_seal.cjs"))
                    .arg(self.node_prefix)
                    .arg(self.paths.keys.join(format!("controller-{BITS}.pub.pem")));
                cmd
            }
        };
        cmd.arg(credentials).args(seconds).stdin(Stdio::null());
        cmd
    }

    /// Values per second the peer seals in-process (4096-bit, after loading the key).
    fn rate(&self, peer: Peer, seconds: &str) -> Result<PeerRate> {
        println!("\n== {} in-process, {seconds} s", peer.name());
        let output = self
            .command(peer, Some(seconds))
            .stderr(Stdio::inherit())
            .output()
            .with_context(|| format!("running the {} script", peer.name()))?;
        ensure!(
            output.status.success(),
            "the {} script failed ({})",
            peer.name(),
            output.status
        );
        let stdout = String::from_utf8_lossy(&output.stdout);
        let line = stdout.lines().last().unwrap_or_default();
        let result: Value = serde_json::from_str(line)
            .with_context(|| format!("{}: expected a JSON line, got {line:?}", peer.name()))?;
        let rate = result["rate"]
            .as_f64()
            .with_context(|| format!("{}: no rate in {line}", peer.name()))?;
        let version = result["version"].as_str().unwrap_or("?").to_owned();
        println!("{} {version}: {rate:.0} values/s", peer.name());
        Ok(PeerRate { rate, version })
    }
}

/// A peer's in-process sealing rate.
struct PeerRate {
    /// Values per second.
    rate: f64,
    /// The package's version.
    version: String,
}

/// Whole-process medians, in seconds.
struct Processes {
    /// Runs per contender.
    runs: usize,
    /// `offseal values` (AWS-LC) on a fresh copy of the 300-line file.
    offseal_aws_lc: f64,
    /// The same with the pure-Rust backend.
    offseal_rust: f64,
    /// Peak RSS of one `offseal values` run (AWS-LC), bytes.
    offseal_peak_rss: u64,
    /// Python importing kubesealpy and sealing two values.
    kubesealpy: f64,
    /// Node loading @linode/kubeseal-encrypt and sealing two values.
    linode: f64,
}

/// Runs the four contenders round-robin (so drifts in the machine's speed hit them alike),
/// after one untimed warm-up run each; returns their medians.
fn whole_processes(
    peers: &Peers<'_>,
    binaries: &Binaries,
    fixtures: &Fixtures,
    dirs: &Dirs,
    settings: &Settings,
) -> Result<Processes> {
    let runs = settings.process_runs;
    println!("\n== whole processes, two values each, median of {runs}");
    let work = fresh_dir(&dirs.bench.join("work"))?;
    let file = work.join("values.yaml");
    let cert = peers.paths.cert(BITS);
    let offseal = |exe: &Path| -> Result<Duration> {
        fs::copy(&fixtures.main_job, &file).context("copying the values file")?;
        let cmd = values_command(
            exe,
            &cert,
            &fixtures.credentials,
            std::slice::from_ref(&file),
        );
        time_run(cmd, "offseal values")
    };
    let peer = |peer: Peer| time_run(peers.command(peer, None), peer.name());
    let mut times: [Vec<Duration>; 4] = Default::default();
    for run in 0..=runs {
        let round = [
            offseal(&binaries.aws_lc)?,
            offseal(&binaries.rust)?,
            peer(Peer::Kubesealpy)?,
            peer(Peer::Linode)?,
        ];
        if run == 0 {
            check_sealed(&file)?;
            continue;
        }
        for (list, time) in times.iter_mut().zip(round) {
            list.push(time);
        }
    }
    fs::copy(&fixtures.main_job, &file).context("copying the values file")?;
    let peak = measure(
        &binaries.aws_lc,
        &values_args(&cert, &fixtures.credentials, std::slice::from_ref(&file)),
        None,
    )?;
    let [aws_lc, rust, kubesealpy, linode] = times.map(median);
    Ok(Processes {
        runs,
        offseal_aws_lc: aws_lc,
        offseal_rust: rust,
        offseal_peak_rss: peak.peak_rss,
        kubesealpy,
        linode,
    })
}

/// The main job really sealed two values into the file (a guard against timing a failure).
fn check_sealed(file: &Path) -> Result<()> {
    let text = fs::read_to_string(file).with_context(|| format!("reading {}", file.display()))?;
    for key in ["client_id:", "client_secret:"] {
        let sealed = text.lines().any(|line| {
            line.trim_start()
                .strip_prefix(key)
                .map(|v| v.trim_start().trim_start_matches(['"', '\'']))
                .is_some_and(|v| v.starts_with("Ag") && v.len() > 600)
        });
        ensure!(
            sealed,
            "offseal values left no sealed value at {key:?} in {}",
            file.display()
        );
    }
    Ok(())
}

/// Wall time of one run of `cmd` (stdout discarded); a failed run is an error.
fn time_run(mut cmd: Command, what: &str) -> Result<Duration> {
    let start = Instant::now();
    let output = cmd
        .stdout(Stdio::null())
        .output()
        .with_context(|| format!("running {what}"))?;
    let elapsed = start.elapsed();
    ensure!(
        output.status.success(),
        "{what} failed ({}): {}",
        output.status,
        first_line(&output.stderr)
    );
    Ok(elapsed)
}

/// The median, in seconds.
fn median(mut times: Vec<Duration>) -> f64 {
    times.sort();
    let n = times.len();
    match n {
        0 => f64::NAN,
        _ if n % 2 == 1 => times[n / 2].as_secs_f64(),
        _ => (times[n / 2 - 1] + times[n / 2]).as_secs_f64() / 2.0,
    }
}

/// The 1,000-file reseal on one and two threads.
struct Reseal {
    /// Runs per thread count.
    runs: usize,
    /// Median wall time with `RAYON_NUM_THREADS=1`, seconds.
    one_thread: f64,
    /// Median wall time with `RAYON_NUM_THREADS=2`, seconds.
    two_threads: f64,
    /// Highest peak RSS of the one-thread runs, bytes.
    peak_one: u64,
    /// Highest peak RSS of the two-thread runs, bytes.
    peak_two: u64,
    /// How peak RSS was measured.
    rss_method: &'static str,
}

/// `offseal reseal` of fresh copies of the 1,000 sealed files, from `controller-4096` to
/// `rotated-4096`, alternating 1 and 2 threads.
fn reseal(
    paths: &Paths,
    offseal: &Path,
    fixtures: &Fixtures,
    dirs: &Dirs,
    settings: &Settings,
) -> Result<Reseal> {
    let runs = settings.reseal_runs;
    println!(
        "\n== offseal reseal of {RESEAL_FILES} files (AWS-LC), 1 and 2 threads, {runs} run(s) each"
    );
    let work = dirs.bench.join("reseal/work");
    let copies: Vec<PathBuf> = fixtures
        .reseal
        .iter()
        .filter_map(|f| f.file_name().map(|name| work.join(name)))
        .collect();
    let mut args: Vec<OsString> = vec!["reseal".into()];
    args.extend(copies.iter().map(OsString::from));
    args.extend([
        "--recovery-private-key".into(),
        paths.key(BITS).into(),
        "--cert".into(),
        paths.keys.join(format!("rotated-{BITS}.crt.pem")).into(),
    ]);
    let mut times: [Vec<Duration>; 2] = Default::default();
    let mut peaks = [0u64; 2];
    let mut rss_method = "";
    for _ in 0..runs {
        for (threads, (list, peak)) in ["1", "2"].into_iter().zip(times.iter_mut().zip(&mut peaks))
        {
            fresh_dir(&work)?;
            for (from, to) in fixtures.reseal.iter().zip(&copies) {
                fs::copy(from, to).with_context(|| format!("copying {}", from.display()))?;
            }
            let measured = measure(offseal, &args, Some(threads))?;
            println!(
                "  {threads} thread(s): {:.2} s, peak RSS {:.1} MB",
                measured.wall.as_secs_f64(),
                mb(measured.peak_rss)
            );
            list.push(measured.wall);
            *peak = (*peak).max(measured.peak_rss);
            rss_method = measured.method;
            let (first, copy) = (&fixtures.reseal[0], &copies[0]);
            ensure!(
                fs::read(first)? != fs::read(copy)?,
                "offseal reseal left {} unchanged",
                copy.display()
            );
        }
    }
    let [one_thread, two_threads] = times.map(median);
    Ok(Reseal {
        runs,
        one_thread,
        two_threads,
        peak_one: peaks[0],
        peak_two: peaks[1],
        rss_method,
    })
}

/// One measured run: wall time and peak RSS.
struct Measured {
    /// Wall time (with GNU time, its own start of about a millisecond included).
    wall: Duration,
    /// Peak resident set size (`VmHWM`), bytes.
    peak_rss: u64,
    /// How the peak was measured.
    method: &'static str,
}

/// Runs `program args` (with `RAYON_NUM_THREADS` when given; output discarded) and measures
/// its peak RSS: with GNU time's `%M` when `/usr/bin/time` is there, else by polling the
/// child's `VmHWM` in `/proc/<pid>/status` until it exits (a high-water mark, so polling
/// misses at most the growth of its last milliseconds). A failed run is an error.
fn measure(program: &Path, args: &[OsString], threads: Option<&str>) -> Result<Measured> {
    let what = program.display().to_string();
    let gnu_time = Path::new(GNU_TIME).exists();
    let report = std::env::temp_dir().join(format!("offseal-bench-rss-{}", std::process::id()));
    let mut cmd = if gnu_time {
        let mut cmd = Command::new(GNU_TIME);
        cmd.args(["-f", "%M", "-o"]).arg(&report).arg(program);
        cmd
    } else {
        Command::new(program)
    };
    cmd.args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null());
    if let Some(threads) = threads {
        cmd.env("RAYON_NUM_THREADS", threads);
    }
    let start = Instant::now();
    let mut child = cmd.spawn().with_context(|| format!("running {what}"))?;
    let mut polled_kib = 0;
    let status = if gnu_time {
        child.wait()?
    } else {
        loop {
            if let Some(status) = child.try_wait()? {
                break status;
            }
            polled_kib = polled_kib.max(vm_hwm_kib(child.id()).unwrap_or(0));
            std::thread::sleep(Duration::from_millis(2));
        }
    };
    let wall = start.elapsed();
    ensure!(status.success(), "{what} {args:?} failed ({status})");
    let (kib, method) = if gnu_time {
        let text = fs::read_to_string(&report).context("reading GNU time's report")?;
        let _ = fs::remove_file(&report);
        let kib = text
            .lines()
            .last()
            .and_then(|l| l.trim().parse::<u64>().ok())
            .with_context(|| format!("GNU time reported {text:?}"))?;
        (kib, "GNU time %M")
    } else {
        (polled_kib, "polled VmHWM")
    };
    Ok(Measured {
        wall,
        peak_rss: kib * 1024,
        method,
    })
}

/// `VmHWM` of a running process, KiB.
fn vm_hwm_kib(pid: u32) -> Option<u64> {
    let status = fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

/// What machine and tools this is.
struct Machine {
    /// `/proc/cpuinfo` model name.
    cpu: String,
    /// Available parallelism (as `nproc`).
    cores: usize,
    /// Kernel release.
    kernel: String,
    /// `rustc --version`.
    rustc: String,
    /// `python --version` of the interop venv.
    python: String,
    /// `node --version`.
    node: String,
}

/// Reads the machine facts and the tools' versions; fails when a tool is missing.
fn machine_facts(python: &Path) -> Result<Machine> {
    let cpuinfo = fs::read_to_string("/proc/cpuinfo").unwrap_or_default();
    let cpu = cpuinfo
        .lines()
        .find_map(|l| l.strip_prefix("model name"))
        .and_then(|l| l.split_once(':'))
        .map_or("unknown", |(_, model)| model.trim())
        .to_owned();
    let cores = std::thread::available_parallelism().map_or(1, usize::from);
    let kernel = fs::read_to_string("/proc/sys/kernel/osrelease")
        .unwrap_or_default()
        .trim()
        .to_owned();
    let rustc = tool_version("rustc", "--version")?;
    let python = tool_version(python, "--version")?;
    let node = tool_version("node", "--version")?;
    println!("machine: {cpu}, {cores} cores, Linux {kernel}; {rustc}; {python}; node {node}");
    Ok(Machine {
        cpu,
        cores,
        kernel,
        rustc,
        python,
        node,
    })
}

/// `TOOL ARG` (`--version`, or `version` for openssl): its output, or an error saying that the
/// tool is missing.
fn tool_version(tool: impl AsRef<std::ffi::OsStr>, arg: &str) -> Result<String> {
    let tool = tool.as_ref();
    let name = tool.to_string_lossy();
    let output = Command::new(tool)
        .arg(arg)
        .stdin(Stdio::null())
        .output()
        .with_context(|| format!("{name} is missing: `cargo xtask bench` needs it"))?;
    ensure!(output.status.success(), "`{name} {arg}` failed");
    Ok(String::from_utf8_lossy(&output.stdout).trim().to_owned())
}

/// Every figure of the run.
struct Figures {
    /// The machine.
    machine: Machine,
    /// Criterion medians, ns per iteration, by id.
    criterion: Vec<(String, f64)>,
    /// OpenSSL's RSA rates.
    openssl: OpensslSpeed,
    /// kubesealpy in-process.
    kubesealpy_rate: PeerRate,
    /// @linode in-process.
    linode_rate: PeerRate,
    /// Whole-process medians.
    processes: Processes,
    /// The reseal.
    reseal: Reseal,
}

/// One target and how it went.
struct Target {
    /// The number of the target.
    number: u8,
    /// What is compared.
    what: String,
    /// The measured ratio (or value).
    value: String,
    /// The bar.
    bar: String,
    /// Whether it was met.
    pass: bool,
}

impl Target {
    /// A ratio that must reach `bar`.
    fn at_least(number: u8, what: String, value: f64, bar: f64) -> Self {
        Self {
            number,
            what,
            value: format!("{value:.2}x"),
            bar: format!(">= {bar}x"),
            pass: value >= bar,
        }
    }
}

impl Figures {
    /// Each peer with its in-process rate.
    fn peer_rates(&self) -> [(Peer, &PeerRate); 2] {
        [
            (Peer::Kubesealpy, &self.kubesealpy_rate),
            (Peer::Linode, &self.linode_rate),
        ]
    }

    /// A criterion median (ns), which must have been measured.
    fn criterion_ns(&self, id: &str) -> Result<f64> {
        self.criterion
            .iter()
            .find(|(i, _)| i == id)
            .map(|(_, ns)| *ns)
            .with_context(|| format!("criterion reported no {id}"))
    }

    /// The targets, judged.
    fn targets(&self) -> Result<Vec<Target>> {
        let rate = |id: &str| self.criterion_ns(id).map(|ns| 1e9 / ns);
        let aws_lc = rate(&format!("seal/aws-lc/{BITS}"))?;
        let rust = rate(&format!("seal/rust/{BITS}"))?;
        let openssl = self.openssl.public_ops;
        let mut targets = vec![Target::at_least(
            1,
            format!("aws-lc seal {BITS} / OpenSSL public op"),
            aws_lc / openssl,
            0.9,
        )];
        for (peer, rate) in self.peer_rates() {
            let value = aws_lc / rate.rate;
            targets.push(Target {
                number: 1,
                what: format!("aws-lc seal {BITS} / {} in-process", peer.name()),
                value: format!("{value:.2}x"),
                bar: "> 1x".to_owned(),
                pass: value > 1.0,
            });
        }
        targets.push(Target::at_least(
            2,
            format!("rust seal {BITS} / OpenSSL public op"),
            rust / openssl,
            0.3,
        ));
        let p = &self.processes;
        let (fastest, fastest_time) = if p.kubesealpy <= p.linode {
            (Peer::Kubesealpy, p.kubesealpy)
        } else {
            (Peer::Linode, p.linode)
        };
        targets.push(Target::at_least(
            3,
            format!("fastest peer process ({}) / offseal values", fastest.name()),
            fastest_time / p.offseal_aws_lc,
            30.0,
        ));
        let r = &self.reseal;
        targets.push(Target::at_least(
            4,
            format!("reseal {RESEAL_FILES} files: 1 thread / 2 threads"),
            r.one_thread / r.two_threads,
            1.7,
        ));
        let peak = r.peak_one.max(r.peak_two);
        targets.push(Target {
            number: 4,
            what: format!("reseal {RESEAL_FILES} files: peak RSS, {}", r.rss_method),
            value: format!("{:.1} MB", mb(peak)),
            bar: format!("< {} MB", PEAK_RSS_LIMIT / 1_000_000),
            pass: peak < PEAK_RSS_LIMIT,
        });
        Ok(targets)
    }

    /// Prints the figures and the targets as Markdown tables (for BENCHMARKS.md too).
    fn print(&self, targets: &[Target], settings: &Settings) {
        let m = &self.machine;
        let o = &self.openssl;
        let p = &self.processes;
        let r = &self.reseal;
        println!("\n== results\n");
        println!(
            "{}, {} cores, Linux {}; {}; {}; {}; node {}\n",
            m.cpu, m.cores, m.kernel, m.rustc, o.version, m.python, m.node
        );
        let row = |what: &str, time: String, other: String| {
            println!("| {what:<56} | {time:>10} | {other:>12} |");
        };
        row("figure", "time".into(), "rate / peak".into());
        println!("|{:-<58}|{:->12}|{:->14}|", "", ":", ":");
        for (id, ns) in &self.criterion {
            let what = format!("criterion {id} (median)");
            row(&what, duration(ns / 1e9), per_second(1e9 / ns));
        }
        for (what, rate) in [
            ("public op (verify)", o.public_ops),
            ("private op (sign)", o.private_ops),
        ] {
            let what = format!("openssl speed rsa{BITS}, {what}");
            row(&what, duration(1.0 / rate), per_second(rate));
        }
        for (peer, rate) in self.peer_rates() {
            let what = format!("{} {}, in-process seal {BITS}", peer.name(), rate.version);
            row(&what, duration(1.0 / rate.rate), per_second(rate.rate));
        }
        let runs = p.runs;
        let peak = format!("{:.1} MB", mb(p.offseal_peak_rss));
        for (what, secs, other) in [
            ("offseal aws-lc", p.offseal_aws_lc, peak),
            ("offseal rust", p.offseal_rust, String::new()),
            ("kubesealpy", p.kubesealpy, String::new()),
            ("@linode", p.linode, String::new()),
        ] {
            let what = format!("process sealing 2 values (median of {runs}): {what}");
            row(&what, duration(secs), other);
        }
        for (what, secs, peak) in [
            ("1 thread", r.one_thread, r.peak_one),
            ("2 threads", r.two_threads, r.peak_two),
        ] {
            let what = format!("reseal {RESEAL_FILES} files (median of {}): {what}", r.runs);
            row(&what, duration(secs), format!("{:.1} MB", mb(peak)));
        }
        println!(
            "\n| # | {:<56} | {:>9} | {:>8} | verdict |",
            "target", "measured", "bar"
        );
        println!("|--:|{:-<58}|{:->11}|{:->10}|:-------:|", "", ":", ":");
        for t in targets {
            let verdict = if t.pass { "PASS" } else { "MISS" };
            println!(
                "| {} | {:<56} | {:>9} | {:>8} | {verdict:^7} |",
                t.number, t.what, t.value, t.bar
            );
        }
        if settings.quick {
            println!("\n(--quick: shorter runs, noisier figures)");
        }
    }

    /// The figures and targets as JSON, for `target/bench/results.json`.
    fn to_json(&self, targets: &[Target], settings: &Settings, took: Duration) -> Value {
        let m = &self.machine;
        let p = &self.processes;
        let r = &self.reseal;
        json!({
            "quick": settings.quick,
            "seconds": took.as_secs_f64(),
            "machine": {
                "cpu": m.cpu, "cores": m.cores, "kernel": m.kernel, "rustc": m.rustc,
                "openssl": self.openssl.version, "python": m.python, "node": m.node,
            },
            "criterion_median_ns": self.criterion.iter()
                .map(|(id, ns)| (id.clone(), json!(ns)))
                .collect::<serde_json::Map<_, _>>(),
            "openssl_rsa4096_per_s": {"public": self.openssl.public_ops, "private": self.openssl.private_ops},
            "in_process_seal_4096_per_s": {
                "kubesealpy": self.kubesealpy_rate.rate, "kubesealpy_version": self.kubesealpy_rate.version,
                "linode": self.linode_rate.rate, "linode_version": self.linode_rate.version,
            },
            "whole_process_median_s": {
                "runs": p.runs, "offseal_aws_lc": p.offseal_aws_lc, "offseal_rust": p.offseal_rust,
                "kubesealpy": p.kubesealpy, "linode": p.linode,
            },
            "offseal_values_peak_rss_bytes": p.offseal_peak_rss,
            "reseal": {
                "files": RESEAL_FILES, "runs": r.runs, "one_thread_s": r.one_thread,
                "two_threads_s": r.two_threads, "peak_rss_one_bytes": r.peak_one,
                "peak_rss_two_bytes": r.peak_two, "rss_method": r.rss_method,
            },
            "targets": targets.iter().map(|t| json!({
                "number": t.number, "what": t.what, "measured": t.value, "bar": t.bar, "pass": t.pass,
            })).collect::<Vec<_>>(),
        })
    }
}

/// Seconds as µs, ms or s.
fn duration(secs: f64) -> String {
    if secs < 1e-3 {
        format!("{:.1} µs", secs * 1e6)
    } else if secs < 1.0 {
        format!("{:.2} ms", secs * 1e3)
    } else {
        format!("{secs:.2} s")
    }
}

/// A rate per second.
fn per_second(rate: f64) -> String {
    format!("{rate:.0}/s")
}

/// Bytes as (decimal) megabytes.
fn mb(bytes: u64) -> f64 {
    // Exact for any RSS below 2^53 bytes.
    let bytes = u32::try_from(bytes / 1000).map_or(f64::MAX, f64::from);
    bytes / 1000.0
}

/// A path as UTF-8 (cargo flags need it).
fn path_str(path: &Path) -> Result<&str> {
    path.to_str()
        .with_context(|| format!("{} is not UTF-8", path.display()))
}

/// The first line of a program's stderr.
fn first_line(stderr: &[u8]) -> String {
    String::from_utf8_lossy(stderr)
        .lines()
        .next()
        .unwrap_or("")
        .to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn median_of_odd_and_even_counts() {
        let ms = |v: &[u64]| v.iter().map(|&m| Duration::from_millis(m)).collect();
        assert!((median(ms(&[3, 1, 2])) - 0.002).abs() < 1e-12);
        assert!((median(ms(&[4, 1, 2, 3])) - 0.0025).abs() < 1e-12);
        assert!(median(Vec::new()).is_nan());
    }

    #[test]
    fn durations_read_well() {
        assert_eq!(duration(62e-6), "62.0 µs");
        assert_eq!(duration(0.082), "82.00 ms");
        assert_eq!(duration(4.5), "4.50 s");
        assert!((mb(19_500_000) - 19.5).abs() < 1e-9);
    }
}

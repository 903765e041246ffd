//! The measurements: criterion, `openssl speed`, the peers in-process and as whole processes,
//! the main job, the reseal, and peak memory.

use std::ffi::OsString;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::{Context as _, Result, ensure};
use serde_json::Value;

use super::report::mb;
use super::{
    BITS, Binaries, Dirs, Fixtures, GNU_TIME, RESEAL_FILES, Settings, criterion_builds,
    values_args, values_command,
};
use crate::paths::{Paths, fresh_dir, path_str};
use crate::peers::Installed;
use crate::process::{cargo, first_line, run_loud};

/// Runs the criterion benches of both backends; returns each benchmark's median time per
/// iteration in nanoseconds, by criterion id (`seal/aws-lc/4096`, ...).
pub(super) fn run_criterion(
    paths: &Paths,
    dirs: &Dirs,
    settings: &Settings,
) -> Result<Vec<(String, f64)>> {
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
        run_loud(&mut cmd, &format!("cargo bench ({what} backend)"))?;
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
pub(super) struct OpensslSpeed {
    /// `openssl version`.
    pub(super) version: String,
    /// Public-key operations (the verify column) per second.
    pub(super) public_ops: f64,
    /// Private-key operations (the sign column) per second.
    pub(super) private_ops: f64,
}

/// Runs `openssl speed -mr -elapsed -seconds S rsa4096` (wall-clock time, as criterion's).
pub(super) fn openssl_speed(version: String, seconds: &str) -> Result<OpensslSpeed> {
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
pub(super) enum Peer {
    /// PyPI kubesealpy (Python `cryptography`, OpenSSL underneath).
    Kubesealpy,
    /// npm @linode/kubeseal-encrypt (Node's WebCrypto).
    Linode,
}

impl Peer {
    /// Its name in the report.
    pub(super) fn name(self) -> &'static str {
        match self {
            Self::Kubesealpy => "kubesealpy",
            Self::Linode => "@linode",
        }
    }
}

/// How to run the peers' scripts (`xtask/bench/*`).
pub(super) struct PeerScripts<'a> {
    /// Workspace paths.
    pub(super) paths: &'a Paths,
    /// The pinned peers' installs.
    pub(super) installed: &'a Installed,
}

impl PeerScripts<'_> {
    /// The command that seals the two credentials once (the whole-process benchmark); with
    /// `seconds`, it then seals in a loop and prints its rate.
    fn command(&self, peer: Peer, seconds: Option<&str>) -> Command {
        let scripts = self.paths.root.join("xtask/bench");
        let credentials = self.paths.root.join("testdata/az-credentials.json");
        let mut cmd = match peer {
            Peer::Kubesealpy => {
                let mut cmd = Command::new(&self.installed.python);
                cmd.arg(scripts.join("kubesealpy_seal.py"))
                    .arg(self.paths.cert(BITS));
                cmd
            }
            Peer::Linode => {
                // It takes a bare public key, not a certificate.
                let mut cmd = Command::new("node");
                cmd.arg(scripts.join("linode_seal.cjs"))
                    .arg(&self.installed.node_prefix)
                    .arg(self.paths.keys.join(format!("controller-{BITS}.pub.pem")));
                cmd
            }
        };
        cmd.arg(credentials).args(seconds).stdin(Stdio::null());
        cmd
    }

    /// Values per second the peer seals in-process (4096-bit, after loading the key).
    pub(super) fn rate(&self, peer: Peer, seconds: &str) -> Result<PeerRate> {
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
pub(super) struct PeerRate {
    /// Values per second.
    pub(super) rate: f64,
    /// The package's version.
    pub(super) version: String,
}

/// Whole-process medians, in seconds.
pub(super) struct Processes {
    /// Runs per contender.
    pub(super) runs: usize,
    /// `offseal values` (AWS-LC) on a fresh copy of the 300-line file.
    pub(super) offseal_aws_lc: f64,
    /// The same with the pure-Rust backend.
    pub(super) offseal_rust: f64,
    /// Peak RSS of one `offseal values` run (AWS-LC), bytes.
    pub(super) offseal_peak_rss: u64,
    /// Python importing kubesealpy and sealing two values.
    pub(super) kubesealpy: f64,
    /// Node loading @linode/kubeseal-encrypt and sealing two values.
    pub(super) linode: f64,
    /// The floor: `durable-write` writing the values file back as offseal writes it.
    pub(super) floor: f64,
}

impl Processes {
    /// The peer whose whole process is fastest, and its time.
    pub(super) fn fastest_peer(&self) -> (Peer, f64) {
        if self.kubesealpy <= self.linode {
            (Peer::Kubesealpy, self.kubesealpy)
        } else {
            (Peer::Linode, self.linode)
        }
    }
}

/// Runs the contenders round-robin (so drifts in the machine's speed hit them alike), after
/// one untimed warm-up run each; returns their medians. Beside offseal and the peers runs the
/// floor, `durable-write`: start, read the file, write it back durably, nothing else.
pub(super) fn whole_processes(
    peers: &PeerScripts<'_>,
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
    let fresh_copy = || fs::copy(&fixtures.main_job, &file).context("copying the values file");
    let offseal = |exe: &Path| -> Result<Duration> {
        fresh_copy()?;
        let cmd = values_command(
            exe,
            &cert,
            &fixtures.credentials,
            std::slice::from_ref(&file),
        );
        time_run(cmd, "offseal values")
    };
    let floor = || -> Result<Duration> {
        fresh_copy()?;
        let mut cmd = Command::new(&binaries.floor);
        cmd.arg(&file).stdin(Stdio::null());
        time_run(cmd, "durable-write")
    };
    let peer = |peer: Peer| time_run(peers.command(peer, None), peer.name());
    let mut times: [Vec<Duration>; 5] = Default::default();
    for run in 0..=runs {
        // The floor first: the file then holds offseal's result for `check_sealed`.
        let round = [
            floor()?,
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
    let [floor, aws_lc, rust, kubesealpy, linode] = times.map(median);
    Ok(Processes {
        runs,
        offseal_aws_lc: aws_lc,
        offseal_rust: rust,
        offseal_peak_rss: peak.peak_rss,
        kubesealpy,
        linode,
        floor,
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
pub(super) fn median(mut times: Vec<Duration>) -> f64 {
    times.sort();
    let n = times.len();
    match n {
        0 => f64::NAN,
        _ if n % 2 == 1 => times[n / 2].as_secs_f64(),
        _ => (times[n / 2 - 1] + times[n / 2]).as_secs_f64() / 2.0,
    }
}

/// The 1,000-file reseal on one and two threads.
pub(super) struct Reseal {
    /// Runs per thread count.
    pub(super) runs: usize,
    /// Median wall time with `RAYON_NUM_THREADS=1`, seconds.
    pub(super) one_thread: f64,
    /// Median wall time with `RAYON_NUM_THREADS=2`, seconds.
    pub(super) two_threads: f64,
    /// Highest peak RSS of the one-thread runs, bytes.
    pub(super) peak_one: u64,
    /// Highest peak RSS of the two-thread runs, bytes.
    pub(super) peak_two: u64,
    /// How peak RSS was measured.
    pub(super) rss_method: &'static str,
}

/// `offseal reseal` of fresh copies of the 1,000 sealed files, from `controller-4096` to
/// `rotated-4096`, alternating 1 and 2 threads.
pub(super) fn reseal(
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
pub(super) struct Measured {
    /// Wall time (with GNU time, its own start of about a millisecond included).
    pub(super) wall: Duration,
    /// Peak resident set size (`VmHWM`), bytes.
    peak_rss: u64,
    /// How the peak was measured.
    method: &'static str,
}

/// Runs `program args` (with `RAYON_NUM_THREADS` when given; output discarded) and measures
/// its peak RSS: with GNU time's `%M` when `/usr/bin/time` is there, else by polling the
/// child's `VmHWM` in `/proc/<pid>/status` until it exits (a high-water mark, so polling
/// misses at most the growth of its last milliseconds). A failed run is an error.
pub(super) fn measure(
    program: &Path,
    args: &[OsString],
    threads: Option<&str>,
) -> Result<Measured> {
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
pub(super) struct Machine {
    /// `/proc/cpuinfo` model name.
    pub(super) cpu: String,
    /// Available parallelism (as `nproc`).
    pub(super) cores: usize,
    /// Kernel release.
    pub(super) kernel: String,
    /// `rustc --version`.
    pub(super) rustc: String,
    /// `python --version` of the interop venv.
    pub(super) python: String,
    /// `node --version`.
    pub(super) node: String,
}

/// Reads the machine facts and the tools' versions; fails when a tool is missing.
pub(super) fn machine_facts(python: &Path) -> Result<Machine> {
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
pub(super) fn tool_version(tool: impl AsRef<std::ffi::OsStr>, arg: &str) -> Result<String> {
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

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::median;

    #[test]
    fn median_of_odd_and_even_counts() {
        let ms = |v: &[u64]| v.iter().map(|&m| Duration::from_millis(m)).collect();
        assert!((median(ms(&[3, 1, 2])) - 0.002).abs() < 1e-12);
        assert!((median(ms(&[4, 1, 2, 3])) - 0.0025).abs() < 1e-12);
        assert!(median(Vec::new()).is_nan());
    }
}

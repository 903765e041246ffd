//! `cargo xtask fuzz [--seconds N]`: runs every cargo-fuzz target of `fuzz/` for N seconds.
//!
//! Steps: install cargo-fuzz when it is missing (`cargo install cargo-fuzz --locked`); build
//! every target with `cargo fuzz build -O -s none` (libFuzzer without a sanitizer, which the
//! pinned stable toolchain can build); copy each target's seeds from the test data into
//! `target/fuzz/seeds/<target>` (afresh on every run); then run each target for N seconds over
//! its corpus `fuzz/corpus/<target>` (kept between runs, git-ignored) and its seeds. Each run's
//! libFuzzer output goes to `target/fuzz/logs/<target>.log`.
//!
//! A crash (a panic, a timeout, running out of memory) fails the task, naming the target and
//! the input libFuzzer saved under `fuzz/artifacts/<target>/`; the other targets still run.
//! FUZZING.md says what each target checks and how to reproduce and minimise a crash.

use std::collections::BTreeSet;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::Instant;

use anyhow::{Context as _, Result, ensure};
use serde_json::Value;

use crate::paths::{Paths, fresh_dir, write_file};
use crate::process::{cargo, run_loud};

/// Seconds each target runs when `--seconds` is not given.
pub(crate) const DEFAULT_SECONDS: u64 = 30;
/// `cargo fuzz` flags of every build and run: optimised, no sanitizer (see FUZZING.md).
const FUZZ_FLAGS: [&str; 3] = ["-O", "-s", "none"];
/// A single input running longer than this many seconds is a crash (a hang).
const TIMEOUT_SECONDS: u64 = 10;
/// Lines of a crashed run's log printed.
const LOG_TAIL_LINES: usize = 40;

/// The targets in `fuzz/fuzz_targets/`, each with where its seeds come from.
const TARGETS: [Target; 8] = [
    Target {
        name: "yaml_edit",
        seeds: &[VALUES_FILES, VALUES_CASES, YAML_CASES],
    },
    Target {
        name: "values",
        seeds: &[VALUES_FILES, VALUES_CASES, YAML_CASES],
    },
    Target {
        name: "envelope",
        seeds: &[Seeds::SealedValues],
    },
    Target {
        name: "keys",
        seeds: &[Seeds::Tree("testdata/keys")],
    },
    Target {
        name: "manifest",
        seeds: &[
            Seeds::Tree("testdata/manifests"),
            // A controller key Secret and a `v1.List` of them.
            Seeds::Files {
                dir: "testdata/keys",
                prefix: "controller-key",
            },
        ],
    },
    Target {
        name: "template",
        seeds: &[Seeds::Tree("testdata/templates")],
    },
    Target {
        name: "policy",
        seeds: &[Seeds::Tree("testdata/policies")],
    },
    Target {
        name: "credentials",
        seeds: &[Seeds::Files {
            dir: "testdata",
            prefix: "az-credentials",
        }],
    },
];
/// `testdata/values/`: the README's values file.
const VALUES_FILES: Seeds = Seeds::Tree("testdata/values");
/// `testdata/values-cases/`: the values-cases corpus (inputs and expected outputs).
const VALUES_CASES: Seeds = Seeds::Tree("testdata/values-cases");
/// offseal-yaml's `in/` -> `out/` edit cases.
const YAML_CASES: Seeds = Seeds::Tree("crates/offseal-yaml/tests/cases");

/// One fuzz target.
struct Target {
    /// Its name in `fuzz/Cargo.toml`.
    name: &'static str,
    /// Where its seeds come from.
    seeds: &'static [Seeds],
}

/// Where seeds come from, relative to the workspace root.
#[derive(Clone, Copy)]
enum Seeds {
    /// Every file below a directory.
    Tree(&'static str),
    /// The files directly in `dir` whose names start with `prefix`.
    Files {
        /// The directory.
        dir: &'static str,
        /// The start of the file names.
        prefix: &'static str,
    },
    /// Each `sealed` value of `testdata/values.json`, as base64 text.
    SealedValues,
}

/// How one target's run went.
struct Run {
    /// The target.
    name: &'static str,
    /// Inputs executed (libFuzzer's `stat::number_of_executed_units`), when it said.
    executions: Option<u64>,
    /// Files in the corpus afterwards.
    corpus: usize,
    /// The inputs libFuzzer saved for crashes, hangs and out-of-memory; empty when it passed.
    artifacts: Vec<PathBuf>,
    /// Whether libFuzzer exited with success.
    success: bool,
}

/// Builds every target, runs each for `seconds`, prints a summary.
///
/// Returns whether no target crashed.
///
/// # Errors
///
/// When fuzzing cannot run at all: installing cargo-fuzz, the build, copying the seeds, or
/// starting a run fails. A crash is not an error: it is reported and fails the task.
pub(crate) fn run(seconds: u64) -> Result<bool> {
    let started = Instant::now();
    let paths = Paths::new()?;
    ensure_cargo_fuzz(&paths)?;
    let mut build = cargo(&paths);
    build.args(["fuzz", "build"]).args(FUZZ_FLAGS);
    run_loud(&mut build, "cargo fuzz build -O -s none")?;
    let work = paths.target.join("fuzz");
    let logs = fresh_dir(&work.join("logs"))?;

    let mut runs = Vec::new();
    for target in &TARGETS {
        let seeds = work.join("seeds").join(target.name);
        let seed_count = write_seeds(&paths, target, &seeds)?;
        let corpus = paths.root.join("fuzz/corpus").join(target.name);
        fs::create_dir_all(&corpus).with_context(|| format!("creating {}", corpus.display()))?;
        println!(
            "\n== fuzz {} for {seconds} s ({seed_count} seeds, {} corpus files)",
            target.name,
            count_files(&corpus)?
        );
        runs.push(run_target(
            &paths,
            target.name,
            [&corpus, &seeds],
            &logs,
            seconds,
        )?);
    }

    println!("\n| target | executions | corpus | result |\n|---|--:|--:|---|");
    for run in &runs {
        let executions = run.executions.map_or("?".to_owned(), |n| n.to_string());
        let result = if run.artifacts.is_empty() && run.success {
            "ok".to_owned()
        } else if run.artifacts.is_empty() {
            "FAILED (libFuzzer exited with an error; see its log)".to_owned()
        } else {
            format!("CRASH: {}", join_paths(&run.artifacts, &paths.root))
        };
        println!(
            "| {} | {executions} | {} | {result} |",
            run.name, run.corpus
        );
    }
    let failed: Vec<&Run> = runs
        .iter()
        .filter(|r| !r.success || !r.artifacts.is_empty())
        .collect();
    println!(
        "\nfuzz: {} of {} targets ran {seconds} s without a crash ({:.0} s in all); logs in {}",
        runs.len() - failed.len(),
        runs.len(),
        started.elapsed().as_secs_f64(),
        logs.display()
    );
    for run in &failed {
        println!(
            "{} crashed: reproduce with `cargo fuzz run -O -s none {} {}` (see FUZZING.md)",
            run.name,
            run.name,
            run.artifacts
                .first()
                .map_or_else(|| "<artifact>".to_owned(), |a| relative(a, &paths.root))
        );
    }
    Ok(failed.is_empty())
}

/// Installs cargo-fuzz with `cargo install cargo-fuzz --locked` unless `cargo fuzz` runs.
fn ensure_cargo_fuzz(paths: &Paths) -> Result<()> {
    let version = cargo(paths)
        .args(["fuzz", "--version"])
        .stdin(Stdio::null())
        .output();
    if let Ok(output) = version
        && output.status.success()
    {
        println!("{}", String::from_utf8_lossy(&output.stdout).trim());
        return Ok(());
    }
    let mut install = cargo(paths);
    install.args(["install", "cargo-fuzz", "--locked"]);
    run_loud(
        &mut install,
        "cargo install cargo-fuzz --locked (from crates.io)",
    )
}

/// Runs one target for `seconds` over its corpus (where new inputs go) and its seeds; its
/// output goes to `LOGS/NAME.log`.
fn run_target(
    paths: &Paths,
    name: &'static str,
    [corpus, seeds]: [&Path; 2],
    logs: &Path,
    seconds: u64,
) -> Result<Run> {
    let artifacts_dir = paths.root.join("fuzz/artifacts").join(name);
    let before = list_files(&artifacts_dir)?;
    let log = logs.join(format!("{name}.log"));
    let output = cargo(paths)
        .args(["fuzz", "run"])
        .args(FUZZ_FLAGS)
        .arg(name)
        .arg(corpus)
        .arg(seeds)
        .arg("--")
        .arg(format!("-max_total_time={seconds}"))
        .arg(format!("-timeout={TIMEOUT_SECONDS}"))
        .arg("-print_final_stats=1")
        .stdin(Stdio::null())
        .output()
        .with_context(|| format!("could not run cargo fuzz run {name}"))?;
    let mut text = output.stdout;
    text.extend_from_slice(&output.stderr);
    write_file(&log, &text)?;
    let text = String::from_utf8_lossy(&text);
    let artifacts: Vec<PathBuf> = list_files(&artifacts_dir)?
        .difference(&before)
        .cloned()
        .collect();
    let run = Run {
        name,
        executions: final_stat(&text, "stat::number_of_executed_units"),
        corpus: count_files(corpus)?,
        artifacts,
        success: output.status.success(),
    };
    if run.success && run.artifacts.is_empty() {
        println!(
            "ok: {} executions",
            run.executions.map_or("?".to_owned(), |n| n.to_string())
        );
    } else {
        let lines: Vec<&str> = text.lines().collect();
        let tail = lines.get(lines.len().saturating_sub(LOG_TAIL_LINES)..);
        println!("FAILED ({}); the end of {}:", output.status, log.display());
        for line in tail.unwrap_or_default() {
            println!("  {line}");
        }
    }
    Ok(run)
}

/// Copies a target's seeds into `dir` (emptied first); returns how many there are.
fn write_seeds(paths: &Paths, target: &Target, dir: &Path) -> Result<usize> {
    fresh_dir(dir)?;
    let mut count = 0;
    for seeds in target.seeds {
        for (name, bytes) in seeds.read(&paths.root)? {
            write_file(&dir.join(name), &bytes)?;
            count += 1;
        }
    }
    ensure!(
        count > 0,
        "no seeds found for the fuzz target {}",
        target.name
    );
    Ok(count)
}

impl Seeds {
    /// The seeds, each with a file name that says where it came from.
    fn read(self, root: &Path) -> Result<Vec<(String, Vec<u8>)>> {
        let files = match self {
            Self::Tree(dir) => {
                let mut files = Vec::new();
                walk(&root.join(dir), &mut files)?;
                files
            }
            Self::Files { dir, prefix } => list_files(&root.join(dir))?
                .into_iter()
                .filter(|f| {
                    f.file_name()
                        .and_then(|n| n.to_str())
                        .is_some_and(|n| n.starts_with(prefix))
                })
                .collect(),
            Self::SealedValues => return sealed_values(root),
        };
        files
            .into_iter()
            .map(|file| {
                let bytes =
                    fs::read(&file).with_context(|| format!("reading {}", file.display()))?;
                Ok((seed_name(&relative(&file, root)), bytes))
            })
            .collect()
    }
}

/// Each `sealed` string of `testdata/values.json`, named by its vector's `id`.
fn sealed_values(root: &Path) -> Result<Vec<(String, Vec<u8>)>> {
    let path = root.join("testdata/values.json");
    let text = fs::read(&path).with_context(|| format!("reading {}", path.display()))?;
    let json: Value =
        serde_json::from_slice(&text).with_context(|| format!("parsing {}", path.display()))?;
    let vectors = json["vectors"]
        .as_array()
        .with_context(|| format!("{}: no vectors", path.display()))?;
    Ok(vectors
        .iter()
        .filter_map(|v| {
            let id = v["id"].as_str()?;
            let sealed = v["sealed"].as_str()?;
            Some((seed_name(&format!("values.json-{id}")), sealed.into()))
        })
        .collect())
}

/// Every file below `dir`, recursively, sorted.
fn walk(dir: &Path, files: &mut Vec<PathBuf>) -> Result<()> {
    let mut entries: Vec<PathBuf> = fs::read_dir(dir)
        .with_context(|| format!("reading {}", dir.display()))?
        .map(|entry| entry.map(|e| e.path()))
        .collect::<std::io::Result<_>>()?;
    entries.sort();
    for path in entries {
        if path.is_dir() {
            walk(&path, files)?;
        } else {
            files.push(path);
        }
    }
    Ok(())
}

/// The files directly in `dir` (none when it does not exist).
fn list_files(dir: &Path) -> Result<BTreeSet<PathBuf>> {
    if !dir.exists() {
        return Ok(BTreeSet::new());
    }
    let mut files = BTreeSet::new();
    for entry in fs::read_dir(dir).with_context(|| format!("reading {}", dir.display()))? {
        let path = entry?.path();
        if path.is_file() {
            files.insert(path);
        }
    }
    Ok(files)
}

/// How many files are directly in `dir`.
fn count_files(dir: &Path) -> Result<usize> {
    Ok(list_files(dir)?.len())
}

/// A seed's file name: its source path with `/` as `_`, prefixed `seed-`.
fn seed_name(source: &str) -> String {
    format!("seed-{}", source.replace(['/', '\\'], "_"))
}

/// `path` relative to `root` when it is below it, for messages.
fn relative(path: &Path, root: &Path) -> String {
    path.strip_prefix(root)
        .unwrap_or(path)
        .display()
        .to_string()
}

/// Paths relative to `root`, comma-separated.
fn join_paths(paths: &[PathBuf], root: &Path) -> String {
    paths
        .iter()
        .map(|p| relative(p, root))
        .collect::<Vec<_>>()
        .join(", ")
}

/// A number libFuzzer prints at the end with `-print_final_stats=1` (`stat::NAME: N`).
fn final_stat(log: &str, name: &str) -> Option<u64> {
    log.lines()
        .rev()
        .find_map(|line| line.strip_prefix(name)?.strip_prefix(':'))
        .and_then(|n| n.trim().parse().ok())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn final_stats_are_read() {
        let log = "#2 INITED\nDone 123 runs in 1 second(s)\nstat::number_of_executed_units: 123\n\
                   stat::peak_rss_mb: 45\n";
        assert_eq!(final_stat(log, "stat::number_of_executed_units"), Some(123));
        assert_eq!(final_stat(log, "stat::peak_rss_mb"), Some(45));
        assert_eq!(final_stat(log, "stat::new_units_added"), None);
    }

    #[test]
    fn seed_names_say_where_they_came_from() {
        assert_eq!(
            seed_name("testdata/values-cases/01-a/in.yaml"),
            "seed-testdata_values-cases_01-a_in.yaml"
        );
    }
}

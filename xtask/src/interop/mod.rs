//! `cargo xtask interop`: checks offseal against independent sealed-secrets implementations.
//!
//! Both ways, over the three scopes and the 2048/3072/4096-bit test keys:
//! - offseal seals; PyPI `kubesealpy` and `xtask/interop/decrypt.py` (Python `cryptography`
//!   only) open;
//! - `kubesealpy` seals values and whole SealedSecrets; `offseal unseal` opens;
//! - npm `@linode/kubeseal-encrypt` seals (namespace-wide only); `offseal unseal --raw` opens;
//! - and each decryptor refuses a value under the wrong label or key.
//!
//! The implementations are installed pinned under `target/interop/` (and reused when the pinned
//! versions are there); a failed install is an error, never a skip. Plaintexts travel between
//! processes only as files under `target/interop/work/`, never as arguments, and are compared
//! byte for byte. The Python and Node sides run as one process each over a JSON list of jobs
//! (`xtask/interop/*.py`, `*.cjs`); offseal runs once per value, as a user would run it.
//!
//! Here: the plan (offseal seals now; the drivers get job lists) and the run. The cases are in
//! `cases`, the offseal CLI as the harness runs it in `offseal`, the judging in `check`.

mod cases;
mod check;
mod offseal;

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Instant;

use anyhow::{Context as _, Result, ensure};
use serde_json::{Value, json};

use crate::paths::{Paths, fresh_dir, write_file};
use crate::peers::{self, NPM_PACKAGE};
use cases::{Case, Negative, Plain, Scope, write_plaintexts};
use check::Report;
use offseal::Offseal;

/// The key sizes of the `testdata/keys/controller-<bits>` keys.
const KEY_SIZES: [u32; 3] = [2048, 3072, 4096];
/// Namespace every value is sealed for.
const NAMESPACE: &str = "ns-a";
/// A different namespace, under which no value sealed for [`NAMESPACE`] may open.
const OTHER_NAMESPACE: &str = "ns-b";
/// Secret name every value is sealed for.
const NAME: &str = "app";
/// What `kubesealpy` raises when no key opens a value (wrong label or key).
const KUBESEALPY_REFUSAL: &str = "NoMatchingKeyError";
/// What Python `cryptography` raises when RSA-OAEP decryption fails.
const CRYPTOGRAPHY_REFUSAL: &str = "ValueError";

/// Runs every interop check and prints one line per check and a summary.
///
/// Returns whether all checks passed.
///
/// # Errors
///
/// When the checks cannot run at all: an install, the offseal build, a driver process or the
/// work directory fails. Failed checks are not errors: they are reported and counted.
///
/// `build_flags` go to `cargo build -p offseal-cli` (such as `--no-default-features`, for the
/// pure-Rust RSA backend).
pub(crate) fn run(build_flags: &[&str]) -> Result<bool> {
    let started = Instant::now();
    let paths = Paths::new()?;
    let peers = peers::install(&paths)?;
    let offseal = Offseal::build(&paths, build_flags)?;
    let work = fresh_work_dir(&paths)?;
    let plains = write_plaintexts(&work)?;
    let setup = started.elapsed();

    // Plan every job: offseal seals now (once per value, as a user would run it); the Python
    // and Node sides get job lists, run as one process each.
    let harness = Harness {
        paths: &paths,
        offseal: &offseal,
        work: &work,
        plains: &plains,
    };
    let mut jobs = Jobs::default();
    let offseal_sealed = harness.offseal_seals(&mut jobs);
    let negatives = harness.negatives(&offseal_sealed, &mut jobs);
    let kubesealpy_sealed = harness.kubesealpy_seals(&mut jobs);
    let manifests = harness.kubesealpy_manifests(&mut jobs);
    let npm = harness.npm_seals(&mut jobs);

    let batches = Instant::now();
    jobs.run(&paths, &work, &peers)?;
    let batches = batches.elapsed();

    let mut report = Report::default();
    println!("\n== a. offseal seals; kubesealpy and decrypt.py open");
    harness.check_offseal_sealed(&offseal_sealed, &mut report);
    println!("\n== b. kubesealpy seals; offseal opens");
    harness.check_kubesealpy_sealed(&kubesealpy_sealed, &manifests, &mut report);
    println!("\n== c. npm {NPM_PACKAGE} seals (namespace-wide); offseal opens");
    harness.check_npm_sealed(&npm, &mut report);
    println!("\n== d. wrong label or key: every decryptor must refuse");
    harness.check_refusals(&negatives, &kubesealpy_sealed, &npm, &mut report);

    println!(
        "\ninterop: {} passed, {} failed, {} not applicable \
         ({:.1}s: setup {:.1}s, python/node batches {:.1}s)",
        report.passed,
        report.failed,
        report.not_applicable,
        started.elapsed().as_secs_f64(),
        setup.as_secs_f64(),
        batches.as_secs_f64(),
    );
    if report.failed == 0 {
        fs::remove_dir_all(&work).with_context(|| format!("removing {}", work.display()))?;
    } else {
        println!("the values and outputs are kept in {}", work.display());
    }
    Ok(report.failed == 0)
}

/// The job lists of the three driver processes.
#[derive(Default)]
struct Jobs {
    /// For `kubesealpy_driver.py`.
    kubesealpy: Vec<Value>,
    /// For `decrypt.py`.
    decrypt: Vec<Value>,
    /// For `linode_seal.cjs`.
    node: Vec<Value>,
}

impl Jobs {
    /// Runs each driver once over its jobs.
    fn run(&self, paths: &Paths, work: &Path, peers: &peers::Installed) -> Result<()> {
        let scripts = &paths.scripts;
        let (python, node_prefix) = (&peers.python, &peers.node_prefix);
        let mut kubesealpy = Command::new(python);
        kubesealpy.arg(scripts.join("kubesealpy_driver.py"));
        run_batch(work, "kubesealpy", &self.kubesealpy, &mut kubesealpy)?;
        let mut decrypt = Command::new(python);
        decrypt.arg(scripts.join("decrypt.py"));
        run_batch(work, "decrypt", &self.decrypt, &mut decrypt)?;
        let mut node = Command::new("node");
        node.arg(scripts.join("linode_seal.cjs")).arg(node_prefix);
        run_batch(work, "node", &self.node, &mut node)
    }
}

/// Writes the jobs to `WORK/NAME-jobs.json` and runs `cmd JOBS` once for all of them.
///
/// A driver that exits non-zero (it could not start, or import what it drives) is an error:
/// the drivers catch each job's failure themselves.
fn run_batch(work: &Path, name: &str, jobs: &[Value], cmd: &mut Command) -> Result<()> {
    let jobs_file = work.join(format!("{name}-jobs.json"));
    write_file(&jobs_file, &serde_json::to_vec_pretty(jobs)?)?;
    let program = cmd.get_program().to_string_lossy().into_owned();
    let status = cmd
        .arg(&jobs_file)
        .stdin(Stdio::null())
        .status()
        .with_context(|| format!("could not run {program} for the {name} jobs"))?;
    ensure!(
        status.success(),
        "the {name} driver failed ({status}); see its output above"
    );
    Ok(())
}

/// A value offseal sealed: the case, its file, and whether `offseal raw` succeeded.
type OffsealSealed<'a> = (Case<'a>, PathBuf, Result<(), String>);

/// A SealedSecret kubesealpy makes: key size, scope, `yaml` or `json`, file.
type Manifest = (u32, Scope, &'static str, PathBuf);

/// npm's side: the SPKI PEM Node extracts from the 4096-bit certificate, and the values (none
/// where the plaintext cannot be given to it).
struct NpmSealed<'a> {
    /// `controller-4096.crt.pem`'s public key as Node exports it.
    spki_4096: PathBuf,
    /// Namespace-wide values for `ns-a`.
    sealed: Vec<(Case<'a>, Option<PathBuf>)>,
}

/// What the checks share: where things are, the offseal binary, the plaintexts.
struct Harness<'a> {
    /// Workspace paths.
    paths: &'a Paths,
    /// The built offseal.
    offseal: &'a Offseal,
    /// This run's work directory.
    work: &'a Path,
    /// The plaintexts, written under `work/plain`.
    plains: &'a [Plain],
}

impl<'a> Harness<'a> {
    /// Every key size × scope × plaintext.
    fn cases(&self) -> Vec<Case<'a>> {
        let mut cases = Vec::new();
        for bits in KEY_SIZES {
            for scope in Scope::ALL {
                cases.extend(self.plains.iter().map(|plain| Case { bits, scope, plain }));
            }
        }
        cases
    }

    /// a. offseal seals every case now; kubesealpy and decrypt.py get jobs to open each.
    fn offseal_seals(&self, jobs: &mut Jobs) -> Vec<OffsealSealed<'a>> {
        let mut sealed_values = Vec::new();
        for case in self.cases() {
            let sealed = self.work.join(format!("a/{}.b64", case.tag()));
            let outcome = self
                .offseal
                .seal(&self.paths.cert(case.bits), case.scope, &case.plain.path)
                .and_then(|b64| write_file(&sealed, &b64).map_err(|e| format!("{e:#}")));
            if outcome.is_ok() {
                let key = self.paths.key(case.bits);
                for (list, who) in [
                    (&mut jobs.kubesealpy, "kubesealpy"),
                    (&mut jobs.decrypt, "decrypt"),
                ] {
                    let out = with_ext(&sealed, &format!("{who}.out"));
                    list.push(open_job(&key, &sealed, case.scope, NAMESPACE, &out));
                }
            }
            sealed_values.push((case, sealed, outcome));
        }
        sealed_values
    }

    /// d. offseal's strict `guid` values under `ns-b/app` (every key size) and under the
    /// rotated key (4096): kubesealpy and decrypt.py get jobs that must fail.
    fn negatives(&self, sealed: &[OffsealSealed<'_>], jobs: &mut Jobs) -> Vec<Negative> {
        let mut negatives = Vec::new();
        for (case, path, outcome) in sealed {
            if case.scope != Scope::Strict || case.plain.id != "guid" || outcome.is_err() {
                continue;
            }
            let negative = |namespace, rotated_key| Negative {
                bits: case.bits,
                sealed: path.clone(),
                namespace,
                rotated_key,
            };
            negatives.push(negative(OTHER_NAMESPACE, false));
            if case.bits == 4096 {
                negatives.push(negative(NAMESPACE, true));
            }
        }
        for negative in &negatives {
            let key = negative.key(self.paths);
            for (list, who) in [
                (&mut jobs.kubesealpy, "kubesealpy"),
                (&mut jobs.decrypt, "decrypt"),
            ] {
                let out = negative.out(who);
                list.push(open_job(
                    &key,
                    &negative.sealed,
                    Scope::Strict,
                    negative.namespace,
                    &out,
                ));
            }
        }
        negatives
    }

    /// b. kubesealpy jobs to seal every case.
    fn kubesealpy_seals(&self, jobs: &mut Jobs) -> Vec<(Case<'a>, PathBuf)> {
        let mut sealed = Vec::new();
        for case in self.cases() {
            let out = self.work.join(format!("b/{}.b64", case.tag()));
            jobs.kubesealpy.push(json!({
                "op": "seal", "cert": self.paths.cert(case.bits), "plain": case.plain.path,
                "scope": case.scope.as_str(), "namespace": NAMESPACE, "name": NAME, "out": out,
            }));
            sealed.push((case, out));
        }
        sealed
    }

    /// b. kubesealpy jobs to seal whole SealedSecrets, every plaintext a key: YAML for each
    /// key size and scope, and JSON too for 4096.
    fn kubesealpy_manifests(&self, jobs: &mut Jobs) -> Vec<Manifest> {
        let data: BTreeMap<&str, &Path> = self
            .plains
            .iter()
            .map(|p| (p.id, p.path.as_path()))
            .collect();
        let mut manifests = Vec::new();
        for bits in KEY_SIZES {
            for scope in Scope::ALL {
                let formats: &[&'static str] = if bits == 4096 {
                    &["yaml", "json"]
                } else {
                    &["yaml"]
                };
                for format in formats {
                    let out = self
                        .work
                        .join(format!("b/sealedsecret-{bits}-{scope}.{format}"));
                    jobs.kubesealpy.push(json!({
                        "op": "manifest", "cert": self.paths.cert(bits), "data": data,
                        "scope": scope.as_str(), "namespace": NAMESPACE, "name": NAME, "out": out,
                    }));
                    manifests.push((bits, scope, *format, out));
                }
            }
        }
        manifests
    }

    /// c. Node jobs: SPKI PEM from each certificate, then npm seals namespace-wide with bare
    /// public keys (testdata's `controller-4096.pub.pem` for 4096, Node's extraction for the
    /// others), every plaintext that is UTF-8.
    fn npm_seals(&self, jobs: &mut Jobs) -> NpmSealed<'a> {
        let spki = |bits: u32| self.work.join(format!("c/spki-{bits}.pem"));
        for bits in KEY_SIZES {
            jobs.node
                .push(json!({"op": "spki", "cert": self.paths.cert(bits), "out": spki(bits)}));
        }
        let mut sealed = Vec::new();
        for case in self.cases() {
            if case.scope != Scope::NamespaceWide {
                continue;
            }
            if std::str::from_utf8(&case.plain.bytes).is_err() {
                sealed.push((case, None));
                continue;
            }
            let pem = if case.bits == 4096 {
                self.paths.keys.join("controller-4096.pub.pem")
            } else {
                spki(case.bits)
            };
            let out = self.work.join(format!("c/{}.b64", case.tag()));
            jobs.node.push(json!({
                "op": "seal", "pem": pem, "namespace": NAMESPACE, "plain": case.plain.path, "out": out,
            }));
            sealed.push((case, Some(out)));
        }
        NpmSealed {
            spki_4096: spki(4096),
            sealed,
        }
    }
}

/// A job that opens a sealed value (for both kubesealpy_driver.py and decrypt.py).
fn open_job(key: &Path, sealed: &Path, scope: Scope, namespace: &str, out: &Path) -> Value {
    let label = match scope {
        Scope::Strict => format!("{namespace}/{NAME}"),
        Scope::NamespaceWide => namespace.to_owned(),
        Scope::ClusterWide => String::new(),
    };
    json!({
        "op": "open", "key": key, "sealed": sealed, "scope": scope.as_str(), "label": label,
        "namespace": namespace, "name": NAME, "out": out,
    })
}

/// A new, empty `target/interop/work/run-<pid>` (earlier runs' leftovers are removed).
fn fresh_work_dir(paths: &Paths) -> Result<PathBuf> {
    let all = fresh_dir(&paths.interop.join("work"))?;
    let work = all.join(format!("run-{}", std::process::id()));
    for sub in ["plain", "a", "b", "c"] {
        fs::create_dir_all(work.join(sub))
            .with_context(|| format!("creating {}", work.display()))?;
    }
    Ok(work)
}

/// `path` with `.ext` appended to its file name.
fn with_ext(path: &Path, ext: &str) -> PathBuf {
    let mut name = path.as_os_str().to_owned();
    name.push(".");
    name.push(ext);
    PathBuf::from(name)
}

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

use std::collections::BTreeMap;
use std::fmt;
use std::fs::{self, File};
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::Instant;

use anyhow::{Context as _, Result, bail, ensure};
use serde_json::{Value, json};

/// The key sizes of the `testdata/keys/controller-<bits>` keys.
const KEY_SIZES: [u32; 3] = [2048, 3072, 4096];
/// Namespace every value is sealed for.
const NAMESPACE: &str = "ns-a";
/// A different namespace, under which no value sealed for [`NAMESPACE`] may open.
const OTHER_NAMESPACE: &str = "ns-b";
/// Secret name every value is sealed for.
const NAME: &str = "app";
/// The npm package under test (its pinned version is in `xtask/interop/package.json`).
const NPM_PACKAGE: &str = "@linode/kubeseal-encrypt";
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
    let python = ensure_venv(&paths)?;
    let node_prefix = ensure_node(&paths)?;
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
    jobs.run(&paths, &work, &python, &node_prefix)?;
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
    fn run(&self, paths: &Paths, work: &Path, python: &Path, node_prefix: &Path) -> Result<()> {
        let scripts = &paths.scripts;
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

    /// a. kubesealpy and decrypt.py opened offseal's values to the exact plaintexts.
    fn check_offseal_sealed(&self, sealed: &[OffsealSealed<'_>], report: &mut Report) {
        for (case, path, outcome) in sealed {
            for (who, file) in [("kubesealpy", "kubesealpy"), ("decrypt.py", "decrypt")] {
                let result = match outcome {
                    Err(why) => Err(format!("offseal raw failed: {why}")),
                    Ok(()) => {
                        let opened = job_outcome(&with_ext(path, &format!("{file}.out")));
                        expect_bytes(&case.plain.bytes, opened)
                    }
                };
                report.check(&format!("{who} opens offseal {case}"), result);
            }
        }
    }

    /// b. `offseal unseal --raw` opens kubesealpy's values, and `offseal unseal -f` its
    /// SealedSecrets, to the exact plaintexts.
    fn check_kubesealpy_sealed(
        &self,
        sealed: &[(Case<'_>, PathBuf)],
        manifests: &[Manifest],
        report: &mut Report,
    ) {
        for (case, path) in sealed {
            let result = self.offseal_opens(case, case.scope, path, "kubesealpy");
            report.check(&format!("offseal opens kubesealpy {case}"), result);
        }
        let expected: Vec<(&str, &[u8])> = self
            .plains
            .iter()
            .map(|p| (p.id, p.bytes.as_slice()))
            .collect();
        for (bits, scope, format, manifest) in manifests {
            let result = match job_outcome(manifest) {
                JobOutcome::Done(_) => offseal_result(
                    self.offseal
                        .unseal_manifest(&self.paths.key(*bits), manifest),
                )
                .and_then(|stdout| check_secret(&stdout, &expected)),
                other => Err(format!("kubesealpy did not seal: {other}")),
            };
            let what = format!(
                "offseal unseal -f opens kubesealpy SealedSecret {scope} {bits} ({format}, {} keys)",
                expected.len()
            );
            report.check(&what, result);
        }
    }

    /// c. Node's SPKI extraction matches testdata's, and `offseal unseal --raw` opens npm's
    /// values to the exact plaintexts.
    fn check_npm_sealed(&self, npm: &NpmSealed<'_>, report: &mut Report) {
        let result = same_pem(
            &self.paths.keys.join("controller-4096.pub.pem"),
            &npm.spki_4096,
        );
        report.check(
            "node SPKI of controller-4096.crt.pem equals testdata controller-4096.pub.pem",
            result,
        );
        for (case, path) in &npm.sealed {
            let what = format!("offseal opens npm {case}");
            match path {
                Some(path) => report.check(
                    &what,
                    self.offseal_opens(case, Scope::NamespaceWide, path, "npm"),
                ),
                None => report.not_applicable(
                    &what,
                    "the package seals a JS string (UTF-8): these bytes are not UTF-8",
                ),
            }
        }
    }

    /// d. Every decryptor refuses a value under the wrong label or key.
    fn check_refusals(
        &self,
        negatives: &[Negative],
        kubesealpy_sealed: &[(Case<'_>, PathBuf)],
        npm: &NpmSealed<'_>,
        report: &mut Report,
    ) {
        for negative in negatives {
            let refused =
                expect_refusal(job_outcome(&negative.out("kubesealpy")), KUBESEALPY_REFUSAL);
            report.check(&format!("kubesealpy refuses offseal {negative}"), refused);
            let refused =
                expect_refusal(job_outcome(&negative.out("decrypt")), CRYPTOGRAPHY_REFUSAL);
            report.check(&format!("decrypt.py refuses offseal {negative}"), refused);
        }
        let guid = |case: &Case<'_>| case.plain.id == "guid";
        for (case, path) in kubesealpy_sealed
            .iter()
            .filter(|(case, _)| guid(case) && case.scope == Scope::Strict)
        {
            let output = self.offseal.unseal_raw(
                &self.paths.key(case.bits),
                Scope::Strict,
                OTHER_NAMESPACE,
                path,
            );
            let what = format!(
                "offseal refuses kubesealpy {case} sealed for {NAMESPACE}/{NAME} as {OTHER_NAMESPACE}/{NAME}"
            );
            report.check(&what, offseal_refusal(output));
            if case.bits == 4096 {
                let rotated = self.paths.keys.join("rotated-4096.key.pem");
                let output = self
                    .offseal
                    .unseal_raw(&rotated, Scope::Strict, NAMESPACE, path);
                let what = format!("offseal refuses kubesealpy {case} with the rotated-4096 key");
                report.check(&what, offseal_refusal(output));
            }
        }
        for (case, path) in &npm.sealed {
            let Some(path) = path.as_ref().filter(|_| guid(case)) else {
                continue;
            };
            let output = self.offseal.unseal_raw(
                &self.paths.key(case.bits),
                Scope::NamespaceWide,
                OTHER_NAMESPACE,
                path,
            );
            let what =
                format!("offseal refuses npm {case} sealed for {NAMESPACE} as {OTHER_NAMESPACE}");
            report.check(&what, offseal_refusal(output));
        }
    }

    /// `offseal unseal --raw` opens a value another implementation (`who`) sealed for `case`
    /// to exactly its plaintext.
    fn offseal_opens(
        &self,
        case: &Case<'_>,
        scope: Scope,
        sealed: &Path,
        who: &str,
    ) -> Result<(), String> {
        match job_outcome(sealed) {
            JobOutcome::Done(_) => {
                let output =
                    self.offseal
                        .unseal_raw(&self.paths.key(case.bits), scope, NAMESPACE, sealed);
                offseal_result(output).and_then(|got| same(&case.plain.bytes, &got))
            }
            other => Err(format!("{who} did not seal: {other}")),
        }
    }
}

/// Where things are: the workspace, the interop scripts, the test keys, the install directory.
pub(crate) struct Paths {
    /// The workspace root.
    pub(crate) root: PathBuf,
    /// `xtask/interop`: the driver scripts and the pinned package lists.
    pub(crate) scripts: PathBuf,
    /// `testdata/keys`.
    pub(crate) keys: PathBuf,
    /// `target/interop` (under `$CARGO_TARGET_DIR` when that is set).
    pub(crate) interop: PathBuf,
}

impl Paths {
    /// Finds the workspace from this crate's manifest directory.
    pub(crate) fn new() -> Result<Self> {
        let xtask = Path::new(env!("CARGO_MANIFEST_DIR"));
        let root = xtask
            .parent()
            .context("xtask has no parent directory")?
            .to_path_buf();
        let target = match std::env::var_os("CARGO_TARGET_DIR") {
            Some(dir) => root.join(dir),
            None => root.join("target"),
        };
        let interop = target.join("interop");
        // Paths go into the drivers' JSON job lists, which need UTF-8.
        ensure!(
            interop.to_str().is_some() && root.to_str().is_some(),
            "the workspace and target paths must be UTF-8"
        );
        Ok(Self {
            scripts: xtask.join("interop"),
            keys: root.join("testdata/keys"),
            interop,
            root,
        })
    }

    /// The controller certificate of a key size.
    pub(crate) fn cert(&self, bits: u32) -> PathBuf {
        self.keys.join(format!("controller-{bits}.crt.pem"))
    }

    /// The controller private key (PKCS#1 PEM) of a key size.
    pub(crate) fn key(&self, bits: u32) -> PathBuf {
        self.keys.join(format!("controller-{bits}.key.pem"))
    }
}

/// A sealing scope, spelled as both offseal and kubesealpy spell it.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Scope {
    /// Label `"<ns>/<name>"`.
    Strict,
    /// Label `"<ns>"`.
    NamespaceWide,
    /// Label `""`.
    ClusterWide,
}

impl Scope {
    /// Every scope, strictest first.
    const ALL: [Self; 3] = [Self::Strict, Self::NamespaceWide, Self::ClusterWide];

    /// The `--scope` value (and kubesealpy's `SealingScope` value).
    fn as_str(self) -> &'static str {
        match self {
            Self::Strict => "strict",
            Self::NamespaceWide => "namespace-wide",
            Self::ClusterWide => "cluster-wide",
        }
    }
}

impl fmt::Display for Scope {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One plaintext, kept in a file under the work directory.
struct Plain {
    /// Short name, also the key in sealed manifests (a valid Secret data key).
    id: &'static str,
    /// The exact bytes.
    bytes: Vec<u8>,
    /// The file holding them.
    path: PathBuf,
}

/// One sealed value: key size, scope and plaintext.
#[derive(Clone, Copy)]
struct Case<'a> {
    /// Key size.
    bits: u32,
    /// Scope sealed for.
    scope: Scope,
    /// The plaintext.
    plain: &'a Plain,
}

impl Case<'_> {
    /// A file name stem for this case.
    fn tag(&self) -> String {
        format!("{}-{}-{}", self.bits, self.scope, self.plain.id)
    }
}

impl fmt::Display for Case<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {} ({})", self.scope, self.bits, self.plain.id)
    }
}

/// A value offseal sealed strictly for `ns-a/app` that a decryptor is asked to open wrongly.
struct Negative {
    /// Key size of the value.
    bits: u32,
    /// The sealed value.
    sealed: PathBuf,
    /// Namespace the decryptor is told (the label it tries is `"<namespace>/app"`).
    namespace: &'static str,
    /// Whether the decryptor gets the rotated key instead of the right one.
    rotated_key: bool,
}

impl Negative {
    /// The private key the decryptor is given.
    fn key(&self, paths: &Paths) -> PathBuf {
        if self.rotated_key {
            paths.keys.join("rotated-4096.key.pem")
        } else {
            paths.key(self.bits)
        }
    }

    /// The output file of a decryptor's attempt.
    fn out(&self, who: &str) -> PathBuf {
        let how = if self.rotated_key {
            "rotated"
        } else {
            self.namespace
        };
        with_ext(&self.sealed, &format!("{who}.{how}.out"))
    }
}

impl fmt::Display for Negative {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.rotated_key {
            write!(f, "strict {} (guid) with the rotated-4096 key", self.bits)
        } else {
            write!(
                f,
                "strict {} (guid) sealed for {NAMESPACE}/{NAME} as {}/{NAME}",
                self.bits, self.namespace
            )
        }
    }
}

/// Counts and prints check results, one line each.
#[derive(Default)]
struct Report {
    /// Checks that passed.
    passed: usize,
    /// Checks that failed.
    failed: usize,
    /// Combinations an implementation cannot express.
    not_applicable: usize,
}

impl Report {
    /// Prints `ok   WHAT` or `FAIL WHAT: WHY`.
    fn check(&mut self, what: &str, result: Result<(), String>) {
        match result {
            Ok(()) => {
                self.passed += 1;
                println!("ok   {what}");
            }
            Err(why) => {
                self.failed += 1;
                println!("FAIL {what}: {why}");
            }
        }
    }

    /// Prints `n/a  WHAT: WHY`.
    fn not_applicable(&mut self, what: &str, why: &str) {
        self.not_applicable += 1;
        println!("n/a  {what}: {why}");
    }
}

/// The offseal binary built from this workspace.
pub(crate) struct Offseal {
    /// Path of the built executable.
    pub(crate) exe: PathBuf,
}

impl Offseal {
    /// Builds `offseal` with `$CARGO build -p offseal-cli` and `flags` (such as `--release`)
    /// and finds the executable.
    pub(crate) fn build(paths: &Paths, flags: &[&str]) -> Result<Self> {
        let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
        let what = ["cargo build -p offseal-cli"]
            .iter()
            .chain(flags)
            .copied()
            .collect::<Vec<_>>()
            .join(" ");
        println!("offseal: {what}");
        let output = Command::new(&cargo)
            .current_dir(&paths.root)
            .args([
                "build",
                "-p",
                "offseal-cli",
                "--message-format=json-render-diagnostics",
            ])
            .args(flags)
            .stdin(Stdio::null())
            .stderr(Stdio::inherit())
            .output()
            .with_context(|| format!("could not run {}", cargo.to_string_lossy()))?;
        ensure!(
            output.status.success(),
            "`{what}` failed ({})",
            output.status
        );
        let mut exe = None;
        for line in String::from_utf8_lossy(&output.stdout).lines() {
            let Ok(message) = serde_json::from_str::<Value>(line) else {
                continue;
            };
            if message["reason"] == "compiler-artifact"
                && message["target"]["name"] == "offseal"
                && let Some(path) = message["executable"].as_str()
            {
                exe = Some(PathBuf::from(path));
            }
        }
        let exe = exe.with_context(|| format!("`{what}` reported no `offseal` executable"))?;
        Ok(Self { exe })
    }

    /// `offseal raw`: seals the file's bytes; returns the base64 value.
    fn seal(&self, cert: &Path, scope: Scope, plain: &Path) -> Result<Vec<u8>, String> {
        let mut cmd = self.command("raw");
        cmd.arg("--cert")
            .arg(cert)
            .args(scope_args(scope, NAMESPACE))
            .arg("--from-file")
            .arg(plain);
        offseal_result(cmd.output())
    }

    /// `offseal unseal --raw`: opens one base64 value from a file.
    fn unseal_raw(
        &self,
        key: &Path,
        scope: Scope,
        namespace: &str,
        sealed: &Path,
    ) -> std::io::Result<Output> {
        let mut cmd = self.command("unseal");
        cmd.arg("--raw")
            .arg("--recovery-private-key")
            .arg(key)
            .args(scope_args(scope, namespace));
        cmd.arg("--from-file").arg(sealed).output()
    }

    /// `offseal unseal -f MANIFEST -o json`: a SealedSecret to its Secret.
    fn unseal_manifest(&self, key: &Path, manifest: &Path) -> std::io::Result<Output> {
        let mut cmd = self.command("unseal");
        cmd.arg("--recovery-private-key")
            .arg(key)
            .arg("-f")
            .arg(manifest)
            .args(["-o", "json"])
            .output()
    }

    /// A command for an offseal subcommand, stdin closed.
    fn command(&self, subcommand: &str) -> Command {
        let mut cmd = Command::new(&self.exe);
        cmd.arg(subcommand).stdin(Stdio::null());
        cmd
    }
}

/// `--scope`, `-n` and `--name` as a user would pass them (both always; the scope decides the
/// label).
fn scope_args(scope: Scope, namespace: &str) -> [&str; 6] {
    ["--scope", scope.as_str(), "-n", namespace, "--name", NAME]
}

/// An offseal run's stdout when it succeeded, else why not (exit status and first stderr line,
/// which never holds a plaintext).
fn offseal_result(output: std::io::Result<Output>) -> Result<Vec<u8>, String> {
    let output = output.map_err(|e| format!("could not run offseal: {e}"))?;
    if output.status.success() {
        return Ok(output.stdout);
    }
    let stderr = String::from_utf8_lossy(&output.stderr);
    Err(format!(
        "offseal failed ({}): {}",
        output.status,
        stderr.lines().next().unwrap_or("")
    ))
}

/// A refusal as it should be: exit code 1 (an error, not bad usage) and nothing on stdout.
fn offseal_refusal(output: std::io::Result<Output>) -> Result<(), String> {
    let output = output.map_err(|e| format!("could not run offseal: {e}"))?;
    match output.status.code() {
        Some(0) => Err(format!(
            "offseal opened it ({} bytes): it must not",
            output.stdout.len()
        )),
        Some(1) if output.stdout.is_empty() => Ok(()),
        _ => {
            let stderr = String::from_utf8_lossy(&output.stderr);
            Err(format!(
                "unexpected failure ({}): {}",
                output.status,
                stderr.lines().next().unwrap_or("")
            ))
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

/// What a Python or Node job left for its output file `out`.
enum JobOutcome {
    /// `out` was written.
    Done(Vec<u8>),
    /// `out.err` was written: the exception's class (and, from Node, its message).
    Raised(String),
    /// Neither file is there.
    Missing,
}

impl fmt::Display for JobOutcome {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Done(bytes) => write!(f, "wrote {} bytes", bytes.len()),
            Self::Raised(error) => write!(f, "raised {error}"),
            Self::Missing => f.write_str("left no output"),
        }
    }
}

/// Reads what a job left for `out`.
fn job_outcome(out: &Path) -> JobOutcome {
    if let Ok(error) = fs::read_to_string(with_ext(out, "err")) {
        return JobOutcome::Raised(error.trim().to_owned());
    }
    match fs::read(out) {
        Ok(bytes) => JobOutcome::Done(bytes),
        Err(_) => JobOutcome::Missing,
    }
}

/// A job that must have opened the value to exactly `expected`.
fn expect_bytes(expected: &[u8], outcome: JobOutcome) -> Result<(), String> {
    match outcome {
        JobOutcome::Done(got) => same(expected, &got),
        other => Err(other.to_string()),
    }
}

/// A job that must have refused, raising `error` (and not failing for another reason).
fn expect_refusal(outcome: JobOutcome, error: &str) -> Result<(), String> {
    match outcome {
        JobOutcome::Raised(raised) if raised == error => Ok(()),
        JobOutcome::Done(got) => Err(format!("opened it ({} bytes): it must not", got.len())),
        other => Err(format!("expected {error}, but it {other}")),
    }
}

/// Byte-exact comparison; the difference is described by lengths and offset, never content.
fn same(expected: &[u8], got: &[u8]) -> Result<(), String> {
    if expected == got {
        return Ok(());
    }
    let at = expected
        .iter()
        .zip(got)
        .position(|(a, b)| a != b)
        .unwrap_or(expected.len().min(got.len()));
    Err(format!(
        "got {} bytes, expected {}; first difference at byte {at}",
        got.len(),
        expected.len()
    ))
}

/// Checks offseal's JSON Secret: `ns-a/app`, and exactly the expected keys with the expected
/// bytes (compared as standard base64, which has one spelling per byte string).
fn check_secret(stdout: &[u8], expected: &[(&str, &[u8])]) -> Result<(), String> {
    let secret: Value = serde_json::from_slice(stdout)
        .map_err(|e| format!("output is not one JSON Secret: {e}"))?;
    let metadata = &secret["metadata"];
    if secret["kind"] != "Secret" || metadata["namespace"] != NAMESPACE || metadata["name"] != NAME
    {
        return Err(format!(
            "not Secret {NAMESPACE}/{NAME}: kind {}, metadata {metadata}",
            secret["kind"]
        ));
    }
    let data = secret["data"].as_object().ok_or("the Secret has no data")?;
    let mut wrong = Vec::new();
    for (key, bytes) in expected {
        match data.get(*key).and_then(Value::as_str) {
            Some(value) if value == base64(bytes) => {}
            Some(_) => wrong.push(format!("{key} differs")),
            None => wrong.push(format!("{key} missing")),
        }
    }
    for key in data.keys() {
        if !expected.iter().any(|(k, _)| k == key) {
            wrong.push(format!("unexpected key {key}"));
        }
    }
    if wrong.is_empty() {
        Ok(())
    } else {
        Err(wrong.join(", "))
    }
}

/// Standard base64 with padding.
fn base64(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let byte = |i: usize| u32::from(chunk.get(i).copied().unwrap_or(0));
        let n = (byte(0) << 16) | (byte(1) << 8) | byte(2);
        for i in 0..4 {
            if i <= chunk.len() {
                let sextet = (n >> (18 - 6 * i)) & 63;
                out.push(char::from(ALPHABET[usize::try_from(sextet).unwrap_or(0)]));
            } else {
                out.push('=');
            }
        }
    }
    out
}

/// Two PEM files hold the same DER (the base64 bodies are equal).
fn same_pem(expected: &Path, got: &Path) -> Result<(), String> {
    let body = |path: &Path| -> Result<String, String> {
        let text = fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
        Ok(text
            .lines()
            .filter(|l| !l.starts_with("-----"))
            .flat_map(|l| l.trim().chars())
            .collect())
    };
    if body(expected)? == body(got)? {
        Ok(())
    } else {
        Err(format!("{} differs", got.display()))
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

/// The plaintexts every direction is checked with.
fn plaintexts() -> Vec<(&'static str, Vec<u8>)> {
    const PRINTABLE: &[u8; 64] =
        b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789~.";
    // 64 KiB of varied ASCII (so that the npm package, which seals strings, can take it too).
    let mut state: u64 = 0x0ff5_ea15;
    let big = (0..64 * 1024)
        .map(|_| {
            state = state
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407);
            PRINTABLE[usize::try_from(state >> 58).unwrap_or(0)]
        })
        .collect();
    vec![
        ("guid", b"3f2504e0-4f89-41d3-9a0c-0305e82c3301".to_vec()),
        (
            "client-secret",
            b"q8R~vT3._kLm9~Zx2Np7.Wd4_Hs6Jf1~Ab5Cy0Eg".to_vec(),
        ),
        ("empty", Vec::new()),
        ("trailing-newline", b"s3cr3t-value\n".to_vec()),
        (
            "unicode",
            "p\u{e4}ssw\u{f6}rd \u{2013} \u{79d8}\u{5bc6} \u{1f511} e\u{301} \u{feff}"
                .as_bytes()
                .to_vec(),
        ),
        ("all-bytes", (0..=255u8).collect()),
        ("64KiB", big),
    ]
}

/// Writes the plaintexts into `WORK/plain/`.
fn write_plaintexts(work: &Path) -> Result<Vec<Plain>> {
    plaintexts()
        .into_iter()
        .map(|(id, bytes)| {
            let path = work.join("plain").join(id);
            write_file(&path, &bytes)?;
            Ok(Plain { id, bytes, path })
        })
        .collect()
}

/// A new, empty `target/interop/work/run-<pid>` (earlier runs' leftovers are removed).
fn fresh_work_dir(paths: &Paths) -> Result<PathBuf> {
    let all = paths.interop.join("work");
    if all.exists() {
        fs::remove_dir_all(&all).with_context(|| format!("removing {}", all.display()))?;
    }
    let work = all.join(format!("run-{}", std::process::id()));
    for sub in ["plain", "a", "b", "c"] {
        fs::create_dir_all(work.join(sub))
            .with_context(|| format!("creating {}", work.display()))?;
    }
    Ok(work)
}

/// Creates the venv `target/interop/venv` with `xtask/interop/requirements.txt`, unless every
/// pinned version is already installed there. Returns the venv's python.
pub(crate) fn ensure_venv(paths: &Paths) -> Result<PathBuf> {
    let venv = paths.interop.join("venv");
    let python = venv.join("bin").join("python");
    let requirements = paths.scripts.join("requirements.txt");
    let pins = python_pins(&requirements)?;
    let summary = |pins: &BTreeMap<String, String>| {
        ["kubesealpy", "cryptography"]
            .iter()
            .map(|name| format!("{name} {}", pins.get(*name).map_or("?", String::as_str)))
            .collect::<Vec<_>>()
            .join(", ")
    };
    if python.exists() && installed_python(&python, &pins).is_ok_and(|installed| installed == pins)
    {
        println!("python: reusing {} ({})", venv.display(), summary(&pins));
        return Ok(python);
    }
    println!(
        "python: installing {} into {}",
        summary(&pins),
        venv.display()
    );
    if venv.exists() {
        fs::remove_dir_all(&venv)
            .with_context(|| format!("removing the stale venv {}", venv.display()))?;
    }
    let host_python = std::env::var_os("PYTHON").unwrap_or_else(|| "python3".into());
    run_loud(
        Command::new(&host_python).arg("-m").arg("venv").arg(&venv),
        "creating the Python venv",
    )?;
    run_loud(
        Command::new(&python)
            .args([
                "-m",
                "pip",
                "install",
                "--disable-pip-version-check",
                "--no-input",
                "--quiet",
                "-r",
            ])
            .arg(&requirements),
        "pip install -r xtask/interop/requirements.txt (kubesealpy, cryptography) from PyPI",
    )?;
    let installed = installed_python(&python, &pins)?;
    ensure!(
        installed == pins,
        "pip installed other versions than pinned: {installed:?}, pinned {pins:?}"
    );
    Ok(python)
}

/// The `name==version` lines of a requirements file.
fn python_pins(requirements: &Path) -> Result<BTreeMap<String, String>> {
    let text = fs::read_to_string(requirements)
        .with_context(|| format!("reading {}", requirements.display()))?;
    let mut pins = BTreeMap::new();
    for line in text
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
    {
        let (name, version) = line
            .split_once("==")
            .with_context(|| format!("{line:?}: pins must be name==version"))?;
        pins.insert(name.trim().to_owned(), version.trim().to_owned());
    }
    ensure!(
        pins.contains_key("kubesealpy") && pins.contains_key("cryptography"),
        "requirements.txt must pin kubesealpy and cryptography"
    );
    Ok(pins)
}

/// The versions of the pinned packages as installed for `python`.
fn installed_python(
    python: &Path,
    pins: &BTreeMap<String, String>,
) -> Result<BTreeMap<String, String>> {
    const SCRIPT: &str =
        "import importlib.metadata as m, sys\nfor n in sys.argv[1:]: print(m.version(n))";
    let output = Command::new(python)
        .arg("-c")
        .arg(SCRIPT)
        .args(pins.keys())
        .stdin(Stdio::null())
        .output()?;
    ensure!(
        output.status.success(),
        "some pinned Python packages are missing"
    );
    let stdout = String::from_utf8(output.stdout)?;
    Ok(pins
        .keys()
        .cloned()
        .zip(stdout.lines().map(str::to_owned))
        .collect())
}

/// Installs `xtask/interop/package.json` (and its lock) into `target/interop/node` with
/// `npm ci`, unless the pinned versions are already there. Returns that prefix.
pub(crate) fn ensure_node(paths: &Paths) -> Result<PathBuf> {
    let prefix = paths.interop.join("node");
    let manifest = paths.scripts.join("package.json");
    let text =
        fs::read_to_string(&manifest).with_context(|| format!("reading {}", manifest.display()))?;
    let package: Value =
        serde_json::from_str(&text).with_context(|| format!("parsing {}", manifest.display()))?;
    let pins: BTreeMap<String, String> = package["dependencies"]
        .as_object()
        .context("xtask/interop/package.json has no dependencies")?
        .iter()
        .map(|(name, version)| {
            (
                name.clone(),
                version.as_str().unwrap_or_default().to_owned(),
            )
        })
        .collect();
    ensure!(
        pins.contains_key(NPM_PACKAGE),
        "xtask/interop/package.json must pin {NPM_PACKAGE}"
    );
    let node = Command::new("node")
        .arg("--version")
        .stdin(Stdio::null())
        .output()
        .context("could not run node: is Node.js installed?")?;
    let node = String::from_utf8_lossy(&node.stdout).trim().to_owned();
    let summary = pins
        .iter()
        .map(|(name, version)| format!("{name} {version}"))
        .collect::<Vec<_>>()
        .join(", ");
    if installed_npm(&prefix, &pins) == pins {
        println!("node {node}: reusing {} ({summary})", prefix.display());
        return Ok(prefix);
    }
    println!(
        "node {node}: installing {summary} into {}",
        prefix.display()
    );
    fs::create_dir_all(&prefix).with_context(|| format!("creating {}", prefix.display()))?;
    for file in ["package.json", "package-lock.json"] {
        fs::copy(paths.scripts.join(file), prefix.join(file))
            .with_context(|| format!("copying xtask/interop/{file}"))?;
    }
    run_loud(
        Command::new("npm")
            .args([
                "ci",
                "--no-audit",
                "--no-fund",
                "--loglevel=error",
                "--prefix",
            ])
            .arg(&prefix),
        &format!("npm ci ({summary}) from the npm registry"),
    )?;
    let installed = installed_npm(&prefix, &pins);
    ensure!(
        installed == pins,
        "npm installed other versions than pinned: {installed:?}, pinned {pins:?}"
    );
    Ok(prefix)
}

/// The versions of the pinned npm packages installed under `prefix` (missing ones left out).
fn installed_npm(prefix: &Path, pins: &BTreeMap<String, String>) -> BTreeMap<String, String> {
    pins.keys()
        .filter_map(|name| {
            let text =
                fs::read_to_string(prefix.join("node_modules").join(name).join("package.json"))
                    .ok()?;
            let package: Value = serde_json::from_str(&text).ok()?;
            Some((name.clone(), package["version"].as_str()?.to_owned()))
        })
        .collect()
}

/// Runs a setup step (an install, a build) with its output shown; a failure is an error naming
/// the step.
pub(crate) fn run_loud(cmd: &mut Command, what: &str) -> Result<()> {
    let program = cmd.get_program().to_string_lossy().into_owned();
    let status = cmd
        .stdin(Stdio::null())
        .status()
        .with_context(|| format!("{what}: could not run {program}"))?;
    if !status.success() {
        bail!(
            "{what} failed ({status}); see its output above (nothing after it can run without it)"
        );
    }
    Ok(())
}

/// `path` with `.ext` appended to its file name.
fn with_ext(path: &Path, ext: &str) -> PathBuf {
    let mut name = path.as_os_str().to_owned();
    name.push(".");
    name.push(ext);
    PathBuf::from(name)
}

/// Creates (or truncates) a file with these bytes.
pub(crate) fn write_file(path: &Path, bytes: &[u8]) -> Result<()> {
    let mut file = File::create(path).with_context(|| format!("creating {}", path.display()))?;
    file.write_all(bytes)
        .with_context(|| format!("writing {}", path.display()))
}

//! The repository policy (`.offseal.yaml`) on the CLI's side: finding it above each file, and
//! what it and the flags together say a file is sealed with and for.
//!
//! Precedence, part by part: the flags, then the first matching rule, then (for the target)
//! the file's provenance comment; `SEALED_SECRETS_CERT` comes after a rule, because the
//! repository's rule is more specific than a variable left in a shell.

use std::collections::HashMap;
use std::path::{Component, Path, PathBuf};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::SystemTime;

use anyhow::{Result, anyhow, bail};
use offseal_core::policy::{POLICY_FILE_NAME, Policy, Resolved, check_pin};
use offseal_core::{Certificate, Retarget, SealingKey};

use crate::cli::{PolicyCertArgs, TargetArgs};
use crate::input;

/// The certificate variable kubeseal reads.
const CERT_VARIABLE: &str = "SEALED_SECRETS_CERT";

/// Policy files found so far, by directory, so a batch over 1,000 files reads each once.
#[derive(Default)]
pub(crate) struct Policies {
    by_dir: Mutex<ByDir>,
    /// The working directory, asked for once (not once per file).
    cwd: std::sync::OnceLock<Option<PathBuf>>,
}

/// The nearest policy file of each directory looked at (or why it could not be read).
type ByDir = HashMap<PathBuf, Result<Option<Arc<Found>>, String>>;

/// A policy file and where it is.
pub(crate) struct Found {
    /// The file, as shown in messages.
    pub(crate) path: PathBuf,
    /// Its directory: rule paths and certificates are relative to it.
    dir: PathBuf,
    policy: Policy,
}

/// What the policy says for one file.
pub(crate) enum Lookup {
    /// No policy file above it (or the file is stdin).
    NoPolicy,
    /// A policy file, but no rule matches the file's path (relative to the policy's directory).
    NoRule { found: Arc<Found>, relative: String },
    /// The first matching rule.
    Rule {
        found: Arc<Found>,
        relative: String,
        resolved: Resolved,
    },
}

impl Lookup {
    /// `rule 2 of tenants/.offseal.yaml`, for messages.
    pub(crate) fn rule_name(&self) -> Option<String> {
        match self {
            Lookup::Rule {
                found, resolved, ..
            } => Some(format!(
                "rule {} of {}",
                resolved.rule,
                found.path.display()
            )),
            _ => None,
        }
    }

    /// The matching rule.
    pub(crate) fn resolved(&self) -> Option<&Resolved> {
        match self {
            Lookup::Rule { resolved, .. } => Some(resolved),
            _ => None,
        }
    }

    /// The rule's certificate: a URL as written, a path relative to the policy file's
    /// directory.
    pub(crate) fn rule_cert(&self) -> Option<String> {
        let Lookup::Rule {
            found, resolved, ..
        } = self
        else {
            return None;
        };
        let cert = resolved.cert.as_deref()?;
        if cert.contains("://") {
            return Some(cert.to_owned());
        }
        // Relative to the policy file as shown (from the working directory when below it).
        let dir = found.path.parent().unwrap_or(&found.dir);
        Some(dir.join(cert).to_string_lossy().into_owned())
    }

    /// Why no rule gives a certificate, for the "give --cert" error.
    fn why_no_cert(&self, file: &str) -> String {
        match self {
            Lookup::NoPolicy if file == "-" => "stdin has no policy".to_owned(),
            Lookup::NoPolicy => format!("no {POLICY_FILE_NAME} above {file}"),
            Lookup::NoRule { found, relative } => {
                format!("no rule of {} matches {relative:?}", found.path.display())
            }
            Lookup::Rule { .. } => {
                format!("{} gives no `cert`", self.rule_name().unwrap_or_default())
            }
        }
    }
}

impl Policies {
    /// The policy for `file`: the nearest `.offseal.yaml` in its directory or above.
    pub(crate) fn lookup(&self, file: &str) -> Result<Lookup> {
        if file == "-" {
            return Ok(Lookup::NoPolicy);
        }
        let path = Path::new(file);
        let dir = match path.parent() {
            Some(dir) if !dir.as_os_str().is_empty() => dir,
            _ => Path::new("."),
        };
        let dir = self.absolute(dir)?;
        let Some(found) = self.find(&dir)? else {
            return Ok(Lookup::NoPolicy);
        };
        let mut relative = relative_to(&dir, &found.dir);
        if let Some(name) = path.file_name() {
            relative.push(name.to_string_lossy().into_owned());
        }
        let relative = relative.join("/");
        Ok(match found.policy.resolve(&relative)? {
            Some(resolved) => Lookup::Rule {
                found,
                relative,
                resolved,
            },
            None => Lookup::NoRule { found, relative },
        })
    }

    /// The nearest policy file in `dir` or above (absolute, normalised); cached per directory.
    fn find(&self, dir: &Path) -> Result<Option<Arc<Found>>> {
        if let Some(known) = self.cache().get(dir) {
            return known.clone().map_err(|e| anyhow!(e));
        }
        let candidate = dir.join(POLICY_FILE_NAME);
        let result = if candidate.is_file() {
            read(&candidate, dir).map(|found| Some(Arc::new(found)))
        } else {
            match dir.parent() {
                Some(parent) => self.find(parent),
                None => Ok(None),
            }
        };
        let cached = result
            .as_ref()
            .map(Clone::clone)
            .map_err(|e| format!("{e:#}"));
        self.cache().insert(dir.to_owned(), cached);
        result
    }

    fn cache(&self) -> std::sync::MutexGuard<'_, ByDir> {
        self.by_dir.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

/// Reads and parses the policy file at `path` (in `dir`).
fn read(path: &Path, dir: &Path) -> Result<Found> {
    let shown = shown_path(path);
    let bytes = input::read_file(path, input::Limit::POLICY, &shown.to_string_lossy())?;
    let text = std::str::from_utf8(&bytes)
        .map_err(|e| anyhow!("{}: not UTF-8 (byte {})", shown.display(), e.valid_up_to()))?;
    let policy = Policy::parse(text, &shown.to_string_lossy())?;
    Ok(Found {
        path: shown,
        dir: dir.to_owned(),
        policy,
    })
}

/// `path` relative to the working directory when it is below it (shorter messages).
fn shown_path(path: &Path) -> PathBuf {
    std::env::current_dir()
        .ok()
        .and_then(|cwd| path.strip_prefix(cwd).ok().map(Path::to_owned))
        .unwrap_or_else(|| path.to_owned())
}

impl Policies {
    /// `path` made absolute and normalised (`.` and `..` resolved by name, symlinks kept: a
    /// rule matches the path the user sees).
    fn absolute(&self, path: &Path) -> Result<PathBuf> {
        let cwd = self.cwd.get_or_init(|| std::env::current_dir().ok());
        let path = match cwd {
            Some(cwd) if path.is_relative() => cwd.join(path),
            _ => std::path::absolute(path)?,
        };
        Ok(normalise(&path))
    }
}

/// `path` with `.` and `..` resolved by name.
fn normalise(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for part in path.components() {
        match part {
            Component::ParentDir => {
                out.pop();
            }
            Component::CurDir => {}
            other => out.push(other),
        }
    }
    out
}

/// The components of `dir` below `base` (which is `dir` or one of its ancestors).
fn relative_to(dir: &Path, base: &Path) -> Vec<String> {
    dir.strip_prefix(base)
        .map(|rest| {
            rest.components()
                .map(|c| c.as_os_str().to_string_lossy().into_owned())
                .collect()
        })
        .unwrap_or_default()
}

/// The flags and the policy together, for every file of one command.
pub(crate) struct Plans<'a> {
    policies: Policies,
    certs: Certs,
    cert_flags: Option<&'a PolicyCertArgs>,
    target: &'a TargetArgs,
}

/// What one file is sealed with and for (by default: no policy, no target).
pub(crate) struct Plan {
    /// The policy's answer.
    pub(crate) lookup: Lookup,
    /// The target parts the flags and the rule give (over the provenance comment).
    pub(crate) retarget: Retarget,
}

impl Default for Plan {
    fn default() -> Self {
        Plan {
            lookup: Lookup::NoPolicy,
            retarget: Retarget::default(),
        }
    }
}

impl<'a> Plans<'a> {
    /// Plans for a command with certificate flags (`values`, `set`, `reseal`, `check`).
    pub(crate) fn new(cert_flags: &'a PolicyCertArgs, target: &'a TargetArgs) -> Result<Self> {
        for fingerprint in &cert_flags.cert_fingerprint {
            offseal_core::policy::check_fingerprint_form(fingerprint)
                .map_err(|reason| anyhow!("--cert-fingerprint: {reason}"))?;
        }
        Ok(Plans {
            policies: Policies::default(),
            certs: Certs::default(),
            cert_flags: Some(cert_flags),
            target,
        })
    }

    /// Plans for a command that only needs targets (`verify`).
    pub(crate) fn targets_only(target: &'a TargetArgs) -> Self {
        Plans {
            policies: Policies::default(),
            certs: Certs::default(),
            cert_flags: None,
            target,
        }
    }

    /// Loads the flags' certificate (or `SEALED_SECRETS_CERT`'s) now, when it serves every
    /// file: a bad one stops the command before any file, as it always has.
    pub(crate) fn preload_flag_cert(&self, sealing: bool) -> Result<()> {
        if let Some(source) = self.cert_flags.and_then(|f| f.cert.as_deref()) {
            let loaded = self.certs.load(source)?;
            if sealing {
                loaded.sealing_key()?;
            }
        }
        Ok(())
    }

    /// What `file` is sealed with and for.
    pub(crate) fn plan(&self, file: &str) -> Result<Plan> {
        let lookup = self.policies.lookup(file)?;
        let flags = crate::target::retarget(self.target);
        let retarget = match lookup.resolved() {
            Some(rule) => flags.or(&rule.target),
            None => flags,
        };
        Ok(Plan { lookup, retarget })
    }

    /// Where the certificate for `plan`'s file comes from: `--cert`, the rule, then
    /// `SEALED_SECRETS_CERT`; `None` when none gives one.
    pub(crate) fn cert_source(&self, plan: &Plan) -> Option<String> {
        self.cert_flags
            .and_then(|f| f.cert.clone())
            .or_else(|| plan.lookup.rule_cert())
            .or_else(|| std::env::var(CERT_VARIABLE).ok().filter(|v| !v.is_empty()))
    }

    /// The fingerprints allowed for `plan`'s file, and who says so: `--cert-fingerprint`,
    /// else the rule's `fingerprint`. Empty: no pin.
    pub(crate) fn pins(&self, plan: &Plan) -> (Vec<String>, String) {
        match self.cert_flags {
            Some(flags) if !flags.cert_fingerprint.is_empty() => (
                flags.cert_fingerprint.clone(),
                "--cert-fingerprint".to_owned(),
            ),
            _ => (
                plan.lookup
                    .resolved()
                    .map(|r| r.fingerprints.clone())
                    .unwrap_or_default(),
                plan.lookup.rule_name().unwrap_or_default(),
            ),
        }
    }

    /// The certificate for `file`, checked against its pins (its dates are not judged).
    pub(crate) fn certificate(&self, file: &str, plan: &Plan) -> Result<Arc<Loaded>> {
        let Some(source) = self.cert_source(plan) else {
            bail!(
                "no certificate for {file}: give --cert FILE|URL (or set {CERT_VARIABLE}), or a rule with `cert:` in a {POLICY_FILE_NAME} ({})",
                plan.lookup.why_no_cert(file)
            );
        };
        let loaded = self.certs.load(&source)?;
        let (allowed, pinned_by) = self.pins(plan);
        check_pin(
            loaded.cert.source_name(),
            loaded.cert.fingerprint(),
            &allowed,
            &pinned_by,
        )?;
        Ok(loaded)
    }

    /// The certificate at `source` (read once per run), not judged.
    pub(crate) fn load(&self, source: &str) -> Result<Arc<Loaded>> {
        self.certs.load(source)
    }

    /// The key to seal `file` with: its certificate, pinned and valid today.
    pub(crate) fn sealing_key(&self, file: &str, plan: &Plan) -> Result<SealingKey> {
        self.certificate(file, plan)?.sealing_key()
    }
}

/// Certificates loaded so far, by source, so each is read (or fetched) once per run.
#[derive(Default)]
struct Certs {
    by_source: Mutex<HashMap<String, Result<Arc<Loaded>, String>>>,
}

/// A certificate and the key it gives today (or why it gives none).
pub(crate) struct Loaded {
    pub(crate) cert: Certificate,
    key: Result<SealingKey, String>,
    /// What to say once, when the key is first used (a certificate not valid yet).
    warning: std::sync::Once,
}

impl Loaded {
    /// The key to seal with: the certificate must not have expired; one not valid yet is
    /// used with a warning (once per run), as kubeseal uses it.
    pub(crate) fn sealing_key(&self) -> Result<SealingKey> {
        let key = self.key.clone().map_err(|e| anyhow!(e))?;
        self.warning.call_once(|| {
            if let Some(warning) = self.cert.warning_at(SystemTime::now()) {
                crate::write::to_stderr(&format!("warning: {warning}"));
            }
        });
        Ok(key)
    }
}

impl Certs {
    fn load(&self, source: &str) -> Result<Arc<Loaded>> {
        // The lock is held while reading: parallel files share one fetch of a URL.
        let mut by_source = self
            .by_source
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        if let Some(known) = by_source.get(source) {
            return known.clone().map_err(|e| anyhow!(e));
        }
        let result = input::certificate(source).map(|cert| {
            let key = cert
                .sealing_key(SystemTime::now())
                .map_err(|e| e.to_string());
            Arc::new(Loaded {
                cert,
                key,
                warning: std::sync::Once::new(),
            })
        });
        let cached = result
            .as_ref()
            .map(Arc::clone)
            .map_err(|e| format!("{e:#}"));
        by_source.insert(source.to_owned(), cached);
        result
    }
}

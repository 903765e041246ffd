//! The nightly rotation of a platform team: `offseal values` over the 1,000 files, once with
//! today's flags and once with a `.offseal.yaml` policy (a rule per path, a pinned
//! certificate, the namespace from the path) and no target flags. The policy must cost no
//! more per file than the flags.

use std::ffi::OsString;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use anyhow::{Context as _, Result, ensure};

use super::measure::{measure, median};
use super::{BITS, Dirs, Fixtures, NAME, NAMESPACE, RESEAL_FILES, Settings};
use crate::paths::{Paths, fresh_dir, write_file};
use crate::process::first_line;

/// Median wall times of the two rotations.
pub(super) struct Rotation {
    /// Runs of each.
    pub(super) runs: usize,
    /// With `--cert`, `-n` and `--name`, seconds.
    pub(super) flags: f64,
    /// With the policy file alone, seconds.
    pub(super) policy: f64,
}

/// Runs both rotations `settings.reseal_runs` times each, alternating, on fresh copies.
pub(super) fn rotation(
    paths: &Paths,
    offseal: &Path,
    fixtures: &Fixtures,
    dirs: &Dirs,
    settings: &Settings,
) -> Result<Rotation> {
    let runs = settings.reseal_runs;
    println!(
        "\n== offseal values over {RESEAL_FILES} files: flags, then a .offseal.yaml policy, {runs} run(s) each"
    );
    let root = dirs.bench.join("rotation");
    let cert = paths.cert(BITS);
    let fingerprint = fingerprint(offseal, &cert)?;
    let credentials: OsString = fixtures.credentials.clone().into();

    let mut times: [Vec<Duration>; 2] = Default::default();
    for _ in 0..runs {
        for (with_policy, list) in [false, true].into_iter().zip(times.iter_mut()) {
            let repo = fresh_dir(&root.join(if with_policy { "policy" } else { "flags" }))?;
            let files = copy_tenants(fixtures, &repo)?;
            let mut args: Vec<OsString> = vec!["values".into()];
            args.extend(files.iter().map(OsString::from));
            args.extend(["--credentials".into(), credentials.clone()]);
            if with_policy {
                let policy = format!(
                    "rules:\n  - path_regex: ^tenants/(?P<n>[0-9]+)/values\\.yaml$\n    cert: {}\n    fingerprint: {fingerprint}\n    namespace: \"{NAMESPACE}-{{n}}\"\n    name: {NAME}\n",
                    cert.display()
                );
                write_file(&repo.join(".offseal.yaml"), policy.as_bytes())?;
            } else {
                args.extend(["--cert".into(), cert.clone().into()]);
                args.extend(["-n", NAMESPACE, "--name", NAME].map(OsString::from));
            }
            let measured = measure(offseal, &args, None)?;
            let label = if with_policy { "policy" } else { "flags " };
            println!("  {label}: {:.2} s", measured.wall.as_secs_f64());
            let first = fs::read_to_string(&files[0])?;
            let wanted = if with_policy {
                format!("namespace={NAMESPACE}-0000 ")
            } else {
                format!("namespace={NAMESPACE} ")
            };
            ensure!(
                first.contains(&wanted),
                "the {label} rotation did not seal {} for {wanted}",
                files[0].display()
            );
            list.push(measured.wall);
        }
    }
    let [flags, policy] = times.map(median);
    Ok(Rotation {
        runs,
        flags,
        policy,
    })
}

/// `REPO/tenants/NNNN/values.yaml`: a fresh copy of each sealed fixture.
fn copy_tenants(fixtures: &Fixtures, repo: &Path) -> Result<Vec<PathBuf>> {
    let mut files = Vec::with_capacity(fixtures.reseal.len());
    for (i, from) in fixtures.reseal.iter().enumerate() {
        let dir = repo.join(format!("tenants/{i:04}"));
        fs::create_dir_all(&dir).with_context(|| format!("creating {}", dir.display()))?;
        let to = dir.join("values.yaml");
        fs::copy(from, &to).with_context(|| format!("copying {}", from.display()))?;
        files.push(to);
    }
    Ok(files)
}

/// The certificate's fingerprint, as `offseal cert --json` prints it.
fn fingerprint(offseal: &Path, cert: &Path) -> Result<String> {
    let out = Command::new(offseal)
        .args(["cert", "--json"])
        .arg(cert)
        .output()
        .context("running offseal cert")?;
    ensure!(
        out.status.success(),
        "offseal cert failed: {}",
        first_line(&out.stderr)
    );
    let report: serde_json::Value = serde_json::from_slice(&out.stdout)?;
    report["fingerprint"]
        .as_str()
        .map(str::to_owned)
        .context("offseal cert --json printed no fingerprint")
}

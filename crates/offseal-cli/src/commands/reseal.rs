//! `offseal reseal`: offline rotation of values files and SealedSecret manifests.

use std::process::ExitCode;

use anyhow::{Result, bail};
use offseal_core::UnsealingKeys;
use offseal_core::manifest::{self, SealedSecret};
use offseal_core::values::{SealingParams, ValuesFile};

use crate::batch::{self, apply, for_each_file, today};
use crate::cli::ResealArgs;
use crate::input;
use crate::policy::Plans;
use crate::report::Report;

pub(crate) fn run(args: &ResealArgs) -> Result<ExitCode> {
    batch::check_single_output(&args.files, &args.write)?;
    let keys = input::unsealing_keys(&args.recovery_private_key)?;
    let plans = Plans::new(&args.cert, &args.target)?;
    plans.preload_flag_cert(true)?;
    let results = for_each_file(&args.files, |file| reseal_file(file, args, &keys, &plans));
    batch::finish("reseal", args.write.report.into(), &args.files, results)
}

fn reseal_file(
    file: &str,
    args: &ResealArgs,
    keys: &UnsealingKeys,
    plans: &Plans<'_>,
) -> Result<Report> {
    let plan = plans.plan(file)?;
    let key = plans.sealing_key(file, &plan)?;
    let mut count = 0;
    let applied = apply(file, &args.write, None, |old| {
        if manifest::holds_sealed_secrets(old) {
            let format = manifest::detect_format(old);
            let resealed = manifest::read_sealed_secrets(old, file)?
                .iter()
                .map(|sealed| {
                    count += sealed.spec.encrypted_data.len();
                    sealed.reseal(keys, &key, &plan.retarget)
                })
                .collect::<offseal_core::Result<Vec<SealedSecret>>>()?;
            refuse_collisions(&resealed)?;
            return Ok(manifest::to_string(&resealed, format)?.as_bytes().to_vec());
        }
        let params = SealingParams::new(&key)
            .with_retarget(plan.retarget.clone())
            .with_provenance((!args.write.no_provenance).then(today));
        let resealed = ValuesFile::parse(old, file)?.reseal(keys, &params)?;
        count = resealed.count;
        Ok(resealed.bytes)
    })?;
    let what = format!(
        "{count} value{} with {}",
        if count == 1 { "" } else { "s" },
        key.fingerprint()
    );
    Ok(applied
        .report(file, "resealed", &what, "no sealed values")
        .with("values", count)
        .with("cert", key.fingerprint())
        .with("rule", plan.lookup.rule_name()))
}

/// Refuses a new target that gives two SealedSecrets of one file the same namespace and name
/// (`--name x` over several): applied, the last would replace the others and their data.
fn refuse_collisions(resealed: &[SealedSecret]) -> Result<()> {
    for (i, sealed) in resealed.iter().enumerate() {
        let id = (&sealed.metadata.namespace, &sealed.metadata.name);
        if let Some(first) = resealed[..i]
            .iter()
            .position(|other| (&other.metadata.namespace, &other.metadata.name) == id)
        {
            bail!(
                "documents {} and {} would both be the SealedSecret {}/{}: applied, the second \
                 would replace the first and its data; reseal them into separate files, or give \
                 no --name",
                first + 1,
                i + 1,
                id.0.as_deref().unwrap_or_default(),
                id.1.as_deref().unwrap_or_default()
            );
        }
    }
    Ok(())
}

//! `offseal reseal`: offline rotation of values files and SealedSecret manifests.

use std::process::ExitCode;

use anyhow::Result;
use offseal_core::manifest::{self, SealedSecret};
use offseal_core::values::ValuesFile;
use offseal_core::{SealingKey, UnsealingKeys};

use crate::cli::ResealArgs;
use crate::commands::{Applied, apply, finish_batch, for_each_file, today};
use crate::{input, target};

pub(crate) fn run(args: &ResealArgs) -> Result<ExitCode> {
    if args.write.output.is_some() && args.files.len() > 1 {
        anyhow::bail!(
            "--output takes one input file, but {} were given",
            args.files.len()
        );
    }
    let keys = input::unsealing_keys(&args.recovery_private_key)?;
    let key = input::sealing_key(&args.cert.cert)?;
    let results = for_each_file(&args.files, |file| reseal_file(file, args, &keys, &key));
    Ok(finish_batch(&args.files, results))
}

fn reseal_file(
    file: &str,
    args: &ResealArgs,
    keys: &UnsealingKeys,
    key: &SealingKey,
) -> Result<String> {
    let retarget = target::retarget(&args.target);
    let mut count = 0;
    let applied = apply(file, &args.write, |old| {
        if manifest::holds_sealed_secrets(old) {
            let format = manifest::detect_format(old);
            let resealed = manifest::read_sealed_secrets(old, file)?
                .iter()
                .map(|sealed| {
                    count += sealed.spec.encrypted_data.len();
                    sealed.reseal_with_rng(&mut rand::rngs::SysRng, keys, key, &retarget)
                })
                .collect::<offseal_core::Result<Vec<SealedSecret>>>()?;
            return Ok(manifest::to_string(&resealed, format)?.as_bytes().to_vec());
        }
        let values = ValuesFile::parse(old, file)?;
        // Values without provenance are opened for the target the flags give, if complete.
        let from = retarget.apply(None).ok();
        let provenance = (!args.write.no_provenance).then(today);
        let resealed = values.reseal(
            &mut rand::rngs::SysRng,
            keys,
            from.as_ref(),
            &retarget,
            key,
            provenance,
        )?;
        count = resealed.count;
        Ok(resealed.bytes)
    })?;
    let what = format!(
        "{count} value{} with {}",
        if count == 1 { "" } else { "s" },
        key.fingerprint()
    );
    Ok(match applied {
        Applied::Written => format!("{file}: resealed {what}"),
        Applied::Unchanged => format!("{file}: no sealed values"),
        Applied::Previewed => format!("{file}: would reseal {what} (dry run)"),
        Applied::Output(to) => format!("{file}: resealed {what}, written to {to}"),
    })
}

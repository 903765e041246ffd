//! `offseal values`: the main job — seal Azure credentials into Helm values files in place.

use std::process::ExitCode;

use anyhow::Result;
use offseal_core::values::{Credentials, Path, Sealing, ValuesFile};
use offseal_core::{SealingKey, Target};

use crate::cli::ValuesArgs;
use crate::commands::{Applied, apply, finish_batch, for_each_file, today};
use crate::{credentials, input, target};

const EXAMPLE: &str = "offseal values values.yaml --cert controller.crt";

pub(crate) fn run(args: &ValuesArgs) -> Result<ExitCode> {
    if args.write.output.is_some() && args.files.len() > 1 {
        anyhow::bail!(
            "--output takes one input file, but {} were given",
            args.files.len()
        );
    }
    let key = input::sealing_key(&args.cert.cert)?;
    let at = args.at.as_deref().map(Path::parse).transpose()?;
    let credentials = credentials::gather(args)?;
    let results = for_each_file(&args.files, |file| {
        seal_file(file, args, &key, &credentials, at.as_ref())
    });
    Ok(finish_batch(&args.files, results))
}

fn seal_file(
    file: &str,
    args: &ValuesArgs,
    key: &SealingKey,
    credentials: &Credentials,
    at: Option<&Path>,
) -> Result<String> {
    let mut report = None;
    let applied = apply(file, &args.write, |old| {
        let values = ValuesFile::parse(old, file)?;
        let block = values.block(at)?;
        let recorded = values
            .provenance(&block.credentials_path())
            .map(|p| p.target);
        let target: Target = target::resolve(&args.target, recorded.as_ref(), EXAMPLE)?;
        let sealing = Sealing {
            key,
            target: &target,
            provenance: (!args.write.no_provenance).then(today),
        };
        let new = values.seal_credentials(credentials, at, &sealing)?;
        let tenant = if credentials.tenant_id().is_some() {
            " and azure_tenant_id"
        } else {
            ""
        };
        report = Some(format!(
            "client_id, client_secret{tenant} at `{}` for {target}",
            block.path
        ));
        Ok(new)
    })?;
    let what = report.unwrap_or_default();
    Ok(match applied {
        Applied::Written => format!("{file}: sealed {what}"),
        Applied::Unchanged => format!("{file}: unchanged"),
        Applied::Previewed => format!("{file}: would seal {what} (dry run)"),
        Applied::Output(to) => format!("{file}: sealed {what}, written to {to}"),
    })
}

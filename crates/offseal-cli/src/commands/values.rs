//! `offseal values`: the main job — seal Azure credentials into Helm values files in place.

use std::process::ExitCode;

use anyhow::Result;
use offseal_core::azure::Credentials;
use offseal_core::values::{Path, SealingParams, ValuesFile};

use crate::batch::{self, apply, for_each_file, today};
use crate::cli::ValuesArgs;
use crate::{credentials, input, target};

const EXAMPLE: &str = "offseal values values.yaml --cert controller.crt";

pub(crate) fn run(args: &ValuesArgs) -> Result<ExitCode> {
    batch::check_single_output(&args.files, &args.write)?;
    credentials::refuse_stdin_twice(args)?;
    let key = input::sealing_key(&args.cert.cert)?;
    let at = args.at.as_deref().map(Path::parse).transpose()?;
    let credentials = credentials::gather(args)?;
    let params = SealingParams::new(&key)
        .with_retarget(target::retarget(&args.target))
        .with_provenance((!args.write.no_provenance).then(today));
    let results = for_each_file(&args.files, |file| {
        seal_file(file, args, &params, &credentials, at.as_ref())
    });
    Ok(batch::finish(&args.files, results))
}

fn seal_file(
    file: &str,
    args: &ValuesArgs,
    params: &SealingParams<'_>,
    credentials: &Credentials,
    at: Option<&Path>,
) -> Result<String> {
    let mut what = String::new();
    let applied = apply(file, &args.write, None, |old| {
        let sealed = ValuesFile::parse(old, file)?
            .seal_credentials(credentials, at, params)
            .map_err(|e| credentials::explain(target::explain(e, &args.target, EXAMPLE)))?;
        let tenant = if credentials.tenant_id().is_some() {
            " and azure_tenant_id"
        } else {
            ""
        };
        what = format!(
            "client_id, client_secret{tenant} at `{}` for {}",
            sealed.path, sealed.target
        );
        Ok(sealed.bytes)
    })?;
    Ok(applied.report(file, "sealed", &what, "unchanged"))
}

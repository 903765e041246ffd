//! `offseal values`: the main job — seal Azure credentials into Helm values files in place.

use std::process::ExitCode;

use anyhow::Result;
use offseal_core::azure::Credentials;
use offseal_core::values::{Path, SealingParams, ValuesFile};

use crate::batch::{self, apply, for_each_file, today};
use crate::cli::ValuesArgs;
use crate::policy::Plans;
use crate::report::Report;
use crate::{credentials, target};

pub(crate) fn run(args: &ValuesArgs) -> Result<ExitCode> {
    batch::check_single_output(&args.files, &args.write)?;
    credentials::refuse_stdin_twice(args)?;
    let plans = Plans::new(&args.cert, &args.target)?;
    plans.preload_flag_cert(true)?;
    let at = args.at.as_deref().map(Path::parse).transpose()?;
    let credentials = credentials::gather(args)?;
    let results = for_each_file(&args.files, |file| {
        seal_file(file, args, &plans, &credentials, at.as_ref())
    });
    batch::finish("values", args.write.report.into(), &args.files, results)
}

fn seal_file(
    file: &str,
    args: &ValuesArgs,
    plans: &Plans<'_>,
    credentials: &Credentials,
    at: Option<&Path>,
) -> Result<Report> {
    let plan = plans.plan(file)?;
    let key = plans.sealing_key(file, &plan)?;
    let params = SealingParams::new(&key)
        .with_retarget(plan.retarget.clone())
        .with_provenance((!args.write.no_provenance).then(today));
    let mut what = String::new();
    let mut used = None;
    let applied = apply(file, &args.write, None, |old| {
        let sealed = ValuesFile::parse(old, file)?
            .seal_credentials(credentials, at, &params)
            .map_err(|e| {
                let example = format!("offseal values {file} --cert controller.crt");
                credentials::explain(target::explain(e, &args.target, &example))
            })?;
        let tenant = if credentials.tenant_id().is_some() {
            " and azure_tenant_id"
        } else {
            ""
        };
        what = format!(
            "client_id, client_secret{tenant} at `{}` for {}",
            sealed.path, sealed.target
        );
        used = Some((sealed.path.to_string(), sealed.target.to_string()));
        Ok(sealed.bytes)
    })?;
    let (path, target) = used.unwrap_or_default();
    Ok(applied
        .report(file, "sealed", &what, "unchanged")
        .with("path", path)
        .with("target", target)
        .with("cert", key.fingerprint())
        .with("rule", plan.lookup.rule_name()))
}

//! `offseal seal`: Secret manifests -> SealedSecrets, as kubeseal does, offline.

use std::process::ExitCode;

use anyhow::{Result, bail};
use offseal_core::manifest::{Format, SealOptions};

use crate::cli::{FormatArg, SealArgs};
use crate::manifests::{emit, merge_into, output_format, seal_all};
use crate::report::{Mode, Report, print_json};
use crate::{input, write};

pub(crate) fn run(args: &SealArgs) -> Result<ExitCode> {
    let mode = Mode::from(args.report);
    if mode == Mode::Json && args.output.is_none() && args.merge_into.is_none() {
        bail!(
            "--json prints its report to stdout, where the SealedSecrets go: write them with -w FILE"
        );
    }
    input::refuse_stdin_twice(&[
        (args.cert.cert == "-", "--cert -"),
        (
            input::reads_stdin(args.file.as_deref()),
            "the Secrets (stdin)",
        ),
    ])?;
    let key = input::sealing_key(&args.cert.cert)?;
    let options = SealOptions::new(
        args.target.name.as_deref(),
        args.target.namespace.as_deref(),
        args.target.scope.map(Into::into),
    )
    .allow_empty_data(args.allow_empty_data);
    let source = args.file.as_deref();
    let bytes = input::read_input(
        source,
        "Secret YAML or JSON",
        input::Limit::manifests("--file"),
    )?;
    let source_name = source.unwrap_or("stdin");

    if let Some(target) = &args.merge_into {
        merge_into(
            target,
            &bytes,
            source_name,
            &key,
            &options,
            args.format.map(Into::into),
        )?;
        let report = Report::new(source_name, "merged", format!("{target}: merged"))
            .with("output", target.clone())
            .with("cert", key.fingerprint());
        match mode {
            Mode::Json => print_json(&report.to_json("seal"))?,
            Mode::Text => write::to_stderr(&report.text),
            Mode::Quiet => {}
        }
        return Ok(ExitCode::SUCCESS);
    }
    let sealed = seal_all(&bytes, source_name, &key, &options)?;
    if let (Some(FormatArg::Json), Some(out)) = (args.format, args.output.as_deref())
        && output_format(Some(out), None, Format::Json) == Format::Yaml
    {
        write::to_stderr(&format!(
            "warning: writing YAML to {out}: a .yaml or .yml name makes YAML whatever -o says, \
             as kubeseal does"
        ));
    }
    let format = output_format(
        args.output.as_deref(),
        args.format.map(Into::into),
        Format::Yaml,
    );
    emit(
        write::Readers::Anyone,
        &sealed,
        format,
        args.output.as_deref(),
    )?;
    if mode == Mode::Json {
        let report = Report::new(source_name, "sealed", String::new())
            .with("secrets", sealed.len())
            .with("output", args.output.clone())
            .with("cert", key.fingerprint());
        print_json(&report.to_json("seal"))?;
    }
    Ok(ExitCode::SUCCESS)
}

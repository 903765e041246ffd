//! `offseal raw`: one value, sealed, printed as base64 (kubeseal `--raw`).

use std::process::ExitCode;

use crate::cli::RawArgs;
use crate::{input, target, write};
use anyhow::Result;

pub(crate) fn run(args: &RawArgs) -> Result<ExitCode> {
    let target = target::raw(&args.target, target::Names::Checked)?;
    let path = args.from_file.as_deref().map(input::from_file_path);
    input::refuse_stdin_twice(&[
        (args.cert.cert == "-", "--cert -"),
        (input::reads_stdin(path), "the value (stdin)"),
    ])?;
    let key = input::sealing_key(&args.cert.cert)?;
    let mut value = input::read_input(
        path,
        "the value to seal",
        input::Limit::secret("--from-file"),
    )?;
    input::settle_trailing_newline(&mut value, args.trim_newline);
    input::refuse_empty(&value, args.allow_empty)?;
    let sealed = offseal_core::seal(&key, &target, &value)?;
    write::to_stdout(sealed.as_bytes())?;
    Ok(ExitCode::SUCCESS)
}

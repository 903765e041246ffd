//! `offseal raw`: one value, sealed, printed as base64 (kubeseal `--raw`).

use std::io::Write as _;
use std::process::ExitCode;

use crate::cli::RawArgs;
use crate::{input, target};
use anyhow::Result;

pub(crate) fn run(args: &RawArgs) -> Result<ExitCode> {
    let target = target::raw(&args.target)?;
    let key = input::sealing_key(&args.cert.cert)?;
    let path = args.from_file.as_deref().map(input::from_file_path);
    let mut value = input::read_input(path, "the value to seal")?;
    input::settle_trailing_newline(&mut value, args.trim_newline);
    let sealed = offseal_core::seal(&key, &target, &value)?;
    let mut stdout = std::io::stdout().lock();
    stdout.write_all(sealed.as_bytes())?;
    stdout.flush()?;
    Ok(ExitCode::SUCCESS)
}

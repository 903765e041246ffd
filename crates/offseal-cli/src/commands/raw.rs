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
    if args.trim_newline {
        trim_one_newline(&mut value);
    } else if value.ends_with(b"\n") {
        eprintln!(
            "warning: the value ends with a newline, which is sealed too; \
             use printf instead of echo, or --trim-newline"
        );
    }
    let sealed = offseal_core::seal(&key, &target, &value)?;
    let mut stdout = std::io::stdout().lock();
    stdout.write_all(sealed.as_bytes())?;
    stdout.flush()?;
    Ok(ExitCode::SUCCESS)
}

/// Removes one trailing `\n` or `\r\n`.
pub(crate) fn trim_one_newline(value: &mut Vec<u8>) {
    if value.ends_with(b"\r\n") {
        value.truncate(value.len() - 2);
    } else if value.ends_with(b"\n") {
        value.truncate(value.len() - 1);
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn trims_exactly_one_newline() {
        for (input, expected) in [
            (&b"a\n"[..], &b"a"[..]),
            (b"a\r\n", b"a"),
            (b"a\n\n", b"a\n"),
            (b"a", b"a"),
            (b"", b""),
        ] {
            let mut v = input.to_vec();
            super::trim_one_newline(&mut v);
            assert_eq!(v, expected);
        }
    }
}

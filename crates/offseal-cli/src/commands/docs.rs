//! `offseal completions SHELL` and `offseal man`: the command line's own documentation,
//! generated from the same definitions as `--help`.

use std::process::ExitCode;

use anyhow::Result;
use clap::CommandFactory as _;
use clap_complete::Shell;

use crate::cli::Cli;
use crate::write;

/// Prints the completion script for `shell`.
pub(crate) fn completions(shell: Shell) -> Result<ExitCode> {
    let mut script = Vec::new();
    clap_complete::generate(shell, &mut Cli::command(), "offseal", &mut script);
    write::to_stdout(&script)?;
    Ok(ExitCode::SUCCESS)
}

/// Prints the man page, as roff: `offseal` itself, then each subcommand's synopsis and options.
pub(crate) fn man() -> Result<ExitCode> {
    let mut command = Cli::command();
    command.build();
    let mut page = Vec::new();
    clap_mangen::Man::new(command.clone()).render(&mut page)?;
    for sub in command.get_subcommands().filter(|s| !s.is_hide_set()) {
        let name = sub.get_name();
        page.extend_from_slice(format!(".SH \"OFFSEAL {}\"\n", name.to_uppercase()).as_bytes());
        let man = clap_mangen::Man::new(sub.clone().bin_name(format!("offseal {name}")));
        man.render_synopsis_section(&mut page)?;
        man.render_description_section(&mut page)?;
        man.render_options_section(&mut page)?;
    }
    write::to_stdout(&page)?;
    Ok(ExitCode::SUCCESS)
}

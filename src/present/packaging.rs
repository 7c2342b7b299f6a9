//! What a packaged `herald` ships besides the reader: shell completions, a man page and a
//! version string that names the build. All come from the clap definition in `cli.rs`, so they
//! always match `--help`.

use std::io::{self, Write};

use clap::CommandFactory;

use crate::cli::Cli;

/// `herald completions SHELL`: the completion script on `out`.
pub fn completions(
    shell: clap_complete::Shell,
    out: &mut impl Write,
) -> io::Result<std::process::ExitCode> {
    let mut command = Cli::command();
    // clap_complete panics when its writer fails (`herald completions bash | head -1` closes
    // the pipe), so the script is made in memory and written here, where a closed pipe is
    // an error like any other and ends the command quietly.
    let mut script = Vec::new();
    clap_complete::generate(shell, &mut command, "herald", &mut script);
    out.write_all(&script)?;
    Ok(std::process::ExitCode::SUCCESS)
}

/// `herald man`: the manual page in roff, with every subcommand listed.
pub fn man(out: &mut impl Write) -> io::Result<std::process::ExitCode> {
    clap_mangen::Man::new(Cli::command()).render(out)?;
    Ok(std::process::ExitCode::SUCCESS)
}

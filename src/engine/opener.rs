//! Starting the program that opens a link.

use std::io;

/// The opener when the config names none.
pub const DEFAULT: &str = if cfg!(target_os = "macos") {
    "open"
} else {
    "xdg-open"
};

/// Runs the `opener` argv with `url` added as its last argument: no shell, so nothing in the
/// URL (quotes, spaces, `$(...)`, backticks, `;`) is interpreted. Its output goes nowhere (it
/// must not draw over the reader), it reads nothing from the terminal, and a thread reaps it
/// so it never lingers as a zombie. Returns once it has started.
pub fn spawn(opener: &[String], url: &str) -> io::Result<()> {
    use std::process::{Command, Stdio};
    let Some((program, arguments)) = opener.split_first() else {
        return Err(io::Error::new(io::ErrorKind::InvalidInput, "no opener"));
    };
    let mut child = Command::new(program)
        .args(arguments)
        .arg(url)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .map_err(|error| io::Error::new(error.kind(), format!("{program}: {error}")))?;
    std::thread::Builder::new()
        .name("herald-opener".into())
        .spawn(move || {
            let _ = child.wait();
        })?;
    Ok(())
}

//! A home for one test: data, cache and config folders that are never the user's, and an
//! environment emptied of everything that could change Herald's behaviour (`HERALD_PLAIN`,
//! `NO_COLOR`, `ACCESSIBLE`, the locale...). Every way the tests start the binary goes through
//! here, so no variable the tester has exported can leak into one of them.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use super::{HERALD, root};

/// What a finished run printed.
pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

pub struct Sandbox {
    dir: tempfile::TempDir,
}

impl Default for Sandbox {
    fn default() -> Self {
        Self::new()
    }
}

impl Sandbox {
    pub fn new() -> Self {
        Self {
            dir: tempfile::tempdir().expect("a temporary folder"),
        }
    }

    /// The sandbox's own folder (also `HOME`).
    pub fn home(&self) -> &Path {
        self.dir.path()
    }

    /// A path inside the sandbox.
    pub fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    pub fn data(&self) -> PathBuf {
        self.path("data")
    }

    pub fn config(&self) -> PathBuf {
        self.path("config")
    }

    pub fn cache(&self) -> PathBuf {
        self.path("cache")
    }

    /// Writes Herald's config file.
    pub fn write_config(&self, text: &str) {
        let folder = self.config().join("herald");
        std::fs::create_dir_all(&folder).expect("config folder");
        std::fs::write(folder.join("config.toml"), text).expect("config file");
    }

    /// The variables every run gets, after the environment is emptied: the sandbox's folders,
    /// a UTF-8 locale and the tester's PATH (for the opener and ssh tests).
    pub fn environment(&self) -> Vec<(String, String)> {
        let folder = |p: PathBuf| p.to_string_lossy().into_owned();
        let mut env = vec![
            ("HOME".to_owned(), folder(self.home().to_path_buf())),
            ("XDG_DATA_HOME".to_owned(), folder(self.data())),
            ("XDG_CONFIG_HOME".to_owned(), folder(self.config())),
            ("XDG_CACHE_HOME".to_owned(), folder(self.cache())),
            ("LANG".to_owned(), "C.UTF-8".to_owned()),
        ];
        if let Ok(path) = std::env::var("PATH") {
            env.push(("PATH".to_owned(), path));
        }
        env
    }

    /// `program` in an emptied environment with [`Self::environment`], run from the root.
    pub fn command(&self, program: impl AsRef<std::ffi::OsStr>) -> Command {
        let mut command = Command::new(program);
        command
            .current_dir(root())
            .env_clear()
            .envs(self.environment());
        command
    }

    /// `herald ARGS` with nothing on standard input.
    pub fn herald(&self, args: &[&str]) -> Run {
        self.herald_with(args, &[], None)
    }

    /// `herald ARGS` with extra variables and, if given, `stdin` piped in.
    pub fn herald_with(&self, args: &[&str], env: &[(&str, &str)], stdin: Option<&[u8]>) -> Run {
        let output = self.output(args, env, stdin.unwrap_or_default());
        Run {
            code: output.status.code().unwrap_or(-1),
            stdout: String::from_utf8(output.stdout).expect("stdout is UTF-8"),
            stderr: String::from_utf8(output.stderr).expect("stderr is UTF-8"),
        }
    }

    /// `herald ARGS` with extra variables and `stdin` piped in: its output as bytes.
    pub fn output(&self, args: &[&str], env: &[(&str, &str)], stdin: &[u8]) -> Output {
        let mut child = self
            .command(HERALD)
            .args(args)
            .envs(env.iter().copied())
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("start herald");
        let mut pipe = child.stdin.take().expect("stdin");
        // A run that exits before reading its input (a usage error) closes the pipe first.
        let _ = pipe.write_all(stdin);
        drop(pipe);
        child.wait_with_output().expect("herald's output")
    }
}

/// `herald ARGS` in a fresh sandbox.
pub fn herald(args: &[&str]) -> Run {
    Sandbox::new().herald(args)
}

#[test]
fn a_run_sees_only_the_sandbox_environment() {
    // Whatever the tester exported (HERALD_PLAIN, NO_COLOR, a locale; cargo's own variables
    // are always there) is not passed on: the child's environment is exactly the sandbox's.
    let sandbox = Sandbox::new();
    let printed = sandbox.command("env").output().expect("env runs");
    let mut seen: Vec<String> = String::from_utf8_lossy(&printed.stdout)
        .lines()
        .filter_map(|line| line.split_once('=').map(|(name, _)| name.to_owned()))
        .collect();
    seen.sort();
    let mut expected: Vec<String> = sandbox.environment().into_iter().map(|(k, _)| k).collect();
    expected.sort();
    assert_eq!(seen, expected);
}

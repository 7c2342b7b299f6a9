//! Puts the git revision into `herald --version` when there is one. Never fails the build: a
//! crate tarball, a machine without git or a shallow export just gets the plain version.

use std::path::Path;
use std::process::Command;

fn git(args: &[&str]) -> Option<String> {
    let output = Command::new("git")
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .ok()?;
    let text = String::from_utf8(output.stdout).ok()?;
    let text = text.trim();
    (output.status.success() && !text.is_empty()).then(|| text.to_owned())
}

fn main() {
    let version = env!("CARGO_PKG_VERSION");
    println!("cargo:rerun-if-changed=build.rs");
    let revision = if Path::new(env!("CARGO_MANIFEST_DIR")).join(".git").exists() {
        git(&["rev-parse", "--short=12", "HEAD"])
    } else {
        None
    };
    match revision {
        Some(revision) => {
            // Rebuild the string when HEAD moves: HEAD itself (a checkout) and the branch it
            // points at (a commit). Paths come from git, as worktrees keep them elsewhere.
            for path in [
                Some("HEAD".to_owned()),
                git(&["symbolic-ref", "-q", "HEAD"]),
            ]
            .into_iter()
            .flatten()
            {
                if let Some(file) =
                    git(&["rev-parse", "--path-format=absolute", "--git-path", &path])
                {
                    println!("cargo:rerun-if-changed={file}");
                }
            }
            println!("cargo:rustc-env=HERALD_VERSION={version} (git {revision})");
        }
        None => println!("cargo:rustc-env=HERALD_VERSION={version}"),
    }
}

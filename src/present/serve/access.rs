//! Who the server is and who gets in: the host key (made on first start, kept 0600 in the
//! data directory), the keys of `--authorized-keys`, and where each reader's marks live.

use std::collections::HashSet;
use std::io::{self, Write};
use std::path::{Path, PathBuf};

use russh::keys::ssh_key::LineEnding;
use russh::keys::{Algorithm, HashAlg, PrivateKey, PublicKey};

/// The file the host key is kept in, under the data directory.
pub fn host_key_path(data_dir: &Path) -> PathBuf {
    data_dir.join("serve").join("host_ed25519_key")
}

/// The host key at `path`, made (Ed25519) and written with mode 0600 if there is none yet.
/// A key that exists is never replaced: clients know the server by it.
pub fn host_key(path: &Path) -> io::Result<PrivateKey> {
    match std::fs::read_to_string(path) {
        Ok(text) => PrivateKey::from_openssh(text.trim_end()).map_err(|error| {
            io::Error::other(format!(
                "the host key {} cannot be read ({error}); move it away to make a new one",
                path.display()
            ))
        }),
        Err(error) if error.kind() == io::ErrorKind::NotFound => {
            let key = PrivateKey::random(&mut rand::rng(), Algorithm::Ed25519)
                .map_err(|error| io::Error::other(format!("cannot make a host key: {error}")))?;
            let text = key
                .to_openssh(LineEnding::LF)
                .map_err(|error| io::Error::other(format!("cannot write a host key: {error}")))?;
            if let Some(dir) = path.parent() {
                create_private_dir(dir)?;
            }
            write_private(path, text.as_bytes())?;
            Ok(key)
        }
        Err(error) => Err(io::Error::new(
            error.kind(),
            format!("cannot read the host key {}: {error}", path.display()),
        )),
    }
}

/// The fingerprint OpenSSH shows for a key (`SHA256:...`).
pub fn fingerprint(key: &PublicKey) -> String {
    key.fingerprint(HashAlg::Sha256).to_string()
}

#[cfg(unix)]
fn create_private_dir(dir: &Path) -> io::Result<()> {
    use std::os::unix::fs::DirBuilderExt;
    std::fs::DirBuilder::new()
        .recursive(true)
        .mode(0o700)
        .create(dir)
}

#[cfg(not(unix))]
fn create_private_dir(dir: &Path) -> io::Result<()> {
    std::fs::create_dir_all(dir)
}

/// Writes a new file readable by its owner only; never follows or replaces what is there
/// (two servers starting at once: one writes, the other fails and says so).
fn write_private(path: &Path, bytes: &[u8]) -> io::Result<()> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let mut file = options.open(path).map_err(|error| {
        io::Error::new(
            error.kind(),
            format!("cannot create the host key {}: {error}", path.display()),
        )
    })?;
    file.write_all(bytes)?;
    file.sync_all()
}

/// The keys of an authorized_keys file (OpenSSH's format; options before a key are allowed
/// and ignored: Herald grants nothing they could restrict). Known by their SHA-256 digest.
#[derive(Clone, Debug, Default)]
pub struct Authorized {
    digests: HashSet<Vec<u8>>,
}

impl Authorized {
    pub fn read(path: &Path) -> io::Result<(Self, Vec<String>)> {
        let text = std::fs::read_to_string(path).map_err(|error| {
            io::Error::new(
                error.kind(),
                format!("cannot read {}: {error}", path.display()),
            )
        })?;
        Ok(Self::parse(&text, &path.display().to_string()))
    }

    /// The keys in `text`, and a problem for each line that is no key.
    pub fn parse(text: &str, name: &str) -> (Self, Vec<String>) {
        let mut digests = HashSet::new();
        let mut problems = Vec::new();
        for (number, line) in text.lines().enumerate() {
            let line = line.trim();
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            match russh::keys::ssh_key::AuthorizedKeys::new(line).next() {
                Some(Ok(entry)) => {
                    digests.insert(digest(entry.public_key()));
                }
                _ => problems.push(format!(
                    "{name} line {}: not a public key; skipped",
                    number + 1
                )),
            }
        }
        (Self { digests }, problems)
    }

    pub fn allows(&self, key: &PublicKey) -> bool {
        self.digests.contains(&digest(key))
    }

    pub fn len(&self) -> usize {
        self.digests.len()
    }

    pub fn is_empty(&self) -> bool {
        self.digests.is_empty()
    }
}

fn digest(key: &PublicKey) -> Vec<u8> {
    key.fingerprint(HashAlg::Sha256).as_bytes().to_vec()
}

/// Where the marks of the reader with `key` are kept: one state file per key, named by the
/// key's SHA-256 digest in hex (no character a file name could trip on).
pub fn marks_path(data_dir: &Path, key: &PublicKey) -> PathBuf {
    let hex: String = digest(key).iter().map(|b| format!("{b:02x}")).collect();
    data_dir
        .join("serve")
        .join("readers")
        .join(format!("{hex}.json"))
}

#[cfg(test)]
mod tests {
    use super::*;

    const KEY: &str = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIMPDw/obuxPPgAxDE3obzwW0hWqAl6viq3sGX67gLkim reader@example";

    #[test]
    fn authorized_keys_take_options_and_comments_and_name_bad_lines() {
        let text = format!("# readers\n\n{KEY}\nno-pty,no-port-forwarding {KEY}\nnot a key\n");
        let (keys, problems) = Authorized::parse(&text, "keys");
        assert_eq!(keys.len(), 1);
        assert_eq!(problems, ["keys line 5: not a public key; skipped"]);
        let key = PublicKey::from_openssh(KEY).unwrap();
        assert!(keys.allows(&key));
        let other = PrivateKey::random(&mut rand::rng(), Algorithm::Ed25519).unwrap();
        assert!(!keys.allows(other.public_key()));
    }

    #[test]
    fn a_host_key_is_made_once_owner_only_and_kept() {
        let dir = tempfile::tempdir().unwrap();
        let path = host_key_path(dir.path());
        let made = host_key(&path).unwrap();
        let again = host_key(&path).unwrap();
        assert_eq!(
            fingerprint(made.public_key()),
            fingerprint(again.public_key())
        );
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&path).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o600);
        }
        assert!(fingerprint(made.public_key()).starts_with("SHA256:"));
    }

    #[test]
    fn each_key_has_its_own_marks_file() {
        let dir = Path::new("/data");
        let a = PrivateKey::random(&mut rand::rng(), Algorithm::Ed25519).unwrap();
        let b = PrivateKey::random(&mut rand::rng(), Algorithm::Ed25519).unwrap();
        let (pa, pb) = (
            marks_path(dir, a.public_key()),
            marks_path(dir, b.public_key()),
        );
        assert_ne!(pa, pb);
        assert!(pa.starts_with("/data/serve/readers"));
        let name = pa.file_name().unwrap().to_str().unwrap();
        assert_eq!(name.len(), 64 + 5);
        assert!(
            name.trim_end_matches(".json")
                .bytes()
                .all(|b| b.is_ascii_hexdigit())
        );
    }
}

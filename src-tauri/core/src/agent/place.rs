//! Where the agent listens, and who may talk to it.
//!
//! `$XDG_RUNTIME_DIR/authdeck/agent-<digest>.sock`: the runtime folder is the user's own (the
//! login manager makes it 0700 and removes it at logout), `authdeck` inside it is made 0700 and
//! refused when it is anyone else's or open to others, and the socket is 0600. The digest names
//! the data folder and keychain namespace, so each pair has its own agent (tests run many side
//! by side). Whoever connects must be this user (SO_PEERCRED), both ways.

use crate::error::{Error, Result};
use std::os::fd::AsFd;
use std::os::unix::fs::{DirBuilderExt, MetadataExt};
use std::path::{Path, PathBuf};

/// The environment variable of the user's runtime folder (XDG Base Directory).
pub const RUNTIME_VARIABLE: &str = "XDG_RUNTIME_DIR";

/// The agent's folder inside the runtime folder: `$XDG_RUNTIME_DIR/authdeck`.
pub fn folder() -> Result<PathBuf> {
    match std::env::var_os(RUNTIME_VARIABLE).filter(|v| !v.is_empty()) {
        Some(runtime) => Ok(PathBuf::from(runtime).join("authdeck")),
        None => Err(Error::NotConfigured(format!(
            "{RUNTIME_VARIABLE} is not set, so there is no folder only you can use for the \
                 agent's socket (your login session sets it); the agent did not start."
        ))),
    }
}

/// The socket of the agent of data folder `home` (as it is spelled after resolving links)
/// and keychain `namespace`, in `folder`.
pub fn socket(folder: &Path, home: &Path, namespace: &str) -> PathBuf {
    folder.join(format!("agent-{}.sock", crate::store_tag(home, namespace)))
}

/// The socket of the agent this process's data folder and keychain namespace would have;
/// None when there is no runtime folder or the data folder does not exist (then no agent can).
pub fn socket_of_this_process() -> Option<PathBuf> {
    let folder = folder().ok()?;
    let home = crate::default_home().ok()?.canonicalize().ok()?;
    Some(socket(&folder, &home, &crate::vault::default_namespace()))
}

/// Makes the agent's folder (0700) or checks the one there: a folder of this user's that
/// nobody else can enter, else a refusal that says what is wrong.
pub fn prepare(folder: &Path) -> Result<()> {
    match std::fs::DirBuilder::new().mode(0o700).create(folder) {
        Ok(()) => {}
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {}
        Err(e) => {
            return Err(Error::File(format!(
                "Could not make the agent's folder {}: {e}.",
                folder.display()
            )));
        }
    }
    check(folder)
}

/// Refuses a folder that is a link, not a folder, someone else's, or open to others.
fn check(folder: &Path) -> Result<()> {
    let meta = std::fs::symlink_metadata(folder).map_err(|e| {
        Error::File(format!(
            "Could not read the agent's folder {}: {e}.",
            folder.display()
        ))
    })?;
    let mode = meta.mode() & 0o777;
    let own = rustix::process::getuid().as_raw();
    let problem = if !meta.is_dir() {
        Some("it is not a folder".to_owned())
    } else if meta.uid() != own {
        Some(format!(
            "it belongs to uid {}, not to you (uid {own})",
            meta.uid()
        ))
    } else if mode != 0o700 {
        Some(format!("its mode is {mode:o}, not 700"))
    } else {
        None
    };
    match problem {
        None => Ok(()),
        Some(problem) => Err(Error::File(format!(
            "The agent's folder {} is not yours alone: {problem}. Remove it (or `chmod 700` it \
             if it is yours); the agent did not start.",
            folder.display()
        ))),
    }
}

/// The uid of the process at the other end of a Unix socket (SO_PEERCRED).
pub fn peer_uid(socket: impl AsFd) -> std::io::Result<u32> {
    Ok(rustix::net::sockopt::socket_peercred(socket)?.uid.as_raw())
}

/// This process's uid.
pub fn own_uid() -> u32 {
    rustix::process::getuid().as_raw()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::unix::fs::PermissionsExt;

    #[test]
    fn each_data_folder_and_namespace_has_its_own_socket() {
        let folder = Path::new("/run/user/1000/authdeck");
        let one = socket(folder, Path::new("/home/a/data"), "authdeck");
        assert_eq!(one, socket(folder, Path::new("/home/a/data"), "authdeck"));
        assert_ne!(
            one,
            socket(folder, Path::new("/home/a/data"), "authdeck-dev")
        );
        assert_ne!(one, socket(folder, Path::new("/home/b/data"), "authdeck"));
        let name = one.file_name().unwrap().to_str().unwrap();
        assert!(name.starts_with("agent-") && name.ends_with(".sock") && name.len() == 27);
    }

    #[test]
    fn the_peer_of_a_socket_pair_is_this_user() {
        let (ours, theirs) = std::os::unix::net::UnixStream::pair().unwrap();
        assert_eq!(peer_uid(&ours).unwrap(), own_uid());
        assert_eq!(peer_uid(&theirs).unwrap(), own_uid());
    }

    #[test]
    fn a_folder_open_to_others_is_refused_and_a_new_one_is_private() {
        let dir = tempfile::tempdir().unwrap();
        let folder = dir.path().join("authdeck");
        prepare(&folder).unwrap();
        let mode = std::fs::metadata(&folder).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o700);
        std::fs::set_permissions(&folder, std::fs::Permissions::from_mode(0o755)).unwrap();
        let error = prepare(&folder).unwrap_err().to_string();
        assert!(error.contains("its mode is 755, not 700"), "{error}");
    }
}

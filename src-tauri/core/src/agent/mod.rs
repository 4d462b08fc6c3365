//! The agent: a process of the user's that keeps stored tokens in memory and hands them to
//! `authdeck token` (and `env`, `exec`) over a socket only the same user can use, so a cached
//! token costs no keychain round trip, and renews a client-credentials token for them on its
//! open keychain session when the stored one no longer serves. Either `authdeck agent start`
//! serves, or the desktop app while it runs; both through this one module. The security
//! argument is in the README ("The agent"); in short: only this uid may ask (folder 0700,
//! socket 0600, SO_PEERCRED), it serves only what the unlocked keychain would give the same
//! user, and only while it is unlocked.

mod place;
mod serve;
#[cfg(all(test, target_os = "linux"))]
mod tests;
mod wire;

pub use place::{RUNTIME_VARIABLE, folder, own_uid, peer_uid, socket, socket_of_this_process};
pub use serve::{Agent, Ending, Log};
pub use wire::{Answer, MAX_LINE, RENEWAL_WAIT, Request, Served, Server, Status, line};

use crate::Core;
use crate::error::{Error, Result};
use std::io::{BufRead, BufReader, Read, Write};
use std::os::unix::fs::{MetadataExt, PermissionsExt};
use std::os::unix::net::{UnixListener, UnixStream};
use std::path::{Path, PathBuf};
use std::time::Duration;

/// Asks the agent at `socket` one thing; None when none answers there (or its peer is not
/// this user). The agent answers within `wait`; when it says it renews the token (a request
/// with `renew`), the token follows within [`RENEWAL_WAIT`].
pub fn talk(socket: &Path, request: &Request, wait: Duration) -> Option<Answer> {
    let mut stream = UnixStream::connect(socket).ok()?;
    // Only an agent of this user's is believed (the folder is ours, but check the peer too).
    if peer_uid(&stream).ok()? != own_uid() {
        return None;
    }
    stream.set_read_timeout(Some(wait)).ok()?;
    stream.set_write_timeout(Some(wait)).ok()?;
    stream.write_all(&line(request)).ok()?;
    let mut reader = BufReader::new(stream);
    let answer = read_answer(&mut reader)?;
    if !matches!(answer, Answer::Renewing) {
        return Some(answer);
    }
    reader.get_ref().set_read_timeout(Some(RENEWAL_WAIT)).ok()?;
    read_answer(&mut reader)
}

/// One answer line (at most [`MAX_LINE`] bytes), its text wiped once read.
fn read_answer(reader: &mut BufReader<UnixStream>) -> Option<Answer> {
    let mut text = String::new();
    let read = reader.by_ref().take(MAX_LINE).read_line(&mut text);
    let answer = read.ok().and_then(|_| serde_json::from_str(&text).ok());
    zeroize::Zeroize::zeroize(&mut text);
    answer
}

/// The status of the agent listening on `socket`, if one answers (within 2 s).
pub fn running(socket: &Path) -> Option<Status> {
    match talk(socket, &Request::Status, Duration::from_secs(2))? {
        Answer::Status(status) => Some(status),
        _ => None,
    }
}

/// A socket bound for an agent, not yet served.
#[derive(Debug)]
pub struct Listening {
    /// Non-blocking, for [`Agent::run`].
    pub listener: UnixListener,
    pub socket: PathBuf,
    pub namespace: String,
    /// The socket file's inode, to tell it from one bound later in its place.
    pub inode: u64,
}

impl Listening {
    /// Removes the socket file when it is still this listener's (a quitting app's last step).
    pub fn remove_socket(socket: &Path, inode: u64) {
        if std::fs::symlink_metadata(socket).is_ok_and(|meta| meta.ino() == inode) {
            let _ = std::fs::remove_file(socket);
        }
    }
}

/// What [`listen`] found.
#[derive(Debug)]
pub enum Opened {
    /// This process may serve: the socket is bound.
    Listening(Listening),
    /// Another agent already serves this data folder and keychain namespace.
    Served(Status),
}

/// Binds the agent's socket for `core`'s data folder and keychain `namespace` (0600, in the
/// runtime folder's `authdeck` folder made or checked 0700), unless an agent already answers
/// there; a socket nobody answers on is a dead agent's (a crash) and is replaced. Linux only:
/// the lock check the agent makes before handing anything on is the Secret Service's.
pub fn listen(core: &Core, namespace: &str) -> Result<Opened> {
    listen_in(&folder()?, core, namespace)
}

/// [`listen`] with the agent's folder given (tests).
fn listen_in(folder: &Path, core: &Core, namespace: &str) -> Result<Opened> {
    if !cfg!(target_os = "linux") {
        return Err(Error::NotConfigured(
            "The agent needs the keychain's lock check, which Authdeck has on Linux only; it \
             did not start."
                .into(),
        ));
    }
    let home = core
        .home()
        .canonicalize()
        .map_err(|e| Error::File(format!("Could not resolve the data folder: {e}.")))?;
    place::prepare(folder)?;
    let socket = socket(folder, &home, namespace);
    if let Some(status) = running(&socket) {
        return Ok(Opened::Served(status));
    }
    let failed = |e: std::io::Error| {
        Error::File(format!(
            "The agent cannot listen on {}: {e}; it did not start.",
            socket.display()
        ))
    };
    if std::fs::symlink_metadata(&socket).is_ok() {
        std::fs::remove_file(&socket).map_err(failed)?;
    }
    let listener = UnixListener::bind(&socket).map_err(failed)?;
    std::fs::set_permissions(&socket, std::fs::Permissions::from_mode(0o600)).map_err(failed)?;
    let inode = std::fs::symlink_metadata(&socket).map_err(failed)?.ino();
    listener.set_nonblocking(true).map_err(failed)?;
    Ok(Opened::Listening(Listening {
        listener,
        socket,
        namespace: namespace.to_owned(),
        inode,
    }))
}

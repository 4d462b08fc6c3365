//! `authdeck agent`: a process of the user's that keeps stored tokens in memory and hands them
//! to `authdeck token` (and `env`, `exec`) over a socket only the same user can use, so a
//! cached token costs no keychain round trip. The security argument is in the README ("The
//! agent"); in short: only this uid may ask (folder 0700, socket 0600, SO_PEERCRED), it serves
//! only what the unlocked keychain would give the same user, and only while it is unlocked.

mod ask;
mod place;
mod serve;
mod wire;

pub use ask::ask;

use crate::cli::{AgentCommand, AgentStartArgs};
use crate::failure::{Failure, exit};
use crate::output;
use std::io::{BufRead, BufReader, Read, Write};
use std::os::unix::fs::{MetadataExt, PermissionsExt};
use std::os::unix::net::UnixStream;
use std::path::Path;
use std::time::Duration;
use wire::{Answer, Request};

/// `authdeck agent start|stop|status`.
pub fn run(command: &AgentCommand) -> Result<u8, Failure> {
    match command {
        AgentCommand::Start(args) if args.foreground => start(args),
        AgentCommand::Start(args) => detach(args),
        AgentCommand::Stop => stop(),
        AgentCommand::Status { json } => status(*json),
    }
}

/// Asks the agent at `socket` one thing; None when none answers there.
fn talk(socket: &Path, request: &Request, wait: Duration) -> Option<Answer> {
    let mut stream = UnixStream::connect(socket).ok()?;
    // Only an agent of this user's is believed (the folder is ours, but check the peer too).
    if place::peer_uid(&stream).ok()? != place::own_uid() {
        return None;
    }
    stream.set_read_timeout(Some(wait)).ok()?;
    stream.set_write_timeout(Some(wait)).ok()?;
    stream.write_all(&wire::line(request)).ok()?;
    let mut line = String::new();
    BufReader::new(stream.take(wire::MAX_LINE))
        .read_line(&mut line)
        .ok()?;
    let answer = serde_json::from_str(&line).ok();
    zeroize::Zeroize::zeroize(&mut line);
    answer
}

/// Where this process's agent listens, or why there can be none.
fn socket() -> Result<std::path::PathBuf, Failure> {
    place::folder()?;
    place::socket_of_this_process().ok_or_else(|| {
        Failure::not_found("No agent runs for this data folder (it does not exist yet).")
    })
}

/// The running agent's status, if one answers.
fn running(socket: &Path) -> Option<wire::Status> {
    match talk(socket, &Request::Status, Duration::from_secs(2))? {
        Answer::Status(status) => Some(status),
        _ => None,
    }
}

fn listening_line(socket: &str, pid: u32, idle: u64) -> String {
    format!(
        "authdeck agent: listening on {socket} (pid {pid}); it stops after {idle} s without a request.\n"
    )
}

/// `agent start --foreground`: listens, prints where, serves until it ends.
fn start(args: &AgentStartArgs) -> Result<u8, Failure> {
    let folder = place::folder()?;
    if !cfg!(target_os = "linux") {
        return Err(Failure::new(
            exit::NOT_CONFIGURED,
            "The agent needs the keychain's lock check, which Authdeck has on Linux only; it did \
             not start.",
        ));
    }
    let core = crate::open()?;
    core.connect_keychain()?;
    let home = core.home().canonicalize().map_err(|e| {
        Failure::new(
            exit::OTHER,
            format!("Could not resolve the data folder: {e}."),
        )
    })?;
    let namespace = authdeck_core::vault::default_namespace();
    place::prepare(&folder)?;
    let socket = place::socket(&folder, &home, &namespace);
    if let Some(status) = running(&socket) {
        output::print(&format!(
            "authdeck agent: already running, listening on {} (pid {}).\n",
            status.socket, status.pid
        ))?;
        return Ok(0);
    }
    let (listener, inode) = listen(&socket)?;
    let agent = serve::Agent::new(
        core,
        socket.clone(),
        namespace,
        Duration::from_secs(args.idle),
        inode,
    );
    output::print(&listening_line(
        &socket.display().to_string(),
        std::process::id(),
        args.idle,
    ))?;
    crate::tokens::block_on(async move {
        let listener = tokio::net::UnixListener::from_std(listener)?;
        agent.run(listener).await
    })?
    .map_err(|e| Failure::new(exit::OTHER, format!("The agent failed: {e}.")))?;
    Ok(0)
}

/// Binds the socket (replacing a dead agent's) as 0600; the listener and the socket's inode.
fn listen(socket: &Path) -> Result<(std::os::unix::net::UnixListener, u64), Failure> {
    let failed = |e: std::io::Error| cannot_listen(socket, &e);
    // A socket nobody answers on is a dead agent's: replace it.
    if std::fs::symlink_metadata(socket).is_ok() {
        std::fs::remove_file(socket).map_err(failed)?;
    }
    let listener = std::os::unix::net::UnixListener::bind(socket).map_err(failed)?;
    std::fs::set_permissions(socket, std::fs::Permissions::from_mode(0o600)).map_err(failed)?;
    let inode = std::fs::symlink_metadata(socket).map_err(failed)?.ino();
    listener.set_nonblocking(true).map_err(failed)?;
    Ok((listener, inode))
}

fn cannot_listen(socket: &Path, error: &std::io::Error) -> Failure {
    Failure::new(
        exit::OTHER,
        format!(
            "The agent cannot listen on {}: {error}; it did not start.",
            socket.display()
        ),
    )
}

/// `agent start`: the same in a process of its own (its own process group, so a Ctrl-C at
/// the terminal does not end it), returning once it listens, with its line.
fn detach(args: &AgentStartArgs) -> Result<u8, Failure> {
    use std::os::unix::process::CommandExt;
    use std::process::{Command, Stdio};
    place::folder()?;
    let program = std::env::current_exe()
        .map_err(|e| Failure::new(exit::OTHER, format!("Could not find this program: {e}.")))?;
    let mut child = Command::new(program)
        .args(["agent", "start", "--foreground", "--idle"])
        .arg(args.idle.to_string())
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .process_group(0)
        .spawn()
        .map_err(|e| Failure::new(exit::OTHER, format!("Could not start the agent: {e}.")))?;
    let mut line = String::new();
    if let Some(stdout) = child.stdout.take() {
        let _ = BufReader::new(stdout).read_line(&mut line);
    }
    if !line.is_empty() {
        output::print(&line)?;
        return Ok(0);
    }
    // It ended before listening: its own failure line, and its exit code.
    let mut said = String::new();
    if let Some(mut stderr) = child.stderr.take() {
        let _ = stderr.read_to_string(&mut said);
    }
    let code = child.wait().ok().and_then(|s| s.code()).unwrap_or(1);
    let message = said
        .lines()
        .last()
        .unwrap_or("The agent ended before it listened.")
        .trim_start_matches("authdeck: ")
        .to_owned();
    Err(Failure::new(
        u8::try_from(code).unwrap_or(exit::OTHER),
        message,
    ))
}

/// `agent stop`: asks the agent to end and waits (up to 2 s) until its socket is gone.
fn stop() -> Result<u8, Failure> {
    let socket = socket()?;
    let Some(Answer::Stopping) = talk(&socket, &Request::Stop, Duration::from_secs(2)) else {
        output::print("No agent runs for this data folder and keychain namespace.\n")?;
        return Ok(0);
    };
    for _ in 0..40 {
        if std::fs::symlink_metadata(&socket).is_err() {
            break;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    output::print("Stopped the agent; the tokens it held in memory went with it.\n")?;
    Ok(0)
}

/// `agent status`.
fn status(json: bool) -> Result<u8, Failure> {
    let socket = socket()?;
    let Some(status) = running(&socket) else {
        return Err(Failure::not_found(
            "No agent runs for this data folder and keychain namespace; start one with \
             `authdeck agent start`.",
        ));
    };
    if json {
        let text = serde_json::to_string_pretty(&status).expect("a status serializes");
        output::print(&format!("{text}\n"))?;
        return Ok(0);
    }
    output::print(&format!(
        "The agent runs (pid {}), listening on {}, for the data folder {} (keychain namespace \
         {}); served {}, missed {}, refused {} connection(s) of other users; holds {} \
         token(s); idle for {} s of {} s.\n",
        status.pid,
        status.socket,
        status.home,
        status.namespace,
        status.served,
        status.missed,
        status.refused,
        status.held,
        status.idle_seconds,
        status.idle_limit_seconds
    ))?;
    Ok(0)
}

//! `authdeck agent start|stop|status`, and the CLI's side of asking the agent (`ask`). The
//! agent itself (its place, its wire format, its listener) is core's `agent` module, shared
//! with the desktop app, which serves the same socket while it runs.

mod ask;

pub use ask::ask;

use crate::cli::{AgentCommand, AgentStartArgs};
use crate::failure::{Failure, exit};
use crate::output;
use crate::output::say;
use authdeck_core::agent::{self as shared, Answer, Opened, Request, Server};
use std::io::{BufRead, BufReader, Read};
use std::sync::Arc;
use std::time::Duration;

/// `authdeck agent start|stop|status`.
pub fn run(command: &AgentCommand) -> Result<u8, Failure> {
    match command {
        AgentCommand::Start(args) if args.foreground => start(args),
        AgentCommand::Start(args) => detach(args),
        AgentCommand::Stop => stop(),
        AgentCommand::Status { json } => status(*json),
    }
}

/// Where this process's agent listens, or why there can be none.
fn socket() -> Result<std::path::PathBuf, Failure> {
    shared::folder()?;
    shared::socket_of_this_process().ok_or_else(|| {
        Failure::not_found("No agent runs for this data folder (it does not exist yet).")
    })
}

fn listening_line(socket: &str, pid: u32, idle: u64) -> String {
    format!(
        "authdeck agent: listening on {socket} (pid {pid}); it stops after {idle} s without a request.\n"
    )
}

/// What `agent start` says when an agent already serves.
fn already_serving(status: &shared::Status) -> String {
    match status.served_by {
        Server::CliAgent => format!(
            "authdeck agent: already running, listening on {} (pid {}).\n",
            status.socket, status.pid
        ),
        Server::DesktopApp => format!(
            "authdeck agent: the desktop app (pid {}) already serves as the agent of this data \
             folder, listening on {}; it serves until the app quits.\n",
            status.pid, status.socket
        ),
    }
}

/// The agent's lines on stderr.
fn log(line: &str) {
    say!("authdeck agent: {line}");
}

/// `agent start --foreground`: listens, prints where, serves until it ends.
fn start(args: &AgentStartArgs) -> Result<u8, Failure> {
    shared::folder()?;
    if !cfg!(target_os = "linux") {
        return Err(Failure::new(
            exit::NOT_CONFIGURED,
            "The agent needs the keychain's lock check, which Authdeck has on Linux only; it did \
             not start.",
        ));
    }
    let core = crate::open()?;
    core.connect_keychain()?;
    let namespace = authdeck_core::vault::default_namespace();
    let listening = match shared::listen(&core, &namespace)? {
        Opened::Served(status) => {
            output::print(&already_serving(&status))?;
            return Ok(0);
        }
        Opened::Listening(listening) => listening,
    };
    let agent = shared::Agent::new(
        Arc::new(core),
        &listening,
        Server::CliAgent,
        Some(Duration::from_secs(args.idle)),
        log,
    );
    output::print(&listening_line(
        &listening.socket.display().to_string(),
        std::process::id(),
        args.idle,
    ))?;
    crate::tokens::block_on(async move {
        use tokio::signal::unix::{SignalKind, signal};
        let mut terminate = signal(SignalKind::terminate())?;
        let mut interrupt = signal(SignalKind::interrupt())?;
        let told = async move {
            tokio::select! {
                _ = terminate.recv() => "SIGTERM",
                _ = interrupt.recv() => "SIGINT",
            }
        };
        agent.run(listening.listener, told).await
    })?
    .map_err(|e| Failure::new(exit::OTHER, format!("The agent failed: {e}.")))?;
    Ok(0)
}

/// `agent start`: the same in a process of its own (its own process group, so a Ctrl-C at
/// the terminal does not end it), returning once it listens, with its line.
fn detach(args: &AgentStartArgs) -> Result<u8, Failure> {
    use std::os::unix::process::CommandExt;
    use std::process::{Command, Stdio};
    shared::folder()?;
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
    let server = shared::running(&socket).map(|status| status.served_by);
    let Some(Answer::Stopping) = shared::talk(&socket, &Request::Stop, Duration::from_secs(2))
    else {
        output::print("No agent runs for this data folder and keychain namespace.\n")?;
        return Ok(0);
    };
    for _ in 0..40 {
        if std::fs::symlink_metadata(&socket).is_err() {
            break;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    output::print(if server == Some(Server::DesktopApp) {
        "Stopped the desktop app's agent (the app goes on without it until it is started \
         again); the tokens it held in memory went with it.\n"
    } else {
        "Stopped the agent; the tokens it held in memory went with it.\n"
    })?;
    Ok(0)
}

/// `agent status`.
fn status(json: bool) -> Result<u8, Failure> {
    let socket = socket()?;
    let Some(status) = shared::running(&socket) else {
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
    let (who, ends) = match (status.served_by, status.idle_limit_seconds) {
        (Server::CliAgent, Some(limit)) => (
            "The agent runs".to_owned(),
            format!("idle for {} s of {limit} s", status.idle_seconds),
        ),
        (Server::CliAgent, None) => (
            "The agent runs".to_owned(),
            format!("idle for {} s", status.idle_seconds),
        ),
        (Server::DesktopApp, _) => (
            "The desktop app serves as the agent".to_owned(),
            format!(
                "idle for {} s; it serves until the app quits",
                status.idle_seconds
            ),
        ),
    };
    output::print(&format!(
        "{who} (pid {}), listening on {}, for the data folder {} (keychain namespace {}); \
         served {} (renewed {}), missed {}, refused {} connection(s) of other users; holds {} \
         token(s); {ends}.\n",
        status.pid,
        status.socket,
        status.home,
        status.namespace,
        status.served,
        status.renewed,
        status.missed,
        status.refused,
        status.held,
    ))?;
    Ok(0)
}

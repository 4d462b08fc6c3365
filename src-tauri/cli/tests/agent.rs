//! `authdeck agent`: the real binary as the agent and as its clients, against the real keychain
//! and the real test authorization server. Each test has a runtime folder of its own (the
//! agent's socket lives there) beside its own data folder and keychain namespace.

mod common;

use common::keychain::PrivateKeychain;
use common::{Home, Run, billing};
use serde_json::Value;
use std::io::{BufRead, BufReader, Read};
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// A home and a runtime folder (0700, as a login session makes it) of one test's own.
struct Place {
    home: Home,
    runtime: tempfile::TempDir,
    /// A keychain of the test's own, instead of the one all tests share.
    keychain: Option<PrivateKeychain>,
}

impl Place {
    fn new(home: Home) -> Self {
        let runtime = tempfile::tempdir().expect("a runtime folder");
        std::fs::set_permissions(runtime.path(), std::fs::Permissions::from_mode(0o700)).unwrap();
        Self {
            home,
            runtime,
            keychain: None,
        }
    }

    fn command(&self, args: &[&str]) -> Command {
        let mut command = self.home.command(args);
        command
            .env("XDG_RUNTIME_DIR", self.runtime.path())
            .env_remove("AUTHDECK_AGENT");
        if let Some(keychain) = &self.keychain {
            command.env("DBUS_SESSION_BUS_ADDRESS", &keychain.address);
        }
        command
    }

    fn run(&self, args: &[&str]) -> Run {
        Run::from(self.command(args).output().expect("run authdeck"))
    }

    /// The command its usual way: `AUTHDECK_AGENT=off`.
    fn run_without_agent(&self, args: &[&str]) -> Run {
        Run::from(
            self.command(args)
                .env("AUTHDECK_AGENT", "off")
                .output()
                .expect("run authdeck"),
        )
    }

    /// `token -v`: (the value, stderr).
    fn token(&self) -> (String, String) {
        let run = self.run(&["token", "-v"]);
        (run.ok().trim_end().to_owned(), run.stderr)
    }

    fn folder(&self) -> PathBuf {
        self.runtime.path().join("authdeck")
    }

    /// The agent in the foreground, once it says where it listens.
    fn agent(&self, idle: &str) -> Agent {
        let mut child = self
            .command(&["agent", "start", "--foreground", "--idle", idle])
            .spawn()
            .expect("start the agent");
        let mut line = String::new();
        BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut line)
            .unwrap();
        let socket = line
            .strip_prefix("authdeck agent: listening on ")
            .and_then(|rest| rest.split(" (pid ").next())
            .unwrap_or_else(|| panic!("where the agent listens: {line:?}"))
            .into();
        Agent { child, socket }
    }

    fn status(&self) -> Value {
        self.run(&["agent", "status", "--json"]).json()
    }
}

/// An agent run by a test; ended (SIGTERM) when dropped, if it has not ended.
struct Agent {
    child: Child,
    socket: PathBuf,
}

impl Agent {
    /// Ends it with SIGTERM; what it said on stderr.
    fn end(mut self) -> String {
        signal_term(self.child.id());
        self.log()
    }

    /// Waits (up to `within`) for it to end by itself; what it said on stderr.
    fn ended_within(mut self, within: Duration) -> String {
        let deadline = Instant::now() + within;
        while self.child.try_wait().unwrap().is_none() {
            assert!(Instant::now() < deadline, "the agent did not end in time");
            std::thread::sleep(Duration::from_millis(50));
        }
        self.log()
    }

    fn log(&mut self) -> String {
        let status = self.child.wait().unwrap();
        assert_eq!(status.code(), Some(0), "the agent's exit");
        let mut said = String::new();
        self.child
            .stderr
            .take()
            .unwrap()
            .read_to_string(&mut said)
            .unwrap();
        said
    }
}

impl Drop for Agent {
    fn drop(&mut self) {
        if self.child.try_wait().ok().flatten().is_none() {
            signal_term(self.child.id());
            let _ = self.child.wait();
        }
    }
}

fn signal_term(pid: u32) {
    let done = Command::new("kill")
        .args(["-TERM", &pid.to_string()])
        .status()
        .unwrap();
    assert!(done.success());
}

fn mode(path: &Path) -> u32 {
    std::fs::symlink_metadata(path)
        .unwrap()
        .permissions()
        .mode()
        & 0o777
}

#[test]
fn a_cached_token_is_served_by_the_agent_and_nothing_secret_is_logged() {
    let (_server, home) = billing("agent-served", &[]);
    let place = Place::new(home);
    let agent = place.agent("60");
    assert_eq!(mode(&place.folder()), 0o700);
    assert_eq!(mode(&agent.socket), 0o600);

    // The first token: none is stored, so the agent requests it (client credentials).
    let (value, said) = place.token();
    assert!(
        said.starts_with("authdeck: renewed by the agent\n"),
        "{said}"
    );
    assert!(said.contains("renewed token for “Billing sync”"), "{said}");

    let (served, said) = place.token();
    assert_eq!(served, value);
    assert!(
        said.starts_with("authdeck: served by the agent\n"),
        "{said}"
    );
    assert!(said.contains("cached token for “Billing sync”"), "{said}");

    // The CLI asks before it opens the keychain: it needs none when the agent serves.
    let run = Run::from(
        place
            .command(&["token"])
            .env("DBUS_SESSION_BUS_ADDRESS", "unix:path=/nonexistent")
            .output()
            .unwrap(),
    );
    assert_eq!(run.ok().trim_end(), value);
    let exported = place.run(&["env", "Billing sync", "-v"]);
    assert!(
        exported
            .stderr
            .starts_with("authdeck: served by the agent\n")
    );
    let usual = place.run_without_agent(&["env", "Billing sync"]);
    assert_eq!(exported.ok(), usual.ok(), "the same export line either way");

    let executed = Run::from(
        place
            .command(&[
                "exec",
                "--",
                "sh",
                "-c",
                "printf %s \"$AUTHDECK_ACCESS_TOKEN\"",
            ])
            .env("DBUS_SESSION_BUS_ADDRESS", "unix:path=/nonexistent")
            .output()
            .unwrap(),
    );
    assert_eq!(executed.ok(), value, "exec is served by the agent too");

    // AUTHDECK_AGENT=off: the usual way, and nothing said of the agent.
    let off = place.run_without_agent(&["token", "-v"]);
    assert_eq!(off.ok().trim_end(), value);
    assert!(!off.stderr.contains("agent"), "{}", off.stderr);

    let status = place.status();
    assert_eq!(status["served"], 5);
    assert_eq!(status["renewed"], 1);
    assert_eq!(status["missed"], 0);
    assert_eq!(status["refused"], 0);
    assert_eq!(status["held"], 1);
    assert_eq!(status["socket"], agent.socket.display().to_string());
    let text = place.run(&["agent", "status"]);
    assert!(text.ok().starts_with("The agent runs (pid "), "{text:?}");

    let socket = agent.socket.clone();
    let log = agent.end();
    assert!(
        log.contains("renewed and served the token of “Billing sync” in “Local”"),
        "{log}"
    );
    assert!(
        log.contains("served the token of “Billing sync” in “Local”"),
        "{log}"
    );
    assert!(
        log.contains("stopped (SIGTERM); served 5 (renewed 1), missed 0, refused 0."),
        "{log}"
    );
    assert!(!log.contains(&value), "the token in the agent's log: {log}");
    assert!(!log.contains(&value[value.len() - 8..]), "{log}");
    assert!(!socket.exists(), "its socket is removed");
}

#[test]
fn a_token_renewed_by_another_program_is_what_the_agent_serves_next() {
    let (_server, home) = billing("agent-renewed", &[]);
    let place = Place::new(home);
    let _agent = place.agent("60");
    let (first, _) = place.token();
    let (served, said) = place.token();
    assert_eq!(served, first);
    assert!(
        said.starts_with("authdeck: served by the agent\n"),
        "{said}"
    );

    let renewed = place.run(&["token", "--new"]).ok().trim_end().to_owned();
    assert_ne!(renewed, first);
    let (served, said) = place.token();
    assert_eq!(served, renewed, "the renewed token, not the one held");
    assert!(
        said.starts_with("authdeck: served by the agent\n"),
        "{said}"
    );
}

#[test]
fn a_revoked_or_forgotten_token_is_renewed_by_the_agent_not_served() {
    let (_server, home) = billing("agent-revoked", &[]);
    let place = Place::new(home);
    let _agent = place.agent("60");
    let (first, _) = place.token();
    assert_eq!(place.token().0, first);

    // Not served: renewed (client credentials), by the agent.
    place.run(&["revoke"]).ok();
    let (after_revoke, said) = place.token();
    assert!(
        said.starts_with("authdeck: renewed by the agent\n"),
        "{said}"
    );
    assert!(said.contains("renewed token"), "{said}");
    assert_ne!(after_revoke, first);
    assert_eq!(place.token().0, after_revoke);

    place.run(&["forget"]).ok();
    let (after_forget, said) = place.token();
    assert!(
        said.starts_with("authdeck: renewed by the agent\n"),
        "{said}"
    );
    assert!(said.contains("renewed token"), "{said}");
    assert_ne!(after_forget, after_revoke);
    // One value held for the app: the forgotten token's went when the new one came.
    let status = place.status();
    assert_eq!(
        (status["renewed"].clone(), status["held"].clone()),
        (3.into(), 1.into())
    );
}

#[test]
fn the_agent_ends_when_idle_and_when_stopped() {
    let (_server, home) = billing("agent-ends", &[]);
    let place = Place::new(home);
    let agent = place.agent("1");
    let socket = agent.socket.clone();
    let log = agent.ended_within(Duration::from_secs(10));
    assert!(log.contains("stopped (no request for 1 s)"), "{log}");
    assert!(!socket.exists(), "its socket is removed");
    let run = place.run(&["agent", "status"]);
    assert_eq!(run.code, 3, "{run:?}");

    // In the background: start returns once it listens; stop ends it.
    let started = place.run(&["agent", "start", "--idle", "60"]);
    assert!(
        started.ok().starts_with("authdeck agent: listening on "),
        "{started:?}"
    );
    let pid = place.status()["pid"].as_u64().unwrap();
    let again = place.run(&["agent", "start"]);
    assert!(
        again
            .ok()
            .starts_with("authdeck agent: already running, listening on "),
        "{again:?}"
    );
    let stopped = place.run(&["agent", "stop"]);
    assert_eq!(
        stopped.ok(),
        "Stopped the agent; the tokens it held in memory went with it.\n"
    );
    assert!(!socket.exists());
    assert!(
        !Path::new(&format!("/proc/{pid}")).exists() || zombie_or_gone(pid),
        "the agent's process ended"
    );
    assert_eq!(place.run(&["agent", "status"]).code, 3);
}

#[test]
fn the_agent_ends_when_its_data_folder_is_removed() {
    let (_server, home) = billing("agent-home-gone", &[]);
    let place = Place::new(home);
    let agent = place.agent("60");
    let socket = agent.socket.clone();
    std::fs::remove_dir_all(place.home.path()).unwrap();
    let log = agent.ended_within(Duration::from_secs(10));
    assert!(log.contains("stopped (its data folder is gone)"), "{log}");
    assert!(!socket.exists(), "its socket is removed");
}

fn zombie_or_gone(pid: u64) -> bool {
    let deadline = Instant::now() + Duration::from_secs(5);
    loop {
        match std::fs::read_to_string(format!("/proc/{pid}/stat")) {
            Err(_) => return true,
            Ok(stat) if stat.contains(") Z ") => return true,
            Ok(_) if Instant::now() > deadline => return false,
            Ok(_) => std::thread::sleep(Duration::from_millis(50)),
        }
    }
}

#[test]
fn the_agent_refuses_a_folder_open_to_others_and_a_session_without_a_runtime_folder() {
    let (_server, home) = billing("agent-folder", &[]);
    let place = Place::new(home);
    std::fs::create_dir(place.folder()).unwrap();
    std::fs::set_permissions(place.folder(), std::fs::Permissions::from_mode(0o755)).unwrap();
    let refused = place.run(&["agent", "start", "--foreground"]);
    let message = refused.failed(1);
    assert_eq!(
        message,
        format!(
            "The agent's folder {} is not yours alone: its mode is 755, not 700. Remove it (or \
             `chmod 700` it if it is yours); the agent did not start.",
            place.folder().display()
        )
    );
    let unset = Run::from(
        place
            .command(&["agent", "start"])
            .env_remove("XDG_RUNTIME_DIR")
            .output()
            .unwrap(),
    );
    assert!(
        unset.failed(8).starts_with("XDG_RUNTIME_DIR is not set"),
        "{unset:?}"
    );
}

#[test]
fn another_users_connection_is_closed_unanswered() {
    assert_eq!(
        rustix_uid(),
        0,
        "this test acts as another user (nobody) and must run as root, as CI does"
    );
    let (_server, home) = billing("agent-other-user", &[]);
    let place = Place::new(home);
    let agent = place.agent("60");
    let (value, _) = place.token();
    // Open the way to the socket, as a mistake could; the peer check must still refuse.
    for path in [place.runtime.path(), &place.folder(), &place.home.path()] {
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o755)).unwrap();
    }
    std::fs::set_permissions(&agent.socket, std::fs::Permissions::from_mode(0o666)).unwrap();
    let command = place.command(&["token", "-v"]);
    let program = command.get_program().to_owned();
    let args: Vec<_> = command.get_args().map(|a| a.to_owned()).collect();
    let mut as_nobody = Command::new("setpriv");
    as_nobody
        .args(["--reuid=65534", "--regid=65534", "--clear-groups"])
        .arg(&program)
        .args(&args)
        .envs(command.get_envs().filter_map(|(k, v)| v.map(|v| (k, v))))
        .stdin(Stdio::null());
    let run = Run::from(as_nobody.output().expect("setpriv (util-linux)"));
    assert_ne!(run.code, 0, "{run:?}");
    assert!(!run.stdout.contains(&value), "{run:?}");
    assert!(
        run.stderr.contains("authdeck: agent: miss (no answer)\n"),
        "{run:?}"
    );
    assert_eq!(place.status()["refused"], 1);
    let log = agent.end();
    assert!(
        log.contains("refused a connection from uid 65534 (not you)."),
        "{log}"
    );
}

fn rustix_uid() -> u32 {
    let output = Command::new("id").arg("-u").output().unwrap();
    String::from_utf8(output.stdout)
        .unwrap()
        .trim()
        .parse()
        .unwrap()
}

#[test]
fn a_locked_keychain_makes_the_agent_serve_nothing() {
    let server = common::Server::start(&[]);
    let mut place = Place::new(Home::new("agent-locked"));
    place.keychain = Some(PrivateKeychain::start());
    place.home.local_environment(&server);
    let setup = [
        "app",
        "add",
        "Billing sync",
        "--env",
        "Local",
        "--client-id",
        "basic-client",
    ];
    place.run(&setup).ok();
    let mut secret = place
        .command(&["secret", "add", "Billing sync", "--env", "Local"])
        .stdin(Stdio::piped())
        .spawn()
        .unwrap();
    std::io::Write::write_all(&mut secret.stdin.take().unwrap(), b"basic-secret\n").unwrap();
    assert!(secret.wait().unwrap().success());
    let agent = place.agent("60");
    let (value, _) = place.token();
    let (served, said) = place.token();
    assert_eq!(served, value);
    assert!(
        said.starts_with("authdeck: served by the agent\n"),
        "{said}"
    );
    assert_eq!(place.status()["held"], 1);

    place.keychain.as_ref().unwrap().lock();
    let run = place.run(&["token", "-v"]);
    assert!(
        run.stderr
            .starts_with("authdeck: agent: miss (the keychain is locked)\n"),
        "{run:?}"
    );
    // Then the CLI does what it does today with a locked keychain.
    let usual = place.run_without_agent(&["token"]);
    let message = usual.failed(5).to_owned();
    assert_eq!(run.code, 5);
    assert_eq!(run.stdout, "");
    assert!(
        run.stderr.ends_with(&format!("authdeck: {message}\n")),
        "{run:?}"
    );
    assert!(message.contains("locked"), "{message}");
    assert_eq!(place.status()["held"], 0, "every value dropped");
    let log = agent.end();
    assert!(
        log.contains("the keychain is locked; dropped every value held."),
        "{log}"
    );
    assert!(!log.contains(&value), "{log}");
}

#[test]
fn a_token_that_expires_too_soon_is_renewed_by_the_agent_with_one_request() {
    let (server, home) = billing("agent-renews", &[]);
    let place = Place::new(home);
    let _agent = place.agent("60");
    let (first, _) = place.token();
    assert_eq!(server.token_requests().len(), 1);

    // Longer than the provider's tokens live: each such request is a renewal.
    let run = place.run(&["token", "-v", "--min-valid", "3601"]);
    let renewed = run.ok().trim_end().to_owned();
    assert_ne!(renewed, first);
    assert!(
        run.stderr.starts_with("authdeck: renewed by the agent\n"),
        "{run:?}"
    );
    assert!(
        run.stderr.contains("renewed token for “Billing sync”"),
        "{run:?}"
    );
    // The provider's tokens live 3600 s; a second may pass between the answer and the line.
    let left: i64 = run
        .stderr
        .split("warning: the new token is valid for ")
        .nth(1)
        .and_then(|rest| {
            rest.strip_suffix(
                " s, less than --min-valid 3601; the provider issues no longer-lived tokens.\n",
            )
        })
        .and_then(|seconds| seconds.parse().ok())
        .unwrap_or_else(|| panic!("no warning: {run:?}"));
    assert!((3598..=3600).contains(&left), "{run:?}");
    assert_eq!(
        server.token_requests().len(),
        2,
        "one request for the renewal"
    );

    // Stored as the command would store it: the keychain serves it without the agent.
    let usual = place.run_without_agent(&["token"]);
    assert_eq!(usual.ok().trim_end(), renewed);
    assert_eq!(place.token().0, renewed, "and the agent serves it next");
    assert_eq!(server.token_requests().len(), 2);
    assert_eq!(place.status()["renewed"], 2);
}

#[test]
fn twenty_scripts_at_once_make_one_token_request_through_the_agent() {
    // The server answers slowly: the agent renews while the others ask (each told at once
    // that it renews, their renewals sharing the first one's request; a command that gave up
    // on the agent after 200 ms would wait for the same request through the app's lock).
    let (server, home) = billing("agent-single-flight", &["--delay-ms", "300"]);
    let place = Place::new(home);
    let _agent = place.agent("60");
    let children: Vec<_> = (0..20)
        .map(|_| {
            place
                .command(&["token"])
                .stdout(Stdio::piped())
                .stderr(Stdio::piped())
                .spawn()
                .expect("spawn")
        })
        .collect();
    let values: Vec<String> = children
        .into_iter()
        .map(|child| {
            let output = child.wait_with_output().expect("wait");
            Run::from(output).ok().trim_end().to_owned()
        })
        .collect();
    assert!(values[0].len() >= 20, "{values:?}");
    assert!(values.iter().all(|v| v == &values[0]), "{values:?}");
    assert_eq!(server.token_requests().len(), 1);
    assert_eq!(
        place.status()["renewed"],
        1,
        "one renewal, counted once however many asked"
    );
}

#[test]
fn a_renewal_the_provider_refuses_fails_the_command_as_without_the_agent_and_asks_once() {
    let server = common::Server::start(&[]);
    let home = Home::new("agent-refused");
    home.local_environment(&server);
    // The secret stored for this app is not the client's: the provider refuses it.
    home.app("Local", "Stale copy", "basic-client", "-not-the-secret");
    let place = Place::new(home);
    let _agent = place.agent("60");
    let run = place.run(&["token", "Stale copy", "-v"]);
    assert_eq!(server.token_requests().len(), 1, "asked once");
    let usual = place.run_without_agent(&["token", "Stale copy"]);
    let message = usual.failed(4).to_owned();
    assert!(message.contains("invalid_client"), "{message}");
    assert_eq!((run.code, run.stdout.as_str()), (4, ""));
    assert_eq!(run.stderr, format!("authdeck: {message}\n"), "{run:?}");
    let status = place.status();
    assert_eq!(
        (status["served"].clone(), status["missed"].clone()),
        (0.into(), 1.into())
    );
}

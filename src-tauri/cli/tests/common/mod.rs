//! What the CLI's tests and benchmark share: the real `authdeck` binary run as a process
//! with a data folder and keychain namespace of its own, and the test authorization server.
//!
//! The binary is `env!("CARGO_BIN_EXE_authdeck")`: cargo builds it (fresh) before any test
//! or benchmark of this package runs, which a path computed from the root package could not
//! promise. The keychain helpers and the test authorization server come from the repository's
//! tests/support.
#![allow(dead_code)] // the tests and the benchmark each use their own part

pub mod keychain;
pub mod mtls;
#[path = "../../../../tests/support/mod.rs"]
pub mod support;
pub mod team;

use serde_json::Value;
use std::io::Write;
use std::path::PathBuf;
use std::process::{Command, Output, Stdio};

/// The CLI binary cargo built for this test run.
pub const BIN: &str = env!("CARGO_BIN_EXE_authdeck");

/// The test authorization server, started by the repository's one helper.
pub use support::authserver::AuthServer as Server;

/// What one run of the CLI did.
#[derive(Debug)]
pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Run {
    pub fn from(output: Output) -> Self {
        Self {
            code: output
                .status
                .code()
                .expect("exited, not killed by a signal"),
            stdout: String::from_utf8(output.stdout).expect("utf-8 stdout"),
            stderr: String::from_utf8(output.stderr).expect("utf-8 stderr"),
        }
    }

    /// Asserts success and returns stdout.
    #[track_caller]
    pub fn ok(&self) -> &str {
        assert_eq!(self.code, 0, "expected success: {self:#?}");
        &self.stdout
    }

    /// Asserts the exit code, that stdout is empty and that stderr is exactly one line
    /// `authdeck: <message>`; returns the message.
    #[track_caller]
    pub fn failed(&self, code: i32) -> &str {
        assert_eq!(self.code, code, "exit code: {self:#?}");
        assert_eq!(self.stdout, "", "nothing on stdout when failing: {self:#?}");
        assert_eq!(self.stderr.lines().count(), 1, "one line: {self:#?}");
        self.stderr
            .trim_end()
            .strip_prefix("authdeck: ")
            .unwrap_or_else(|| panic!("stderr starts with “authdeck: ”: {self:#?}"))
    }

    pub fn json(&self) -> Value {
        serde_json::from_str(self.ok()).unwrap_or_else(|e| panic!("JSON ({e}): {self:#?}"))
    }
}

/// A data folder and keychain namespace of one test's own, and the CLI run against them.
pub struct Home {
    pub dir: tempfile::TempDir,
    pub namespace: String,
    /// A session bus of the test's own (a private keychain's) instead of the shared one.
    pub bus: Option<String>,
}

impl Home {
    pub fn new(test: &str) -> Self {
        support::require_keychain();
        Self {
            dir: tempfile::tempdir().expect("a temporary data folder"),
            namespace: format!("authdeck-cli-test-{test}-{}", std::process::id()),
            bus: None,
        }
    }

    pub fn path(&self) -> PathBuf {
        self.dir.path().to_owned()
    }

    /// The CLI as a command with this home and namespace, no stdin (never a terminal).
    pub fn command(&self, args: &[&str]) -> Command {
        let mut command = Command::new(BIN);
        command
            .args(args)
            .env("AUTHDECK_HOME", self.dir.path())
            .env("AUTHDECK_KEYCHAIN_NAMESPACE", &self.namespace)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        if let Some(bus) = &self.bus {
            command.env("DBUS_SESSION_BUS_ADDRESS", bus);
        }
        command
    }

    pub fn run(&self, args: &[&str]) -> Run {
        Run::from(self.command(args).output().expect("run authdeck"))
    }

    /// Runs with `input` on stdin (a pipe, not a terminal). A command that ends before it reads
    /// its stdin (an argument error) may close the pipe first; the caller judges it by its exit
    /// and output, so that write's broken pipe is no failure.
    pub fn run_with_stdin(&self, args: &[&str], input: &str) -> Run {
        let mut child = self
            .command(args)
            .stdin(Stdio::piped())
            .spawn()
            .expect("run authdeck");
        let written = child
            .stdin
            .take()
            .expect("piped stdin")
            .write_all(input.as_bytes());
        if let Err(error) = written {
            assert_eq!(
                error.kind(),
                std::io::ErrorKind::BrokenPipe,
                "write stdin: {error}"
            );
        }
        Run::from(child.wait_with_output().expect("wait for authdeck"))
    }

    /// An environment "Local" for `server` with every endpoint, made the CLI's way.
    pub fn local_environment(&self, server: &Server) {
        let issuer = &server.issuer;
        self.run(&[
            "env",
            "add",
            "Local",
            "--kind",
            "sandbox",
            "--issuer",
            issuer,
            "--token-url",
            &format!("{issuer}/token"),
            "--authorize-url",
            &format!("{issuer}/auth"),
            "--device-url",
            &format!("{issuer}/device/auth"),
            "--introspection-url",
            &format!("{issuer}/token/introspection"),
            "--revocation-url",
            &format!("{issuer}/token/revocation"),
            "--token-info-url",
            &format!("{issuer}/oauth/token/info"),
            "--api-base",
            issuer,
        ])
        .ok();
    }

    /// A confidential app for one of the server's clients in `env`, with its secret stored.
    pub fn app(&self, env: &str, name: &str, client_id: &str, secret: &str) {
        self.run(&[
            "app",
            "add",
            name,
            "--env",
            env,
            "--client-id",
            client_id,
            "--scope",
            "read write",
        ])
        .ok();
        self.run_with_stdin(
            &["secret", "add", name, "--env", env],
            &format!("{secret}\n"),
        )
        .ok();
    }
}

/// Every file under `dir`, in its sub-folders too (for canary searches of a data folder).
pub fn files_under(dir: &std::path::Path) -> Vec<PathBuf> {
    let mut files = Vec::new();
    for entry in std::fs::read_dir(dir).expect("read the folder") {
        let path = entry.expect("a folder entry").path();
        if path.is_dir() {
            files.extend(files_under(&path));
        } else {
            files.push(path);
        }
    }
    files
}

/// A server, a home with "Local" (sandbox) and "Billing sync" (basic-client) with its secret.
pub fn billing(test: &str, server_options: &[&str]) -> (Server, Home) {
    let server = Server::start(server_options);
    let home = Home::new(test);
    home.local_environment(&server);
    home.app("Local", "Billing sync", "basic-client", "basic-secret");
    (server, home)
}

/// A server, a home with "Prod" (production) and "Billing sync" (basic-client) with its secret.
pub fn production_billing(test: &str) -> (Server, Home) {
    let server = Server::start(&[]);
    let home = Home::new(test);
    home.run(&[
        "env",
        "add",
        "Prod",
        "--kind",
        "production",
        "--token-url",
        &format!("{}/token", server.issuer),
    ])
    .ok();
    home.app("Prod", "Billing sync", "basic-client", "basic-secret");
    (server, home)
}

/// The scopes the login tests sign in with (the test server grants refresh tokens for
/// `offline_access`).
pub const LOGIN_SCOPES: &str = "openid profile offline_access read";

impl Home {
    /// A public app "Native" for the server's `native-client` in `env`, signing in on
    /// http://127.0.0.1/callback (the default redirect URI) with [`LOGIN_SCOPES`].
    pub fn public_app(&self, env: &str) {
        self.run(&[
            "app",
            "add",
            "Native",
            "--env",
            env,
            "--client-id",
            "native-client",
            "--public",
            "--scope",
            LOGIN_SCOPES,
        ])
        .ok();
    }

    /// The stored token of the app named `app` (display name, any environment) as core
    /// describes it, and its values as the keychain holds them: the access token, then the
    /// refresh and ID tokens when there are any.
    pub fn stored_token(&self, app: &str) -> (Value, Vec<String>) {
        let core = support::open(&self.path(), &self.namespace);
        let found = core
            .environments()
            .unwrap()
            .iter()
            .flat_map(|e| core.apps(&e.id).unwrap())
            .find(|a| a.display_name == app)
            .unwrap_or_else(|| panic!("no app “{app}”"));
        let token = core
            .token_status(&found.id)
            .unwrap()
            .token
            .unwrap_or_else(|| panic!("“{app}” holds no token"));
        let values = [
            authdeck_core::token_account(&token.id),
            authdeck_core::refresh_account(&token.id),
            authdeck_core::id_token_account(&token.id),
        ]
        .iter()
        .filter_map(|account| support::secret_tool_lookup(&self.namespace, account))
        .collect();
        (serde_json::to_value(&token).unwrap(), values)
    }

    /// The CLI as a command whose system browser is `browser`.
    pub fn command_with(&self, browser: &StandinBrowser, args: &[&str]) -> Command {
        let mut command = self.command(args);
        browser.apply(&mut command);
        command
    }

    /// Runs the CLI with `browser` as the system browser.
    pub fn run_with(&self, browser: &StandinBrowser, args: &[&str]) -> Run {
        Run::from(
            self.command_with(browser, args)
                .output()
                .expect("run authdeck"),
        )
    }
}

/// The stand-in browser (tests/support/standin-browser) registered as the http and https
/// handler in XDG folders of one test's own, so `xdg-open` — what the product's opener runs —
/// runs it. It signs in as alice on the test server's pages and follows the redirect to the
/// CLI's listener, logging each step to its own file.
pub struct StandinBrowser {
    pub dir: tempfile::TempDir,
    /// The variables `register` printed: Some(value) to set, None to remove.
    vars: Vec<(String, Option<String>)>,
    /// What the stand-in does: "sign-in", "ignore" (a person who never signs in) or "deny"
    /// (a person who refuses access at the provider).
    pub action: &'static str,
}

impl StandinBrowser {
    /// Registers the stand-in; panics with the reason when it cannot (no xdg-open, no curl).
    pub fn register(action: &'static str) -> Self {
        let dir = tempfile::tempdir().expect("a temporary folder for the XDG folders");
        let script = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../tests/support/standin-browser/register"
        );
        let output = Command::new("sh")
            .arg(script)
            .arg(dir.path())
            .arg("--headless")
            .output()
            .expect("run tests/support/standin-browser/register with sh");
        assert!(
            output.status.success(),
            "the stand-in browser could not be registered: {}",
            String::from_utf8_lossy(&output.stderr)
        );
        let vars = String::from_utf8(output.stdout)
            .expect("utf-8")
            .lines()
            .map(|line| {
                if let Some(name) = line.strip_prefix("unset ") {
                    (name.to_owned(), None)
                } else {
                    let (name, value) = line
                        .strip_prefix("export ")
                        .and_then(|rest| rest.split_once('='))
                        .unwrap_or_else(|| panic!("an export line from register: {line:?}"));
                    (name.to_owned(), Some(value.to_owned()))
                }
            })
            .collect();
        Self { dir, vars, action }
    }

    pub fn log_path(&self) -> PathBuf {
        self.dir.path().join("browser.log")
    }

    /// Sets the registration, the log file and the action on `command`.
    pub fn apply(&self, command: &mut Command) {
        for (name, value) in &self.vars {
            match value {
                Some(value) => command.env(name, value),
                None => command.env_remove(name),
            };
        }
        command
            .env("AUTHDECK_STANDIN_LOG", self.log_path())
            .env("AUTHDECK_STANDIN_ACTION", self.action);
    }

    /// The log's lines once it holds `count` of them (the stand-in runs detached from the
    /// CLI, so its last line may come a moment after the CLI exits); what it has after 10 s.
    pub fn log(&self, count: usize) -> Vec<String> {
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
        loop {
            let text = std::fs::read_to_string(self.log_path()).unwrap_or_default();
            let lines: Vec<String> = text.lines().map(str::to_owned).collect();
            if lines.len() >= count || std::time::Instant::now() > deadline {
                return lines;
            }
            std::thread::sleep(std::time::Duration::from_millis(50));
        }
    }
}

impl Drop for Home {
    fn drop(&mut self) {
        support::clear_namespace(&self.namespace);
    }
}

//! What the CLI's tests and benchmark share: the real `authdeck` binary run as a process
//! with a data folder and keychain namespace of its own, and the test authorization server.
//!
//! The binary is `env!("CARGO_BIN_EXE_authdeck")`: cargo builds it (fresh) before any test
//! or benchmark of this package runs, which a path computed from the root package could not
//! promise. The keychain helpers and the test authorization server come from the repository's
//! tests/support.
#![allow(dead_code)] // the tests and the benchmark each use their own part

#[path = "../../../../tests/support/mod.rs"]
pub mod support;

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
    fn from(output: Output) -> Self {
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
}

impl Home {
    pub fn new(test: &str) -> Self {
        support::require_keychain();
        Self {
            dir: tempfile::tempdir().expect("a temporary data folder"),
            namespace: format!("authdeck-cli-test-{test}-{}", std::process::id()),
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
        command
    }

    pub fn run(&self, args: &[&str]) -> Run {
        Run::from(self.command(args).output().expect("run authdeck"))
    }

    /// Runs with `input` on stdin (a pipe, not a terminal).
    pub fn run_with_stdin(&self, args: &[&str], input: &str) -> Run {
        let mut child = self
            .command(args)
            .stdin(Stdio::piped())
            .spawn()
            .expect("run authdeck");
        child
            .stdin
            .take()
            .expect("piped stdin")
            .write_all(input.as_bytes())
            .expect("write stdin");
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

impl Drop for Home {
    fn drop(&mut self) {
        support::clear_namespace(&self.namespace);
    }
}

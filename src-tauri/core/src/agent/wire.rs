//! What the CLI and the agent (a CLI agent or the desktop app) say: one request and one answer
//! per connection, each one line of JSON, bounded in size.

use crate::model::{AppSummary, Environment, Secret, TokenMeta};
use serde::{Deserialize, Serialize};

/// The longest line either side reads: a token answer is a few kilobytes.
pub const MAX_LINE: u64 = 64 * 1024;

/// What the CLI asks.
#[derive(Debug, Serialize, Deserialize)]
#[serde(tag = "ask", rename_all = "kebab-case")]
pub enum Request {
    /// The stored token of the app `app` names (as `authdeck token` resolves it) in `env`
    /// (the active environment when None), when it stays valid `min_valid` more seconds.
    Token {
        app: Option<String>,
        env: Option<String>,
        min_valid: i64,
    },
    /// What the agent has done.
    Status,
    /// End the agent.
    Stop,
}

/// What the agent answers. Debug never shows a token's value (it is a `Secret`).
#[derive(Debug, Serialize, Deserialize)]
#[serde(tag = "answer", rename_all = "kebab-case")]
pub enum Answer {
    /// The stored token, valid as long as asked.
    Token(Box<Served>),
    /// Nothing to serve; the CLI goes its usual way.
    Miss { why: String },
    /// The keychain is locked: the agent dropped every value it held and serves none.
    Locked,
    /// What the agent has done.
    Status(Status),
    /// The agent ends after this answer.
    Stopping,
    /// The request could not be read.
    Unreadable { why: String },
}

/// A token handed on, and what `-v`, `env` and `exec` say of it.
#[derive(Debug, Serialize, Deserialize)]
pub struct Served {
    pub environment: Environment,
    pub app: AppSummary,
    pub meta: TokenMeta,
    #[serde(serialize_with = "exposed")]
    pub value: Secret,
}

/// Which process serves as the agent.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Server {
    /// `authdeck agent start`.
    CliAgent,
    /// The desktop app, while it runs.
    DesktopApp,
}

/// The agent's state, for `authdeck agent status`.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Status {
    pub pid: u32,
    /// Which process serves (an agent that predates the field was a CLI agent).
    #[serde(default = "cli_agent")]
    pub served_by: Server,
    pub socket: String,
    /// The data folder it serves.
    pub home: String,
    pub namespace: String,
    /// Tokens handed on.
    pub served: u64,
    /// Requests answered with a miss (or "locked").
    pub missed: u64,
    /// Connections closed unanswered: their peer was another user.
    pub refused: u64,
    /// Token values held in memory now.
    pub held: usize,
    pub idle_seconds: u64,
    /// How long it waits for a request before it ends; none for the desktop app, which ends
    /// when it quits.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub idle_limit_seconds: Option<u64>,
}

fn cli_agent() -> Server {
    Server::CliAgent
}

/// The one place a value leaves as text: the answer line the CLI reads.
fn exposed<S: serde::Serializer>(value: &Secret, serializer: S) -> Result<S::Ok, S::Error> {
    serializer.serialize_str(value.expose())
}

/// One value as a line.
pub fn line<T: Serialize>(value: &T) -> Vec<u8> {
    let mut bytes = serde_json::to_vec(value).expect("a request or answer always serializes");
    bytes.push(b'\n');
    bytes
}

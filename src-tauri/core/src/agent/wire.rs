//! What the CLI and the agent (a CLI agent or the desktop app) say: one request and one answer
//! per connection, each one line of JSON, bounded in size.

use crate::ErrorCode;
use crate::model::{AppSummary, Environment, Secret, TokenMeta};
use serde::{Deserialize, Serialize};
use std::time::Duration;

/// The longest line either side reads: a token answer is a few kilobytes.
pub const MAX_LINE: u64 = 64 * 1024;

/// How long the CLI waits for a renewal the agent said it began: the token request's own
/// limit (30 s, connecting included) and the keychain's writes after it.
pub const RENEWAL_WAIT: Duration = Duration::from_secs(40);

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
        /// When the stored token does not serve, renew it (a client-credentials request of an
        /// app that authenticates with a client secret) rather than answer a miss. An agent of
        /// before this field ignores it and answers the miss.
        #[serde(default)]
        renew: bool,
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
    /// The stored token, valid as long as asked (or the one just renewed).
    Token(Box<Served>),
    /// The first of two lines: the agent renews the token now; the token (or why not) follows.
    Renewing,
    /// The renewal failed after it began (the provider refused, the keychain failed …): what
    /// the command would have said had it renewed itself, so it does not ask the provider again.
    Failed { code: ErrorCode, message: String },
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
    /// Renewed by the agent for this request (else the stored token).
    #[serde(default)]
    pub renewed: bool,
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
    /// Of them, tokens the agent renewed for the request (an agent of before has none).
    #[serde(default)]
    pub renewed: u64,
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

//! The CLI's side: a plain cached-token request goes to the agent first, before the store or
//! the keychain is opened; anything but a token in time goes the usual way, silently.

use crate::cli::TokenArgs;
use crate::output::say;
use crate::tokens::{Got, How};
use authdeck_core::agent::{self as shared, Answer, Request};
use std::time::Duration;

/// The environment variable that stops the CLI from asking the agent (`off`).
pub const AGENT_VARIABLE: &str = "AUTHDECK_AGENT";

/// How long the CLI waits for the agent before going its usual way (a first request of a
/// token makes the agent read it from the keychain once).
const WAIT: Duration = Duration::from_millis(200);

/// The token from this data folder's agent, when one runs, the request is a plain cached
/// one (no --new, --login or --scope) and it has one to serve; with `verbose`, says on stderr
/// what it answered.
pub fn ask(args: &TokenArgs, verbose: bool) -> Option<Got> {
    let plain = !args.new && !args.login && args.scopes.is_empty() && args.min_valid >= 0;
    let off = std::env::var(AGENT_VARIABLE).is_ok_and(|v| v.trim().eq_ignore_ascii_case("off"));
    if !plain || off {
        return None;
    }
    let socket = shared::socket_of_this_process()?;
    if std::fs::symlink_metadata(&socket).is_err() {
        return None;
    }
    let request = Request::Token {
        app: args.target.app.clone(),
        env: args.target.env.clone(),
        min_valid: args.min_valid,
    };
    let answer = shared::talk(&socket, &request, WAIT);
    match answer {
        Some(Answer::Token(served)) => {
            if verbose {
                say!("authdeck: served by the agent");
            }
            let served = *served;
            let got = Got {
                environment: served.environment,
                app: served.app,
                meta: served.meta,
                value: served.value,
                how: How::Cached,
            };
            crate::tokens::report(&got, verbose, args.min_valid);
            Some(got)
        }
        other if verbose => {
            let why = match other {
                Some(Answer::Miss { why }) => why,
                Some(Answer::Locked) => "the keychain is locked".into(),
                Some(_) => "an unexpected answer".into(),
                None => "no answer".into(),
            };
            say!("authdeck: agent: miss ({why})");
            None
        }
        _ => None,
    }
}

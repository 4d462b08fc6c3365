//! The CLI's side: a plain token request goes to the agent first, before the store or the
//! keychain is opened; the agent hands on the stored token, or renews a client-credentials
//! token that no longer serves; anything but a token (or a renewal's failure) in time goes
//! the usual way, silently.

use crate::cli::TokenArgs;
use crate::failure::{Failure, exit_code};
use crate::output::say;
use crate::tokens::{Got, How};
use authdeck_core::agent::{self as shared, Answer, Request};
use std::time::Duration;

/// The environment variable that stops the CLI from asking the agent (`off`).
pub const AGENT_VARIABLE: &str = "AUTHDECK_AGENT";

/// How long the CLI waits for the agent before going its usual way (a first request of a
/// token makes the agent read it from the keychain once).
const WAIT: Duration = Duration::from_millis(200);

/// The token from this data folder's agent, when one runs, the request is a plain one (no
/// --new, --login or --scope) and it has one to serve or renews one; with `verbose`, says on
/// stderr what it answered. A renewal the agent began and that failed is the command's failure
/// (the provider is not asked twice).
pub fn ask(args: &TokenArgs, verbose: bool) -> Result<Option<Got>, Failure> {
    let plain = !args.new && !args.login && args.scopes.is_empty() && args.min_valid >= 0;
    let off = std::env::var(AGENT_VARIABLE).is_ok_and(|v| v.trim().eq_ignore_ascii_case("off"));
    if !plain || off {
        return Ok(None);
    }
    let Some(socket) = shared::socket_of_this_process() else {
        return Ok(None);
    };
    if std::fs::symlink_metadata(&socket).is_err() {
        return Ok(None);
    }
    let request = Request::Token {
        app: args.target.app.clone(),
        env: args.target.env.clone(),
        min_valid: args.min_valid,
        renew: true,
    };
    let answer = shared::talk(&socket, &request, WAIT);
    let why = match answer {
        Some(Answer::Token(served)) => {
            let served = *served;
            if verbose {
                say!(
                    "authdeck: {} by the agent",
                    if served.renewed { "renewed" } else { "served" }
                );
            }
            let got = Got {
                environment: served.environment,
                app: served.app,
                meta: served.meta,
                value: served.value,
                how: if served.renewed {
                    How::Renewed
                } else {
                    How::Cached
                },
            };
            crate::tokens::report(&got, verbose, args.min_valid);
            return Ok(Some(got));
        }
        Some(Answer::Failed { code, message }) => {
            return Err(Failure::new(exit_code(code), message));
        }
        Some(Answer::Miss { why }) => why,
        Some(Answer::Locked) => "the keychain is locked".into(),
        Some(_) => "an unexpected answer".into(),
        None => "no answer".into(),
    };
    if verbose {
        say!("authdeck: agent: miss ({why})");
    }
    Ok(None)
}

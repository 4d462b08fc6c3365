//! `team add|login --method oidc`: the browser sign-in to a team vault through its OIDC auth
//! method. Core asks the vault for the provider's address and listens on the vault's loopback
//! callback; this opens the browser (unless told not to), says what to open and where it
//! listens, waits (Ctrl-C cancels, a timeout ends it) and tells each refused callback at once.

use crate::cli::SignInArgs;
use crate::failure::{Failure, exit};
use crate::login::{CtrlC, span, telling_refusals};
use crate::output::{self, say};
use crate::tokens::block_on;
use authdeck_core::team::TeamStatus;
use authdeck_core::{Core, DEFAULT_LOGIN_TIMEOUT, ErrorCode, TeamSignInFor};
use std::time::{Duration, Instant};

/// Signs in to `team` in the browser; the vault's token is kept once the vault gave it.
pub fn sign_in(
    core: &Core,
    team: &str,
    target: TeamSignInFor,
    args: &SignInArgs,
) -> Result<TeamStatus, Failure> {
    if let Some(flag) = [
        ("--token-stdin", args.token_stdin),
        ("--password-stdin", args.password_stdin),
        ("--secret-id-stdin", args.secret_id_stdin),
    ]
    .iter()
    .find_map(|(flag, given)| given.then_some(flag))
    {
        return Err(Failure::usage(format!(
            "“{team}” signs in with oidc in the browser: nothing is read from stdin, so \
             {flag} does not go with it."
        )));
    }
    let again = match &target {
        TeamSignInFor::Add(_) => "the same `authdeck team add` again".to_owned(),
        TeamSignInFor::Login { .. } => format!("`authdeck team login {team}`"),
    };
    let asked = args.timeout.is_some();
    let timeout = args
        .timeout
        .map_or(DEFAULT_LOGIN_TIMEOUT, Duration::from_secs);
    block_on(async {
        let pending = core.start_team_oidc(target, Some(timeout)).await?;
        let started = pending.started.clone();
        let ctrl_c = CtrlC::listen();
        say!("authdeck: signing in to the team vault “{team}” in the browser (OIDC)");
        if args.no_browser {
            say!("authdeck: open this address in a browser to sign in:");
        } else if authdeck_core::open_in_browser(&started.url).is_ok() {
            say!(
                "authdeck: opened the sign-in page in the browser; if it did not open, open \
                 this address:"
            );
        } else {
            say!(
                "authdeck: No browser could be opened; open this address in a browser to sign in:"
            );
        }
        say!("  {}", started.url);
        say!(
            "authdeck: listening on port {} for the redirect to {} until {} ({}); Ctrl-C cancels",
            started.port,
            started.redirect_uri,
            output::when(&started.expires_at),
            span(timeout)
        );
        let began = Instant::now();
        let refusals = pending.refusals();
        let finish = core.finish_team_oidc(pending, ctrl_c.pressed());
        let outcome = telling_refusals(finish, &refusals, &started.redirect_uri).await;
        let port = started.port;
        match outcome {
            Ok(Some(status)) => Ok(status),
            Ok(None) => Err(Failure::new(
                exit::INTERRUPTED,
                format!(
                    "Cancelled: nothing listens on port {port} any more, and nothing was stored."
                ),
            )),
            Err(error) if error.code() == ErrorCode::Timeout && began.elapsed() >= timeout => {
                let within = format!(
                    "{}{}",
                    span(timeout),
                    if asked { " (--timeout)" } else { "" }
                );
                let refused = refusals
                    .summary()
                    .map(|summary| format!(" {summary}"))
                    .unwrap_or_default();
                Err(Failure::new(
                    exit::NETWORK,
                    format!(
                        "No sign-in to the team vault “{team}” was accepted within {within}.\
                         {refused} Nothing listens on port {port} any more, and nothing was \
                         stored. Run {again} when the browser is ready."
                    ),
                ))
            }
            Err(error) => Err(error.into()),
        }
    })?
}

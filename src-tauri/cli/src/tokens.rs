//! `token`, `exec` and `env` (exports): a valid access token for an app, handed on.

use crate::cli::{ExchangeArgs, ExecArgs, TokenArgs, VarArgs};
use crate::failure::{Failure, exit, one_line};
use crate::login::{self, Signing};
use crate::output::{self, is_variable_name, say, shell_quote};
use crate::resolve;
use authdeck_core::model::{
    AppSummary, Environment, Secret, TokenMeta, TokenRequestInput, TokenSource,
};
use authdeck_core::{Core, ErrorCode, ExchangePart, ExchangeRequest, Fetch};

/// How the token handed on was obtained.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum How {
    /// The stored one, still valid long enough.
    Cached,
    /// A new one by client credentials.
    Renewed,
    /// A new one by the refresh token of a sign-in.
    Refreshed,
    /// A new one from a sign-in just now (`--login`).
    SignedIn,
    /// A new one by token exchange (`authdeck exchange`).
    Exchanged,
}

impl How {
    fn word(self) -> &'static str {
        match self {
            How::Cached => "cached",
            How::Renewed => "renewed",
            How::Refreshed => "refreshed",
            How::SignedIn => "signed-in",
            How::Exchanged => "exchanged",
        }
    }
}

/// A token ready to hand on, and how it was obtained.
pub struct Got {
    pub environment: Environment,
    pub app: AppSummary,
    pub meta: TokenMeta,
    pub value: Secret,
    pub how: How,
}

/// `--scope` values as one list (each may hold several, space-separated); None when none
/// was given (the app's default scopes).
pub fn requested_scopes(flags: &[String]) -> Option<Vec<String>> {
    (!flags.is_empty()).then(|| {
        flags
            .iter()
            .flat_map(|s| s.split_whitespace())
            .map(str::to_owned)
            .collect()
    })
}

/// A current-thread runtime for core's async calls, built only when one is needed.
pub fn block_on<F: std::future::Future>(future: F) -> Result<F::Output, Failure> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| Failure::new(exit::OTHER, format!("Could not start: {e}")))?;
    Ok(runtime.block_on(future))
}

/// The app's stored token when it stays valid `--min-valid` more seconds (no lock, no
/// runtime, no network: one store read and one keychain read), else a new one through core's
/// single-flight request (`Fetch::IfNeeded`; `Fetch::New` with `--new`), shared with any other
/// program asking at once.
pub fn get(core: &Core, args: &TokenArgs, verbose: bool) -> Result<Got, Failure> {
    if args.min_valid < 0 {
        return Err(Failure::usage("--min-valid cannot be negative."));
    }
    let (environment, app) =
        resolve::app_to_act_on(core, args.target.env.as_deref(), args.target.app.as_deref())?;
    let requested = requested_scopes(&args.scopes);
    let stored = core.stored_token(&app.id, requested.as_deref(), args.min_valid)?;
    let before = stored.status.token.as_ref().map(|t| t.id.clone());
    let stored_source = stored.status.token.as_ref().map(|t| t.source);
    let refreshable = stored
        .status
        .token
        .as_ref()
        .is_some_and(|t| t.has_refresh_token);
    // Core's own rule for "stored token is good enough" (Fetch::IfNeeded), checked without
    // taking the cross-process lock or a runtime; anything else goes through fetch_token.
    let fresh = !args.new && stored.serving().is_some();
    let mut fetch = if args.new {
        Fetch::New
    } else {
        Fetch::IfNeeded {
            min_valid_seconds: args.min_valid,
        }
    };
    if fresh {
        match core.token_value(&app.id) {
            Ok((meta, value)) if Some(&meta.id) == before.as_ref() => {
                let got = Got {
                    environment,
                    app,
                    meta,
                    value,
                    how: How::Cached,
                };
                report(&got, verbose, args.min_valid);
                return Ok(got);
            }
            // Replaced by another program since the status was read: ask again below.
            Ok(_) => {}
            // Another program replaced the token and removed the old entry between the two
            // reads: the request below serves its new one. Else the keychain lost the entry,
            // and only a new token helps.
            Err(error) if error.code() == ErrorCode::SecretMissing => {
                let now = core.stored_token(&app.id, requested.as_deref(), args.min_valid)?;
                if now.status.token.map(|token| token.id) == before {
                    fetch = Fetch::New;
                }
            }
            Err(error) => return Err(error.into()),
        }
    }
    let input = TokenRequestInput {
        scopes: requested.clone(),
    };
    let mut signed_in = false;
    match block_on(core.fetch_token(&app.id, input, fetch))? {
        Ok(_) => {}
        Err(error) if error.code() == ErrorCode::RenewalPaused => {
            confirm_by_hand(&error, &app.display_name)?;
            let input = TokenRequestInput {
                scopes: requested.clone(),
            };
            block_on(core.fetch_token(&app.id, input, Fetch::New))??;
        }
        // An exchanged token is got again only by `authdeck exchange`, which its message says.
        Err(error) if stored_source == Some(TokenSource::TokenExchange) => {
            return Err(error.into());
        }
        // Only an app's own sign-in: a team vault's needs `team login`, which its message says.
        Err(error @ authdeck_core::Error::LoginRequired(_)) => {
            let signing = Signing {
                environment: &environment,
                app: &app,
                env_flag: args.target.env.as_deref(),
            };
            if !args.login {
                let mut failure = Failure::from(error);
                failure.message = format!(
                    "{} Run `{}`, or add --login.",
                    failure.line(),
                    signing.login_command(false)
                );
                return Err(failure);
            }
            say!("authdeck: {} Signing in.", one_line(&error.to_string()));
            let status = login::browser(core, &signing, requested, None, true, verbose)?;
            login::report(core, &signing, &status)?;
            signed_in = true;
        }
        Err(error) => return Err(error.into()),
    }
    let (meta, value) = core.token_value(&app.id)?;
    let how = if signed_in {
        How::SignedIn
    } else if Some(&meta.id) == before.as_ref() {
        How::Cached
    } else if refreshable && meta.source != TokenSource::ClientCredentials {
        How::Refreshed
    } else {
        How::Renewed
    };
    let got = Got {
        environment,
        app,
        meta,
        value,
        how,
    };
    report(&got, verbose, args.min_valid);
    Ok(got)
}

/// An import moved the environment's endpoints: a new token is requested only when a person
/// at a terminal says yes (a token by hand, which resumes automatic renewal); a script is
/// refused (exit code 8) rather than send the secret somewhere nobody looked at.
fn confirm_by_hand(error: &authdeck_core::Error, app: &str) -> Result<(), Failure> {
    if !crate::output::can_ask() {
        let mut failure = Failure::from(error.clone());
        failure.message = format!(
            "{} Run `authdeck token` for “{app}” on a terminal to confirm, or use Get new token \
             in the desktop app.",
            failure.line()
        );
        return Err(failure);
    }
    crate::output::confirm(&format!(
        "authdeck: {} Request a new token there now? [y/N] ",
        one_line(&error.to_string())
    ))
}

/// With `-v`: what was done, on stderr. A token that cannot meet `--min-valid` is said always.
pub(crate) fn report(got: &Got, verbose: bool, min_valid: i64) {
    let now = time::OffsetDateTime::now_utc().unix_timestamp();
    let left = got.meta.expires_at.map(|at| at.unix() - now);
    if verbose {
        let expiry = match &got.meta.expires_at {
            Some(at) => format!(
                "expires {} (in {})",
                output::when(at),
                output::time_left(left)
            ),
            None => "the provider gave no expiry".into(),
        };
        say!(
            "authdeck: {} token for “{}” in “{}” ({} {}), {expiry}",
            got.how.word(),
            got.app.display_name,
            got.environment.name,
            got.meta.token_type,
            output::ending(&got.meta.fingerprint),
        );
    }
    if let Some(left) = left
        && got.how != How::Cached
        && left < min_valid
    {
        say!(
            "authdeck: warning: the new token is valid for {left} s, less than --min-valid \
             {min_valid}; the provider issues no longer-lived tokens."
        );
    }
}

/// The token `args` ask for: from the agent when it has it or renews it (neither the store nor
/// the keychain is opened here then), else through [`get`]; the store is closed again before
/// return.
pub fn obtain(args: &TokenArgs, verbose: bool) -> Result<Got, Failure> {
    if let Some(got) = crate::agent::ask(args, verbose)? {
        return Ok(got);
    }
    let core = crate::open()?;
    get(&core, args, verbose)
}

/// `authdeck token`: the value on stdout, nothing else.
pub fn token(args: &TokenArgs, verbose: bool) -> Result<u8, Failure> {
    let got = obtain(args, verbose)?;
    printable_token(&got)?;
    output::print_exactly(&format!("{}\n", got.value.expose()))?;
    Ok(0)
}

/// `authdeck exchange`: APP2's access token exchanged for one of APP (RFC 8693), stored as
/// APP's token; its value on stdout, or its status with `--json`.
pub fn exchange(core: &Core, args: &ExchangeArgs, verbose: bool) -> Result<u8, Failure> {
    let (environment, app) =
        resolve::app_to_act_on(core, args.target.env.as_deref(), args.target.app.as_deref())?;
    let subject = resolve::app(core, &environment, Some(&args.subject_token_from))?;
    let actor = args
        .actor_token_from
        .as_deref()
        .map(|name| resolve::app(core, &environment, Some(name)))
        .transpose()?;
    let request = ExchangeRequest {
        subject_app: subject.id.clone(),
        actor_app: actor.as_ref().map(|actor| actor.id.clone()),
        audiences: args.audiences.clone(),
        resources: args.resources.clone(),
        scopes: requested_scopes(&args.scopes),
        requested_token_type: args.requested_token_type.clone(),
    };
    let status = block_on(core.exchange_token(&app.id, &request))?.map_err(|failure| {
        let part = failure.part;
        let mut said = Failure::from(failure.error);
        // the actor token is the one part the provider's own words may leave unnamed
        if let (ExchangePart::Actor, Some(actor)) = (part, &actor) {
            said.message = format!(
                "The actor token (from “{}”) was not accepted: {}",
                actor.display_name, said.message
            );
        }
        said
    })?;
    if args.json {
        output::print_json(&status)?;
        return Ok(0);
    }
    let (meta, value) = core.token_value(&app.id)?;
    let got = Got {
        environment,
        app,
        meta,
        value,
        how: How::Exchanged,
    };
    report(&got, verbose, 0);
    printable_token(&got)?;
    output::print_exactly(&format!("{}\n", got.value.expose()))?;
    Ok(0)
}

fn check_vars(vars: &VarArgs) -> Result<(), Failure> {
    for name in std::iter::once(&vars.token_var).chain(vars.client_id_var.as_ref()) {
        if !is_variable_name(name) {
            return Err(Failure::usage(format!(
                "“{name}” cannot be a variable name: use letters, digits and _, not starting \
                 with a digit."
            )));
        }
    }
    if vars.client_id_var.as_ref() == Some(&vars.token_var) {
        return Err(Failure::usage(
            "--token-var and --client-id-var must name different variables.",
        ));
    }
    Ok(())
}

/// `authdeck env [APP]`: `export` lines for eval.
pub fn exports(args: &TokenArgs, vars: &VarArgs, verbose: bool) -> Result<u8, Failure> {
    check_vars(vars)?;
    let got = obtain(args, verbose)?;
    printable_token(&got)?;
    let mut text = format!(
        "export {}={}\n",
        vars.token_var,
        shell_quote(got.value.expose())
    );
    if let Some(name) = &vars.client_id_var {
        text.push_str(&format!(
            "export {name}={}\n",
            shell_quote(&got.app.client_id)
        ));
    }
    output::print_exactly(&text)?;
    Ok(0)
}

/// Refuses to print a token that holds a character that could drive a terminal: the value is
/// printed byte for byte (scripts need it exact), and no real token holds one (RFC 6750's
/// b64token is printable ASCII). `exec` passes it in the environment and needs no check.
fn printable_token(got: &Got) -> Result<(), Failure> {
    if output::has_terminal_controls(got.value.expose()) {
        return Err(Failure::new(
            exit::NETWORK,
            format!(
                "The access token issued for “{}” in “{}” holds control characters, which no \
                 token should; it is not printed, as it could drive the terminal.",
                got.app.display_name, got.environment.name
            ),
        ));
    }
    Ok(())
}

/// `authdeck exec [APP] -- CMD ARGS...`: CMD runs with the token in its environment, in
/// place of this process on Unix, so its exit code and signals are its own.
pub fn exec(args: &ExecArgs, verbose: bool) -> Result<u8, Failure> {
    check_vars(&args.vars)?;
    let got = obtain(&args.token, verbose)?;
    let (program, rest) = args
        .command
        .split_first()
        .ok_or_else(|| Failure::usage("Name the command to run after --."))?;
    let mut command = std::process::Command::new(program);
    command
        .args(rest)
        .env(&args.vars.token_var, got.value.expose());
    if let Some(name) = &args.vars.client_id_var {
        command.env(name, &got.app.client_id);
    }
    let name = program.to_string_lossy();
    #[cfg(unix)]
    {
        use std::os::unix::process::CommandExt;
        let error = command.exec();
        Err(cannot_run(&name, &error))
    }
    #[cfg(not(unix))]
    {
        let status = command.status().map_err(|e| cannot_run(&name, &e))?;
        Ok(status.code().map_or(exit::OTHER, |c| c.clamp(0, 255) as u8))
    }
}

fn cannot_run(name: &str, error: &std::io::Error) -> Failure {
    match error.kind() {
        std::io::ErrorKind::NotFound => Failure::new(
            exit::COMMAND_NOT_FOUND,
            format!("Cannot run “{name}”: command not found."),
        ),
        _ => Failure::new(
            exit::CANNOT_EXECUTE,
            format!("Cannot run “{name}”: {error}."),
        ),
    }
}

//! `token`, `exec` and `env` (exports): a valid access token for an app, handed on.

use crate::cli::{ExecArgs, TokenArgs, VarArgs};
use crate::failure::{Failure, exit};
use crate::output::{self, is_variable_name, shell_quote};
use crate::resolve;
use authdeck_core::model::{AppSummary, Environment, Secret, TokenMeta, TokenRequestInput};
use authdeck_core::{Core, ErrorCode, Fetch};

/// A token ready to hand on, and how it was obtained.
pub struct Got {
    pub environment: Environment,
    pub app: AppSummary,
    pub meta: TokenMeta,
    pub value: Secret,
    pub renewed: bool,
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
/// single-flight request (`Fetch::IfNeeded`), shared with any other program asking at once.
pub fn get(core: &Core, args: &TokenArgs, verbose: bool) -> Result<Got, Failure> {
    if args.min_valid < 0 {
        return Err(Failure::usage("--min-valid cannot be negative."));
    }
    let (environment, app) =
        resolve::app_to_act_on(core, args.target.env.as_deref(), args.target.app.as_deref())?;
    let requested: Option<Vec<String>> = (!args.scopes.is_empty()).then(|| {
        args.scopes
            .iter()
            .flat_map(|s| s.split_whitespace())
            .map(str::to_owned)
            .collect()
    });
    let scopes = match &requested {
        Some(scopes) => scopes.clone(),
        None => core.app(&app.id)?.default_scopes,
    };

    let status = core.token_status(&app.id)?;
    let before = status.token.as_ref().map(|t| t.id.clone());
    // Core's own rule for "stored token is good enough" (Fetch::IfNeeded), checked without
    // taking the cross-process lock or a runtime; anything else goes through fetch_token.
    let fresh = authdeck_core::status::serves(&status, &scopes, args.min_valid);
    let mut fetch = Fetch::IfNeeded {
        min_valid_seconds: args.min_valid,
    };
    if fresh {
        match core.token_value(&app.id) {
            Ok((meta, value)) if Some(&meta.id) == before.as_ref() => {
                let got = Got {
                    environment,
                    app,
                    meta,
                    value,
                    renewed: false,
                };
                report(&got, verbose, args.min_valid);
                return Ok(got);
            }
            // Replaced by another program since the status was read: ask again below.
            Ok(_) => {}
            // The keychain lost the token's entry: only a new token helps.
            Err(error) if error.code() == ErrorCode::SecretMissing => fetch = Fetch::New,
            Err(error) => return Err(error.into()),
        }
    }
    let input = TokenRequestInput { scopes: requested };
    block_on(core.fetch_token(&app.id, input, fetch))??;
    let (meta, value) = core.token_value(&app.id)?;
    let renewed = Some(&meta.id) != before.as_ref();
    let got = Got {
        environment,
        app,
        meta,
        value,
        renewed,
    };
    report(&got, verbose, args.min_valid);
    Ok(got)
}

/// With `-v`: what was done, on stderr. A token that cannot meet `--min-valid` is said always.
fn report(got: &Got, verbose: bool, min_valid: i64) {
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
        eprintln!(
            "authdeck: {} token for “{}” in “{}” ({} …{}), {expiry}",
            if got.renewed { "renewed" } else { "cached" },
            got.app.display_name,
            got.environment.name,
            got.meta.token_type,
            got.meta.fingerprint,
        );
    }
    if let Some(left) = left
        && got.renewed
        && left < min_valid
    {
        eprintln!(
            "authdeck: warning: the new token is valid for {left} s, less than --min-valid \
             {min_valid}; the provider issues no longer-lived tokens."
        );
    }
}

/// `authdeck token`: the value on stdout, nothing else.
pub fn token(core: &Core, args: &TokenArgs, verbose: bool) -> Result<u8, Failure> {
    let got = get(core, args, verbose)?;
    output::print(&format!("{}\n", got.value.expose()))?;
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
pub fn exports(
    core: &Core,
    args: &TokenArgs,
    vars: &VarArgs,
    verbose: bool,
) -> Result<u8, Failure> {
    check_vars(vars)?;
    let got = get(core, args, verbose)?;
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
    output::print(&text)?;
    Ok(0)
}

/// `authdeck exec [APP] -- CMD ARGS...`: CMD runs with the token in its environment, in
/// place of this process on Unix, so its exit code and signals are its own.
pub fn exec(core: Core, args: &ExecArgs, verbose: bool) -> Result<u8, Failure> {
    check_vars(&args.vars)?;
    let got = get(&core, &args.token, verbose)?;
    drop(core);
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

//! `authdeck`: what the Authdeck desktop app holds, for scripts — the same data folder and
//! keychain namespace, through the same core; a secret never leaves the keychain except as the
//! access token a command asks for.

// Everything shown goes through `output` (provider text must not drive the terminal).
#![deny(clippy::print_stdout, clippy::print_stderr)]

mod agent;
mod audit;
mod certs;
mod cli;
mod desktop;
mod dpop;
mod failure;
mod inspect;
mod keys;
mod listing;
mod login;
mod output;
mod portable;
mod remote;
mod resolve;
mod rotation;
mod secrets;
mod setup;
mod team;
mod team_oidc;
mod token_state;
mod tokens;

use authdeck_core::audit::Actor;
use authdeck_core::vault::{KeychainVault, default_namespace};
use authdeck_core::{Core, SystemClock};
use clap::{CommandFactory, Parser};
use cli::{AppCommand, Cli, Command, EnvAction, EnvCommand};
use failure::{Failure, exit, one_line};
use output::say;
use std::process::ExitCode;
use std::sync::Arc;

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(error) => return usage_error(error),
    };
    match run(cli) {
        Ok(code) => ExitCode::from(code),
        Err(failure) => {
            say!("authdeck: {}", failure.line());
            for line in &failure.more {
                say!("authdeck: {}", one_line(line));
            }
            ExitCode::from(failure.code)
        }
    }
}

/// Help and version as clap prints them; a usage error in one line, with clap's tip.
fn usage_error(error: clap::Error) -> ExitCode {
    use clap::error::ErrorKind;
    if matches!(
        error.kind(),
        ErrorKind::DisplayHelp
            | ErrorKind::DisplayVersion
            | ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand
    ) {
        let _ = error.print();
        return ExitCode::from(
            if error.kind() == ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand {
                exit::USAGE
            } else {
                0
            },
        );
    }
    let text = error.render().to_string();
    let mut parts: Vec<String> = text
        .lines()
        .map(str::trim)
        .filter(|line| !line.is_empty() && !line.starts_with("Usage:"))
        .filter(|line| !line.starts_with("For more information"))
        .map(|line| line.trim_start_matches("error: ").to_owned())
        .collect();
    parts.dedup();
    let mut line = String::new();
    for part in parts {
        if line.ends_with(':') {
            line.push(' ');
        } else if !line.is_empty() {
            line.push_str("; ");
        }
        line.push_str(&part);
    }
    say!("authdeck: {line} (see --help)");
    ExitCode::from(exit::USAGE)
}

/// The desktop app's data folder and keychain namespace, so both programs share one store.
pub(crate) fn open() -> Result<Core, Failure> {
    let home = authdeck_core::default_home()?;
    let vault = Arc::new(KeychainVault::new(&default_namespace()));
    Ok(Core::open_as(
        Actor::Cli,
        &home,
        vault,
        Arc::new(SystemClock),
    )?)
}

/// A completion script for the name this program was started as (authdeck, or a link).
fn completions(shell: clap_complete::Shell) -> Result<u8, Failure> {
    let name = std::env::args_os()
        .next()
        .and_then(|arg0| {
            std::path::Path::new(&arg0)
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
        })
        .unwrap_or_else(|| "authdeck".into());
    let mut script = Vec::new();
    clap_complete::generate(shell, &mut Cli::command(), name, &mut script);
    output::print_exactly(&String::from_utf8_lossy(&script)).map(|()| 0)
}

fn run(cli: Cli) -> Result<u8, Failure> {
    let verbose = cli.verbose;
    // These need neither the store nor the keychain, or open them only when they must (a
    // token the agent hands on needs neither).
    match &cli.command {
        Command::Completions { shell } => return completions(*shell),
        Command::Profiles { json } => return listing::profiles(*json),
        Command::Agent(command) => return agent::run(command),
        Command::Open(target) if !desktop::names_an_app(target) => {
            return desktop::open(None, target);
        }
        Command::Token(args) => return tokens::token(args, verbose),
        Command::Exec(args) => return tokens::exec(args, verbose),
        Command::Env(EnvCommand {
            action: None,
            token,
            vars,
        }) => return tokens::exports(token, vars, verbose),
        _ => {}
    }
    let core = open()?;
    match cli.command {
        Command::Token(_) | Command::Exec(_) | Command::Agent(_) => {
            unreachable!("handled above")
        }
        Command::Login(args) => login::login(&core, &args, verbose),
        Command::Exchange(args) => tokens::exchange(&core, &args, verbose),
        Command::Proof(args) => dpop::proof(&core, &args, verbose),
        Command::Curl(args) => dpop::curl(&core, &args, verbose),
        Command::Env(env) => match env.action {
            None => unreachable!("handled above"),
            Some(EnvAction::Add(args)) => setup::env_add(&core, &args, verbose),
            Some(EnvAction::Edit(args)) => setup::env_edit(&core, &args, verbose),
            Some(EnvAction::Rm {
                name,
                with_apps,
                for_team: false,
                ..
            }) => setup::env_rm(&core, &name, with_apps),
            Some(EnvAction::Rm {
                name,
                confirm,
                for_team: true,
                ..
            }) => team::env_rm_for_team(&core, &name, confirm.as_deref()),
            Some(EnvAction::Leave { name }) => team::leave(&core, &name),
            Some(EnvAction::Share { env, team }) => team::share(&core, &env, &team),
            Some(EnvAction::Join { team, env }) => team::join(&core, &team, &env),
        },
        Command::Status(args) => listing::status(&core, &args),
        Command::Introspect(args) => inspect::introspect(&core, &args),
        Command::TokenInfo(args) => inspect::token_info(&core, &args),
        Command::Claims(args) => inspect::claims(&core, &args),
        Command::Revoke(target) => token_state::revoke(&core, &target),
        Command::Forget(target) => token_state::forget(&core, &target),
        Command::AutoRenew(args) => token_state::auto_renew(&core, &args),
        Command::Envs { json } => listing::envs(&core, json),
        Command::Profiles { json } => listing::profiles(json),
        Command::Apps(args) => listing::apps(&core, &args),
        Command::Use { env } => listing::use_environment(&core, &env),
        Command::Open(target) => desktop::open(Some(&core), &target),
        Command::App(AppCommand::Add(args)) => setup::app_add(&core, &args),
        Command::App(AppCommand::Edit(args)) => setup::app_edit(&core, &args),
        Command::App(AppCommand::Rm {
            app,
            env,
            conflicts,
        }) => setup::app_rm(&core, &app, env.as_deref(), conflicts),
        Command::Secret(command) => secrets::run(&core, command),
        Command::Key(command) => keys::run(&core, command),
        Command::Cert(command) => certs::run(&core, command),
        Command::Verify(args) => rotation::verify(&core, &args),
        Command::Export { file, force } => portable::export(&core, &file, force),
        Command::Import {
            file,
            dry_run,
            json,
            envs,
            conflicts,
        } => portable::import(&core, &file, dry_run, json, &envs, conflicts),
        Command::Audit(args) => audit::audit(&core, &args),
        Command::Remote(command) => remote::run(&core, command),
        Command::Team(command) => team::run(&core, command),
        Command::Discover { issuer, json } => setup::discover(&core, &issuer, json),
        Command::Completions { shell } => completions(shell),
    }
}

//! `team add / status / rm` and `env share / join`: team vaults hold shared environments'
//! set-ups and secrets; the vault token goes from stdin (or a no-echo prompt) to the keychain.

use crate::cli::{TeamAddArgs, TeamCommand};
use crate::failure::Failure;
use crate::output::{self, table};
use crate::resolve;
use crate::secrets::read_value;
use crate::tokens::block_on;
use authdeck_core::Core;
use authdeck_core::team::{TeamStatus, TeamVaultInput};
use std::io::IsTerminal;

/// `authdeck team` and its subcommands.
pub fn run(core: &Core, command: TeamCommand) -> Result<u8, Failure> {
    match command {
        TeamCommand::Add(args) => add(core, args),
        TeamCommand::Login { name, token_stdin } => {
            let token = read_token(&name, token_stdin)?;
            let status = block_on(core.replace_team_token(&name, token))??;
            output::print(&format!(
                "The team vault “{}” has a new token in the keychain ({}, policies: {}).\n",
                status.vault.name,
                output::time_left(status.ttl_seconds),
                status.policies.join(", ")
            ))?;
            Ok(0)
        }
        TeamCommand::Status { name, json } => status(core, name.as_deref(), json),
        TeamCommand::Rm { name } => {
            core.remove_team(&name)?;
            output::print(&format!(
                "Removed the team vault “{name}” and its token from the keychain.\n"
            ))?;
            Ok(0)
        }
    }
}

fn add(core: &Core, args: TeamAddArgs) -> Result<u8, Failure> {
    let token = read_token(&args.name, args.token_stdin)?;
    let status = block_on(core.add_team(TeamVaultInput {
        name: args.name,
        addresses: args.addresses,
        namespace: args.namespace,
        mount: args.mount,
        path: args.path,
        token,
    }))??;
    output::print(&format!(
        "Added the team vault “{}” ({} at {}); its token is in the keychain ({}, policies: {}).\n",
        status.vault.name,
        status.vault.mount,
        status.vault.path,
        output::time_left(status.ttl_seconds),
        status.policies.join(", ")
    ))?;
    Ok(0)
}

/// The vault token: from stdin with --token-stdin, else asked for on a terminal.
fn read_token(team: &str, from_stdin: bool) -> Result<authdeck_core::model::Secret, Failure> {
    if !from_stdin && !std::io::stdin().is_terminal() {
        return Err(Failure::usage(
            "Give the vault token on stdin with --token-stdin (or run on a terminal to be asked).",
        ));
    }
    read_value(&format!("Vault token for “{team}” (not shown): "))
}

fn status(core: &Core, name: Option<&str>, json: bool) -> Result<u8, Failure> {
    let names: Vec<String> = match name {
        Some(name) => vec![core.team(name)?.name],
        None => core.teams()?.into_iter().map(|team| team.name).collect(),
    };
    let mut found = Vec::new();
    for name in &names {
        found.push(block_on(core.team_status(name))??);
    }
    if json {
        output::print_json(&found)?;
        return Ok(0);
    }
    if found.is_empty() {
        output::print("No team vaults. Add one with `authdeck team add`.\n")?;
        return Ok(0);
    }
    let rows: Vec<Vec<String>> = found.iter().map(row).collect();
    output::print(&table(
        &["TEAM", "ADDRESS", "PATH", "TOKEN", "POLICIES"],
        &rows,
    ))?;
    Ok(0)
}

fn row(status: &TeamStatus) -> Vec<String> {
    vec![
        status.vault.name.clone(),
        status.address.clone(),
        format!("{}/{}", status.vault.mount, status.vault.path),
        output::time_left(status.ttl_seconds),
        status.policies.join(","),
    ]
}

/// `authdeck env share ENV --team T`.
pub fn share(core: &Core, env: &str, team: &str) -> Result<u8, Failure> {
    let environment = resolve::environment(core, Some(env))?;
    block_on(core.share_environment(&environment.id, team))??;
    output::print(&format!(
        "Shared “{}” in the team vault “{team}”; its secrets are now there only.\n",
        environment.name
    ))?;
    Ok(0)
}

/// `authdeck env join T ENV`.
pub fn join(core: &Core, team: &str, env: &str) -> Result<u8, Failure> {
    let joined = block_on(core.join_environment(team, env))??;
    output::print(&format!(
        "Joined “{}” from the team vault “{team}”; its secrets stay in the vault.\n",
        joined.name
    ))?;
    Ok(0)
}

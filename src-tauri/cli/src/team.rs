//! `team add / login / status / rm` and `env share / join / leave / rm --for-team`: team
//! vaults hold shared environments' set-ups and secrets. The token, password or secret ID comes
//! from stdin (or a no-echo prompt), or the person signs in in the browser (OIDC,
//! `team_oidc.rs`); only the vault token it gives is kept, in the keychain.

use crate::cli::{SignInArgs, SignInMethod, TeamAddArgs, TeamCommand};
use crate::failure::Failure;
use crate::output::{self, table};
use crate::resolve;
use crate::secrets::read_value;
use crate::tokens::block_on;
use authdeck_core::model::Secret;
use authdeck_core::team::{
    DEFAULT_APPROLE_MOUNT, DEFAULT_CALLBACK_PORT, DEFAULT_OIDC_MOUNT, DEFAULT_USERPASS_MOUNT,
    SignIn, TeamStatus, TeamVaultInput,
};
use authdeck_core::{Core, TeamSignInFor};
use std::io::IsTerminal;

/// `authdeck team` and its subcommands.
pub fn run(core: &Core, command: TeamCommand) -> Result<u8, Failure> {
    match command {
        TeamCommand::Add(args) => add(core, args),
        TeamCommand::Login { name, sign_in } => {
            let chosen = sign_in_of(&sign_in)?;
            let kept = core.team(&name)?.sign_in;
            let method = chosen.as_ref().unwrap_or(&kept);
            let status = if method.needs_credential() {
                check_no_browser_flags(&name, method, &sign_in)?;
                let credential = read_credential(&name, method, &sign_in)?;
                block_on(core.sign_in_team(&name, chosen, credential))??
            } else {
                let target = TeamSignInFor::Login {
                    name: name.clone(),
                    sign_in: chosen,
                };
                crate::team_oidc::sign_in(core, &name, target, &sign_in)?
            };
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
    let sign_in = sign_in_of(&args.sign_in)?.unwrap_or(SignIn::Token);
    let browser = !sign_in.needs_credential();
    let credential = if browser {
        // Nothing to give: the person signs in at the identity provider.
        Secret::new("")
    } else {
        check_no_browser_flags(&args.name, &sign_in, &args.sign_in)?;
        read_credential(&args.name, &sign_in, &args.sign_in)?
    };
    let name = args.name.clone();
    let input = TeamVaultInput {
        name: args.name,
        addresses: args.addresses,
        namespace: args.namespace,
        mount: args.mount,
        path: args.path,
        sign_in,
        credential,
    };
    let status = if browser {
        crate::team_oidc::sign_in(core, &name, TeamSignInFor::Add(input), &args.sign_in)?
    } else {
        block_on(core.add_team(input))??
    };
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

/// The flags that describe a sign-in method, and the methods each goes with.
fn method_flags(args: &SignInArgs) -> [(&'static str, bool, &'static [&'static str]); 5] {
    [
        ("--username", args.username.is_some(), &["userpass"]),
        ("--role-id", args.role_id.is_some(), &["approle"]),
        ("--role", args.role.is_some(), &["oidc"]),
        ("--callback-port", args.callback_port.is_some(), &["oidc"]),
        (
            "--auth-mount",
            args.auth_mount.is_some(),
            &["userpass", "approle", "oidc"],
        ),
    ]
}

/// The sign-in the flags name; `None` when they name no method (login keeps its own).
fn sign_in_of(args: &SignInArgs) -> Result<Option<SignIn>, Failure> {
    let flags = method_flags(args);
    let Some(method) = args.method else {
        if let Some((flag, _, methods)) = flags.iter().find(|(_, given, _)| *given) {
            return Err(Failure::usage(format!(
                "{flag} goes with --method {}.",
                methods.join(" or ")
            )));
        }
        return Ok(None);
    };
    let name = match method {
        SignInMethod::Token => "token",
        SignInMethod::Userpass => "userpass",
        SignInMethod::Approle => "approle",
        SignInMethod::Oidc => "oidc",
    };
    if let Some((flag, _, _)) = flags
        .iter()
        .find(|(_, given, methods)| *given && !methods.contains(&name))
    {
        return Err(Failure::usage(format!(
            "{flag} does not go with --method {name}."
        )));
    }
    let mount = |default: &str| args.auth_mount.as_deref().unwrap_or(default).to_owned();
    let needs = |flag: &str| Failure::usage(format!("--method {name} needs {flag}."));
    Ok(Some(match method {
        SignInMethod::Token => SignIn::Token,
        SignInMethod::Userpass => SignIn::Userpass {
            username: args
                .username
                .clone()
                .ok_or_else(|| needs("--username NAME"))?,
            mount: mount(DEFAULT_USERPASS_MOUNT),
        },
        SignInMethod::Approle => SignIn::Approle {
            role_id: args.role_id.clone().ok_or_else(|| needs("--role-id ID"))?,
            mount: mount(DEFAULT_APPROLE_MOUNT),
        },
        SignInMethod::Oidc => SignIn::Oidc {
            role: args.role.clone(),
            mount: mount(DEFAULT_OIDC_MOUNT),
            callback_port: args.callback_port.unwrap_or(DEFAULT_CALLBACK_PORT),
        },
    }))
}

/// `--timeout` and `--no-browser` are for a browser sign-in only.
fn check_no_browser_flags(team: &str, sign_in: &SignIn, args: &SignInArgs) -> Result<(), Failure> {
    if args.timeout.is_some() || args.no_browser {
        return Err(Failure::usage(format!(
            "“{team}” signs in with {}: --timeout and --no-browser go with --method oidc.",
            sign_in.method()
        )));
    }
    Ok(())
}

/// The token, password or secret ID `sign_in` needs: from stdin with its --*-stdin flag, else
/// asked for on a terminal without echo.
fn read_credential(team: &str, sign_in: &SignIn, args: &SignInArgs) -> Result<Secret, Failure> {
    let flags = [
        ("--token-stdin", args.token_stdin, "token"),
        ("--password-stdin", args.password_stdin, "userpass"),
        ("--secret-id-stdin", args.secret_id_stdin, "approle"),
    ];
    let (flag, given, _) = flags
        .iter()
        .find(|(_, _, method)| *method == sign_in.method())
        .copied()
        .unwrap_or(flags[0]);
    let what = sign_in.credential_name();
    if let Some((other, _, _)) = flags.iter().find(|(f, on, _)| *on && *f != flag) {
        return Err(Failure::usage(format!(
            "“{team}” signs in with {}: give the {what} with {flag}, not {other}.",
            sign_in.method()
        )));
    }
    if !given && !std::io::stdin().is_terminal() {
        return Err(Failure::usage(format!(
            "Give the {what} on stdin with {flag} (or run on a terminal to be asked)."
        )));
    }
    read_value(&format!("The {what} for “{team}” (not shown): "))
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
        &["TEAM", "ADDRESS", "PATH", "TOKEN", "RENEWABLE", "POLICIES"],
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
        if status.renewable { "yes" } else { "no" }.to_owned(),
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

/// `authdeck env leave ENV`: forgets a team environment here; the vault untouched.
pub fn leave(core: &Core, env: &str) -> Result<u8, Failure> {
    let environment = resolve::environment(core, Some(env))?;
    let team = core.team_of_environment(&environment.id)?;
    let deleted = core.leave_environment(&environment.id)?;
    // (the count of keychain entries would include the team secrets' accounts, never there)
    output::print(&format!(
        "Left “{}”: forgotten on this computer with {}, and your tokens and keys of them are \
         gone from the keychain. The team vault “{}” and the other members keep it; `authdeck \
         env join` brings it back.\n",
        environment.name,
        plural(deleted.apps_removed, "app", "apps"),
        team.map(|t| t.name).unwrap_or_default()
    ))?;
    Ok(0)
}

/// `authdeck env rm ENV --for-team`: deletes a team environment for every member; a
/// production one is confirmed on the terminal, or by `--confirm NAME` where there is none.
pub fn env_rm_for_team(core: &Core, env: &str, confirm: Option<&str>) -> Result<u8, Failure> {
    let environment = resolve::environment(core, Some(env))?;
    let Some(team) = core.team_of_environment(&environment.id)? else {
        return Err(Failure::usage(format!(
            "“{}” is not shared through a team vault: delete it with `authdeck env rm \"{}\"` \
             (without --for-team).",
            environment.name, environment.name
        )));
    };
    let what = format!(
        "Deleting “{}” for the team removes its set-up and every secret from the team vault \
         “{}”, for every member, with no way back",
        environment.name, team.name
    );
    if environment.kind == authdeck_core::model::EnvironmentKind::Production {
        match confirm {
            Some(named) if named.trim() == environment.name => {}
            Some(named) => {
                return Err(Failure::usage(format!(
                    "--confirm names “{}”, not the production environment “{}”; nothing was \
                     deleted.",
                    named.trim(),
                    environment.name
                )));
            }
            None if output::can_ask() => {
                output::confirm(&format!(
                    "{what}. “{}” is production. Go on? [y/N] ",
                    environment.name
                ))?;
            }
            None => {
                return Err(Failure::usage(format!(
                    "“{name}” is a production environment: add --confirm \"{name}\" to delete it \
                     for the team (there is no terminal to confirm on); nothing was deleted.",
                    name = environment.name
                )));
            }
        }
    }
    let deleted = block_on(core.delete_environment_for_team(&environment.id))??;
    output::print(&format!(
        "Deleted “{}” for the team: its set-up and every secret are gone from the team vault \
         “{}”, and here with {}. Other members are told when they next use it.\n",
        environment.name,
        team.name,
        plural(deleted.apps_removed, "app", "apps")
    ))?;
    Ok(0)
}

fn plural(count: u32, one: &str, many: &str) -> String {
    format!("{count} {}", if count == 1 { one } else { many })
}

//! `secret add / list / retire / reactivate / rm`: values go from stdin (or a no-echo prompt)
//! straight to core and the keychain; nothing here ever prints one.

use crate::cli::{SecretAddArgs, SecretCommand, SecretTarget};
use crate::failure::{Failure, exit};
use crate::output::{self, say, table};
use crate::resolve;
use crate::tokens::block_on;
use authdeck_core::model::*;
use authdeck_core::vault::MAX_SECRET_BYTES;
use authdeck_core::{Core, SecretHome};
use std::io::{IsTerminal, Read};

/// Reads the secret: a prompt without echo on a terminal, else all of stdin (one trailing
/// line break removed, as `echo` and here-strings add one).
fn read_secret(app: &str) -> Result<Secret, Failure> {
    read_value(&format!("Client secret for “{app}” (not shown): "))
}

/// Reads a value as `read_secret` does, prompting with `prompt` on a terminal.
pub(crate) fn read_value(prompt: &str) -> Result<Secret, Failure> {
    if std::io::stdin().is_terminal() {
        let value = rpassword::prompt_password(prompt)
            .map_err(|e| Failure::new(exit::OTHER, format!("Could not read the secret: {e}")))?;
        return Ok(Secret::new(value));
    }
    let mut bytes = Vec::new();
    // A little more than the keychain takes, so core reports an oversized value by its size.
    std::io::stdin()
        .lock()
        .take((MAX_SECRET_BYTES * 4) as u64)
        .read_to_end(&mut bytes)
        .map_err(|e| Failure::new(exit::OTHER, format!("Could not read stdin: {e}")))?;
    let mut value = String::from_utf8(bytes).map_err(|_| {
        Failure::new(
            exit::INVALID,
            "secret: The value on stdin is not UTF-8 text.",
        )
    })?;
    if value.ends_with('\n') {
        value.pop();
        if value.ends_with('\r') {
            value.pop();
        }
    }
    Ok(Secret::new(value))
}

fn parse_time(text: &str) -> Result<Timestamp, Failure> {
    time::OffsetDateTime::parse(text.trim(), &time::format_description::well_known::Rfc3339)
        .map(Timestamp)
        .map_err(|_| {
            Failure::new(
                exit::INVALID,
                format!(
                    "--created-at: “{text}” is not a time such as 2026-11-01T09:30:00Z (RFC 3339)."
                ),
            )
        })
}

/// `authdeck secret` and its subcommands.
pub fn run(core: &Core, command: SecretCommand) -> Result<u8, Failure> {
    match command {
        SecretCommand::Add(args) => {
            let (environment, app) =
                resolve::app_to_act_on(core, args.env.as_deref(), Some(&args.app))?;
            add(core, &environment, &app, &args).map(|_| 0)
        }
        SecretCommand::Rotate(args) => crate::rotation::rotate(core, &args),
        SecretCommand::List { app, env, json } => list(core, &app, env.as_deref(), json),
        SecretCommand::Retire(target) => retire(core, &target),
        SecretCommand::Reactivate(target) => reactivate(core, &target),
        SecretCommand::Rm(target) => rm(core, &target),
    }
}

/// Reads a secret as `secret add` does and stores it for `app`; says what was stored.
pub fn add(
    core: &Core,
    environment: &Environment,
    app: &AppSummary,
    args: &SecretAddArgs,
) -> Result<SecretMeta, Failure> {
    let provider_created_at = args.created_at.as_deref().map(parse_time).transpose()?;
    let value = read_secret(&app.display_name)?;
    let input = SecretInput {
        app_id: app.id.clone(),
        label: args.label.clone().unwrap_or_default(),
        value,
        provider_created_at,
    };
    let (added, home) = block_on(core.put_secret(input))??;
    if added.trimmed {
        say!("authdeck: spaces or line breaks around the value were removed.");
    }
    output::print(&format!(
        "Stored “{}” ({}) for “{}” in “{}” in the {}.\n",
        added.secret.label,
        output::ending(&added.secret.fingerprint),
        app.display_name,
        environment.name,
        match home {
            SecretHome::TeamVault => "team vault",
            SecretHome::Keychain => "keychain",
        }
    ))?;
    Ok(added.secret)
}

/// `authdeck secret list`: metadata only.
fn list(core: &Core, app: &str, env: Option<&str>, json: bool) -> Result<u8, Failure> {
    let environment = resolve::environment(core, env)?;
    let app = resolve::app(core, &environment, Some(app))?;
    let secrets = core.secrets(&app.id)?;
    if json {
        return output::print_json(&secrets).map(|()| 0);
    }
    if secrets.is_empty() {
        return output::print(&format!("“{}” holds no secret.\n", app.display_name)).map(|()| 0);
    }
    let rows: Vec<Vec<String>> = secrets
        .iter()
        .map(|s| {
            vec![
                s.label.clone(),
                s.id.to_string(),
                s.state.as_str().to_owned(),
                output::ending(&s.fingerprint),
                format!("{} d", s.age_days),
                s.last_used_at
                    .as_ref()
                    .map_or_else(|| "-".into(), output::when),
                if s.rotation_due { "rotate" } else { "" }.to_owned(),
            ]
        })
        .collect();
    output::print(&table(
        &["LABEL", "ID", "STATE", "LAST 4", "AGE", "LAST USED", ""],
        &rows,
    ))
    .map(|()| 0)
}

/// `“label” (…wxyz)`: how a secret is named in what the CLI prints.
pub fn named(secret: &SecretMeta) -> String {
    format!(
        "“{}” ({})",
        secret.label,
        output::ending(&secret.fingerprint)
    )
}

/// The secret of `app` that `which` names: its ID, its label, or its label ignoring case.
pub fn find<'a>(
    secrets: &'a [SecretMeta],
    app: &AppSummary,
    which: &str,
) -> Result<&'a SecretMeta, Failure> {
    let wanted = which.trim();
    let mut found: Vec<&SecretMeta> = secrets
        .iter()
        .filter(|s| s.id.0 == wanted || s.label == wanted)
        .collect();
    if found.is_empty() {
        let lower = wanted.to_lowercase();
        found = secrets
            .iter()
            .filter(|s| s.label.to_lowercase() == lower)
            .collect();
    }
    match found.as_slice() {
        [one] => Ok(one),
        [] => Err(Failure::not_found(if secrets.is_empty() {
            format!("“{}” holds no secret.", app.display_name)
        } else {
            format!(
                "“{}” holds no secret “{wanted}”. Its secrets: {}.",
                app.display_name,
                resolve::quoted(secrets.iter().map(|s| s.label.as_str()))
            )
        })),
        several => Err(Failure::not_found(format!(
            "“{wanted}” names {} secrets of “{}”: {}. Name one by its ID.",
            several.len(),
            app.display_name,
            several
                .iter()
                .map(|s| format!("{} ({})", s.id, output::ending(&s.fingerprint)))
                .collect::<Vec<_>>()
                .join(", ")
        ))),
    }
}

/// The app (after the production guard) and the secret a `SecretTarget` names.
fn target(core: &Core, target: &SecretTarget) -> Result<(AppSummary, SecretMeta), Failure> {
    let (_, app) = resolve::app_to_act_on(core, target.env.as_deref(), Some(&target.app))?;
    let secrets = core.secrets(&app.id)?;
    let secret = find(&secrets, &app, &target.secret)?.clone();
    Ok((app, secret))
}

/// `authdeck secret retire`: kept where it is, no longer used.
fn retire(core: &Core, which: &SecretTarget) -> Result<u8, Failure> {
    let (app, secret) = target(core, which)?;
    let set = block_on(core.set_secret_state(&secret.id, SecretState::Retired))??;
    let (secret, app) = (named(&set.secret), &app.display_name);
    output::print(&match set.home {
        SecretHome::TeamVault => format!(
            "Retired {secret} of “{app}” in the team vault: kept there, no longer used by any \
             member.\n"
        ),
        SecretHome::Keychain if !set.changed => {
            format!("{secret} of “{app}” is already retired; nothing changed.\n")
        }
        SecretHome::Keychain => {
            format!("Retired {secret} of “{app}”: kept in the keychain, no longer used.\n")
        }
    })
    .map(|()| 0)
}

/// `authdeck secret reactivate`: a retired secret back in use.
fn reactivate(core: &Core, which: &SecretTarget) -> Result<u8, Failure> {
    let (app, secret) = target(core, which)?;
    let set = block_on(core.set_secret_state(&secret.id, SecretState::Active))??;
    let (secret, app) = (named(&set.secret), &app.display_name);
    output::print(&match set.home {
        SecretHome::TeamVault => format!("{secret} of “{app}” is active in the team vault.\n"),
        SecretHome::Keychain if !set.changed => {
            format!("{secret} of “{app}” is already active; nothing changed.\n")
        }
        SecretHome::Keychain => format!("{secret} of “{app}” is active again.\n"),
    })
    .map(|()| 0)
}

/// `authdeck secret rm`: by ID, or by label when it names one secret.
fn rm(core: &Core, which: &SecretTarget) -> Result<u8, Failure> {
    let (app, secret) = target(core, which)?;
    let home = block_on(core.remove_secret(&secret.id))??;
    let (secret, app) = (named(&secret), &app.display_name);
    output::print(&match home {
        SecretHome::TeamVault => {
            format!("Removed {secret} of “{app}” from the team vault: no version of it remains.\n")
        }
        SecretHome::Keychain => format!("Deleted {secret} of “{app}” from the keychain.\n"),
    })
    .map(|()| 0)
}

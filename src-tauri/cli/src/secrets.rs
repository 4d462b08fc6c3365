//! `secret add / list / rm`: values go from stdin (or a no-echo prompt) straight to core and
//! the keychain; nothing here ever prints one.

use crate::failure::{Failure, exit};
use crate::output::{self, say, table};
use crate::resolve;
use authdeck_core::Core;
use authdeck_core::model::*;
use authdeck_core::vault::MAX_SECRET_BYTES;
use std::io::{IsTerminal, Read};

/// Reads the secret: a prompt without echo on a terminal, else all of stdin (one trailing
/// line break removed, as `echo` and here-strings add one).
fn read_secret(app: &str) -> Result<Secret, Failure> {
    if std::io::stdin().is_terminal() {
        let value = rpassword::prompt_password(format!("Client secret for “{app}” (not shown): "))
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

/// `authdeck secret add`.
pub fn add(
    core: &Core,
    app: &str,
    env: Option<&str>,
    label: Option<&str>,
    created_at: Option<&str>,
) -> Result<u8, Failure> {
    let (environment, app) = resolve::app_to_act_on(core, env, Some(app))?;
    let provider_created_at = created_at.map(parse_time).transpose()?;
    let value = read_secret(&app.display_name)?;
    let added = core.add_secret(SecretInput {
        app_id: app.id.clone(),
        label: label.unwrap_or_default().to_owned(),
        value,
        provider_created_at,
    })?;
    if added.trimmed {
        say!("authdeck: spaces or line breaks around the value were removed.");
    }
    output::print(&format!(
        "Stored “{}” ({}) for “{}” in “{}” in the keychain.\n",
        added.secret.label,
        output::ending(&added.secret.fingerprint),
        app.display_name,
        environment.name
    ))
    .map(|()| 0)
}

/// `authdeck secret list`: metadata only.
pub fn list(core: &Core, app: &str, env: Option<&str>, json: bool) -> Result<u8, Failure> {
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

/// `authdeck secret rm`: by ID, or by label when it names one secret.
pub fn rm(core: &Core, app: &str, which: &str, env: Option<&str>) -> Result<u8, Failure> {
    let (_, app) = resolve::app_to_act_on(core, env, Some(app))?;
    let secrets = core.secrets(&app.id)?;
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
    let secret = match found.as_slice() {
        [one] => *one,
        [] => {
            return Err(Failure::not_found(if secrets.is_empty() {
                format!("“{}” holds no secret.", app.display_name)
            } else {
                format!(
                    "“{}” holds no secret “{wanted}”. Its secrets: {}.",
                    app.display_name,
                    resolve::quoted(secrets.iter().map(|s| s.label.as_str()))
                )
            }));
        }
        several => {
            return Err(Failure::not_found(format!(
                "“{wanted}” names {} secrets of “{}”: {}. Name one by its ID.",
                several.len(),
                app.display_name,
                several
                    .iter()
                    .map(|s| format!("{} ({})", s.id, output::ending(&s.fingerprint)))
                    .collect::<Vec<_>>()
                    .join(", ")
            )));
        }
    };
    core.delete_secret(&secret.id)?;
    output::print(&format!(
        "Deleted “{}” ({}) of “{}” from the keychain.\n",
        secret.label,
        output::ending(&secret.fingerprint),
        app.display_name
    ))
    .map(|()| 0)
}

//! `verify` and `secret rotate`: whether the provider accepts a secret, asked with a real token
//! request (core's `verify_secret`, as the desktop's Verify button), and a rotation that
//! retires older secrets only after the new one is stored and, where it can be, accepted.

use crate::cli::{SecretRotateArgs, VerifyArgs};
use crate::failure::{Failure, exit, one_line};
use crate::output::{self, say};
use crate::resolve;
use crate::secrets::{self, named};
use crate::tokens::block_on;
use authdeck_core::model::*;
use authdeck_core::{Core, SecretHome};

/// `authdeck verify [APP] [SECRET]`: the named secret, or every active one — during a
/// rotation both the new and the old secret are active, and whether the provider still takes
/// the old one is what decides when to retire it. Exit code 4 when the provider refused any.
pub fn verify(core: &Core, args: &VerifyArgs) -> Result<u8, Failure> {
    let (_, app) =
        resolve::app_to_act_on(core, args.target.env.as_deref(), args.target.app.as_deref())?;
    let secrets = core.secrets(&app.id)?;
    let chosen: Vec<&SecretMeta> = match &args.secret {
        Some(which) => vec![secrets::find(&secrets, &app, which)?],
        None => secrets
            .iter()
            .filter(|s| s.state == SecretState::Active)
            .collect(),
    };
    if chosen.is_empty() {
        return Err(no_active_secret(&app));
    }
    let mut checked = Vec::new();
    for secret in chosen {
        let result = block_on(core.verify_secret(&secret.id))??;
        if !args.json {
            output::print(&verdict(&result))?;
        }
        checked.push(result);
    }
    if args.json {
        output::print_json(&checked)?;
    }
    let refused = checked
        .iter()
        .filter(|s| s.last_verify_ok != Some(true))
        .count();
    if refused == 0 {
        return Ok(0);
    }
    say!(
        "authdeck: the provider refused {refused} of {} secret{} of “{}”.",
        checked.len(),
        if checked.len() == 1 { "" } else { "s" },
        app.display_name
    );
    Ok(exit::PROVIDER)
}

fn no_active_secret(app: &AppSummary) -> Failure {
    Failure::new(
        exit::NOT_CONFIGURED,
        if app.client_type == ClientType::Public {
            format!(
                "“{}” is a public client: it has no client secret to verify.",
                app.display_name
            )
        } else {
            format!(
                "“{}” has no active client secret to verify. Add one with `authdeck secret add`.",
                app.display_name
            )
        },
    )
}

/// One line for a verified secret: it works, or the provider's words for why not.
fn verdict(secret: &SecretMeta) -> String {
    if secret.last_verify_ok == Some(true) {
        format!("{} works: the provider issued a token.\n", named(secret))
    } else {
        format!(
            "{} was refused by the provider: {}\n",
            named(secret),
            one_line(
                secret
                    .last_verify_message
                    .as_deref()
                    .unwrap_or("no reason given.")
            )
        )
    }
}

/// `authdeck secret rotate`: (1) check what is to be retired, (2) store the new secret,
/// (3) verify it when the environment has a token endpoint, (4) only then retire. A failure
/// at (3) keeps every secret as it is; the app always keeps an active secret.
pub fn rotate(core: &Core, args: &SecretRotateArgs) -> Result<u8, Failure> {
    let (environment, app) =
        resolve::app_to_act_on(core, args.new.env.as_deref(), Some(&args.new.app))?;
    let before = core.secrets(&app.id)?;
    let older: Vec<&SecretMeta> = before
        .iter()
        .filter(|s| s.state == SecretState::Active)
        .collect();
    let to_retire: Vec<&SecretMeta> = match &args.retire {
        Some(which) => {
            let secret = secrets::find(&before, &app, which)?;
            if secret.state == SecretState::Retired {
                return Err(Failure::new(
                    exit::INVALID,
                    format!(
                        "--retire: {} is already retired; name an active secret. Nothing was \
                         stored.",
                        named(secret)
                    ),
                ));
            }
            vec![secret]
        }
        None if args.retire_all_older => older.clone(),
        None => Vec::new(),
    };
    let new = secrets::add(core, &environment, &app, &args.new)?;
    accepted(core, &environment, &new)?;
    for secret in &to_retire {
        let retired = block_on(core.set_secret_state(&secret.id, SecretState::Retired))??;
        output::print(&format!(
            "Retired {}: kept in the {}, no longer used.\n",
            named(&retired.secret),
            match retired.home {
                SecretHome::TeamVault => "team vault",
                SecretHome::Keychain => "keychain",
            }
        ))?;
    }
    let still: Vec<String> = older
        .iter()
        .filter(|s| !to_retire.iter().any(|r| r.id == s.id))
        .map(|s| named(s))
        .collect();
    if args.retire_all_older && older.is_empty() {
        output::print("No older active secret to retire.\n")?;
    } else if !still.is_empty() {
        output::print(&format!(
            "Still active: {}. Retire with `authdeck secret retire` once nothing uses {}.\n",
            still.join(", "),
            if still.len() == 1 { "it" } else { "them" }
        ))?;
    }
    Ok(0)
}

/// Step (3) of a rotation: the provider's word on the new secret, or why it could not be
/// asked. Any failure leaves the new secret stored and nothing retired, and says so.
fn accepted(core: &Core, environment: &Environment, new: &SecretMeta) -> Result<(), Failure> {
    if environment.endpoints.token_url.is_none() {
        return output::print(&format!(
            "Not verified: “{}” has no token endpoint to ask.\n",
            environment.name
        ));
    }
    let checked = match block_on(core.verify_secret(&new.id))? {
        Ok(checked) => checked,
        Err(error) => {
            let mut failure = Failure::from(error);
            failure.message = format!(
                "{} The new secret {} is stored; nothing was retired.",
                failure.line(),
                named(new)
            );
            return Err(failure);
        }
    };
    if checked.last_verify_ok != Some(true) {
        return Err(Failure::new(
            exit::PROVIDER,
            format!(
                "The provider refused the new secret {}: {} It is stored; nothing was retired. \
                 If it was mistyped, delete it with `authdeck secret rm`.",
                named(new),
                one_line(
                    checked
                        .last_verify_message
                        .as_deref()
                        .unwrap_or("no reason given.")
                )
            ),
        ));
    }
    output::print(&format!(
        "The provider accepts {}: it issued a token.\n",
        named(&checked)
    ))
}

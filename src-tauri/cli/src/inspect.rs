//! `introspect`, `token-info` and `claims`: what the provider says of an app's stored token,
//! and what the token itself says, as the desktop's token panel shows it. The token is sent
//! to the provider, never printed.

use crate::cli::AskArgs;
use crate::failure::Failure;
use crate::output::{self, table};
use crate::resolve;
use crate::tokens::block_on;
use authdeck_core::Core;
use authdeck_core::model::*;

/// The app an `AskArgs` names (after the production guard), and how it and its token are
/// named in what is printed: `“Billing sync” (…wxyz)`.
fn asked(core: &Core, args: &AskArgs) -> Result<(AppSummary, String), Failure> {
    let (_, app) =
        resolve::app_to_act_on(core, args.target.env.as_deref(), args.target.app.as_deref())?;
    let ending = core
        .token_status(&app.id)?
        .token
        .map(|token| format!(" ({})", output::ending(&token.fingerprint)))
        .unwrap_or_default();
    let named = format!("“{}”{ending}", app.display_name);
    Ok((app, named))
}

/// `authdeck introspect`: active or not, and every field the provider sent (times read out).
pub fn introspect(core: &Core, args: &AskArgs) -> Result<u8, Failure> {
    let (app, named) = asked(core, args)?;
    let answer = block_on(core.introspect_token(&app.id))??;
    if args.json {
        return output::print_json(&answer).map(|()| 0);
    }
    let verdict = if answer.active {
        "active"
    } else {
        "not active (revoked, expired, or unknown to it)"
    };
    output::print(&format!(
        "The provider says the token of {named} is {verdict}.\n{}{}",
        fields(&answer.fields),
        binding(core, &app, &answer.fields)?
    ))
    .map(|()| 0)
}

/// `authdeck token-info`: the provider's token-info answer, its known fields first.
pub fn token_info(core: &Core, args: &AskArgs) -> Result<u8, Failure> {
    let (app, named) = asked(core, args)?;
    let info = block_on(core.token_info(&app.id))??;
    if args.json {
        return output::print_json(&info).map(|()| 0);
    }
    let facts = [
        ("application", info.application_uid.clone()),
        (
            "resource owner",
            Some(
                info.resource_owner_id
                    .clone()
                    .unwrap_or_else(|| "none (a client token)".into()),
            ),
        ),
        ("scopes", Some(info.scopes.join(" "))),
        (
            "expires in",
            info.expires_in_seconds
                .map(|seconds| output::time_left(Some(seconds))),
        ),
        ("created", info.created_at.as_ref().map(output::when)),
    ];
    let width = facts.iter().map(|(name, _)| name.len()).max().unwrap_or(0);
    let mut text = format!("The provider's token info on the token of {named}:\n");
    for (name, value) in facts {
        let value = value
            .filter(|v| !v.is_empty())
            .unwrap_or_else(|| "-".into());
        text.push_str(&format!("  {name:<width$}  {}\n", cell(&value)));
    }
    text.push_str("Everything it sent:\n");
    text.push_str(&fields(&info.fields));
    output::print(&text).map(|()| 0)
}

/// `authdeck claims`: a JWT access token's header and claims (decoded, not verified), and a
/// sign-in's ID token claims (validated when it arrived); nothing is sent anywhere.
pub fn claims(core: &Core, args: &AskArgs) -> Result<u8, Failure> {
    let (app, named) = asked(core, args)?;
    let details = core.token_details(&app.id)?;
    if details.status.token.is_none() {
        return Err(Failure::not_found(
            "This app holds no token yet; get one first.",
        ));
    }
    if args.json {
        return output::print_json(&details).map(|()| 0);
    }
    let mut text = String::new();
    match &details.jwt {
        Some(jwt) => {
            text.push_str(&format!(
                "The token of {named} is a JWT, decoded here but NOT verified (do not trust \
                 its claims).\nHeader:\n{}Claims:\n{}{}",
                fields(&jwt.header),
                fields(&jwt.claims),
                binding(core, &app, &jwt.claims)?
            ));
        }
        None => text.push_str(&format!("The token of {named} is not a JWT.\n")),
    }
    if let Some(id_claims) = &details.id_claims {
        text.push_str(&format!(
            "The sign-in's ID token, validated when it arrived (signature, issuer, audience, \
             expiry, nonce):\n{}",
            fields(id_claims)
        ));
    }
    output::print(&text).map(|()| 0)
}

/// The line about a certificate-bound token (RFC 8705 §3 `cnf.x5t#S256`): which of the app's
/// certificates it is bound to; nothing for a token bound to none.
fn binding(core: &Core, app: &AppSummary, fields: &[Field]) -> Result<String, Failure> {
    let Some(binding) = core.certificate_binding(&app.id, fields)? else {
        return Ok(String::new());
    };
    let whose = match (&binding.certificate, binding.presented_now) {
        (Some(cert), true) => format!(
            "it matches the app's active certificate “{}” ({})",
            cert.label, cert.subject
        ),
        (Some(cert), false) => format!(
            "it matches the app's certificate “{}”, which is no longer the one presented; \
             get a new token",
            cert.label
        ),
        (None, _) => "it matches NONE of the app's certificates; the API will refuse it when \
                      Authdeck presents the app's certificate"
            .to_owned(),
    };
    Ok(format!(
        "Bound to a client certificate (cnf x5t#S256 {}): {whose}.\n",
        binding.x5t_s256
    ))
}

/// A provider's value on one line of a table (its line breaks and tabs written out).
fn cell(value: &str) -> String {
    value.replace('\n', "\\n").replace('\t', "\\t")
}

/// A provider's fields as a FIELD / VALUE table; a time field's value is followed by the
/// time it means (`1767225600 (2026-01-01T00:00:00Z)`).
fn fields(fields: &[Field]) -> String {
    if fields.is_empty() {
        return "It sent no fields.\n".into();
    }
    let rows: Vec<Vec<String>> = fields
        .iter()
        .map(|field| {
            let value = match &field.note {
                Some(note) => format!("{} ({note})", cell(&field.value)),
                None => cell(&field.value),
            };
            vec![field.name.clone(), value]
        })
        .collect();
    table(&["FIELD", "VALUE"], &rows)
}

//! `revoke`, `forget` and `auto-renew`: the desktop token panel's changes to an app's token.
//!
//! Two verbs, as the desktop has two buttons: `revoke` asks the provider to stop accepting the
//! token (RFC 7009) and marks it revoked here, so `token` gets a new one and `introspect` can
//! show the provider's side; `forget` removes it from this computer and sends nothing, so it
//! stays valid at the provider until it expires.

use crate::cli::{AutoRenewArgs, OnOff, Target};
use crate::failure::Failure;
use crate::output;
use crate::resolve;
use crate::tokens::block_on;
use authdeck_core::Core;
use authdeck_core::model::*;

fn target(core: &Core, target: &Target) -> Result<AppSummary, Failure> {
    resolve::app_to_act_on(core, target.env.as_deref(), target.app.as_deref()).map(|(_, app)| app)
}

/// `authdeck revoke`.
pub fn revoke(core: &Core, which: &Target) -> Result<u8, Failure> {
    let app = target(core, which)?;
    let held = core.token_status(&app.id)?.token;
    if let Some(token) = &held
        && let Some(at) = &token.revoked_at
    {
        return output::print(&format!(
            "The token of “{}” ({}) was already revoked at {}; nothing was sent.\n",
            app.display_name,
            output::ending(&token.fingerprint),
            output::when(at)
        ))
        .map(|()| 0);
    }
    let status = block_on(core.revoke_token(&app.id))??;
    let token = status.token.or(held);
    let ending = token
        .as_ref()
        .map(|t| format!(" ({})", output::ending(&t.fingerprint)))
        .unwrap_or_default();
    let next = if token.as_ref().is_some_and(|t| t.has_refresh_token) {
        "the next `authdeck token` uses the sign-in's refresh token, or asks for a new \
         sign-in if the provider ended the sign-in too (RFC 7009 lets it)"
    } else {
        "the next `authdeck token` gets a new one"
    };
    output::print(&format!(
        "Revoked the token of “{}”{ending} at the provider; {next}.\n",
        app.display_name
    ))
    .map(|()| 0)
}

/// `authdeck forget`.
pub fn forget(core: &Core, which: &Target) -> Result<u8, Failure> {
    let app = target(core, which)?;
    let Some(token) = core.token_status(&app.id)?.token else {
        return output::print(&format!(
            "“{}” holds no token; nothing to forget.\n",
            app.display_name
        ))
        .map(|()| 0);
    };
    core.forget_token(&app.id)?;
    let kept = if token.revoked_at.is_some() {
        "it was revoked there"
    } else {
        "it stays valid there until it expires"
    };
    output::print(&format!(
        "Removed the token of “{}” ({}) from this computer; nothing was sent to the provider \
         ({kept}).\n",
        app.display_name,
        output::ending(&token.fingerprint)
    ))
    .map(|()| 0)
}

/// `authdeck auto-renew on|off`.
pub fn auto_renew(core: &Core, args: &AutoRenewArgs) -> Result<u8, Failure> {
    let app = target(core, &args.target)?;
    let status = core.set_auto_renew(&app.id, args.state == OnOff::On)?;
    let said = if status.auto_renew {
        "on: the desktop app renews its token shortly before it expires"
    } else {
        "off: its token is renewed only when asked for (`authdeck token`, Get token)"
    };
    output::print(&format!(
        "Automatic renewal of “{}” is {said}.\n",
        app.display_name
    ))
    .map(|()| 0)
}

//! The audit log from the facade's side: each action that handles a secret, a token, an app
//! or an environment appends its entry here, in the same transaction as its own write where it
//! has one, as the actor this `Core` was opened for.

use super::Core;
use crate::audit::{AuditAction, AuditEntry, AuditQuery};
use crate::error::{Error, Result};
use crate::model::{AppId, EnvironmentId, Secret, SecretId, SecretMeta, TokenMeta};
use crate::store::audit::{self, Subject};
use crate::store::{apps, secrets, teams};
use rusqlite::Connection;

/// Why a secret's value is read from the keychain; each is recorded.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SecretUse {
    /// Put on the clipboard.
    Copy,
    /// Shown on screen for a while.
    Reveal,
}

impl Core {
    /// The audit log's entries that `query` asks for, newest first.
    pub fn audit_log(&self, query: &AuditQuery) -> Result<Vec<AuditEntry>> {
        audit::list(&self.store()?.conn, query)
    }

    /// A secret's value for copying or revealing, recorded in the audit log (without it).
    pub fn secret_for(&self, id: &SecretId, purpose: SecretUse) -> Result<Secret> {
        let value = self.secret_value(id)?;
        let (secret, app) = self.secret(id)?;
        let action = match purpose {
            SecretUse::Copy => AuditAction::SecretCopied,
            SecretUse::Reveal => AuditAction::SecretRevealed,
        };
        self.store()?
            .write(|tx| self.note_app(tx, action, &app.id, &secret.label))?;
        Ok(value)
    }

    /// The app's access token for copying, recorded in the audit log (without it).
    pub fn token_to_copy(&self, app: &AppId) -> Result<Secret> {
        let (token, value) = self.token_value(app)?;
        if token.revoked_at.is_some() {
            return Err(Error::NotConfigured(format!(
                "The token of “{}” was revoked at the provider, so every API refuses it. Get a \
                 new token to copy one.",
                self.app(app)?.display_name
            )));
        }
        self.store()?
            .write(|tx| self.note_app(tx, AuditAction::TokenCopied, app, ""))?;
        Ok(value)
    }

    /// Appends an entry about `subject` as this core's actor.
    pub(super) fn note(
        &self,
        conn: &Connection,
        action: AuditAction,
        subject: &Subject,
        detail: &str,
    ) -> Result<()> {
        audit::append(conn, self.now(), self.actor, action, subject, detail)
    }

    /// Appends an entry about an app (and its environment), by their names as `conn` sees them.
    pub(super) fn note_app(
        &self,
        conn: &Connection,
        action: AuditAction,
        app: &AppId,
        detail: &str,
    ) -> Result<()> {
        self.note(conn, action, &audit::app_subject(conn, app)?, detail)
    }

    /// Appends an entry about an environment.
    pub(super) fn note_environment(
        &self,
        conn: &Connection,
        action: AuditAction,
        environment: &EnvironmentId,
        detail: &str,
    ) -> Result<()> {
        self.note(
            conn,
            action,
            &audit::environment_subject(conn, environment)?,
            detail,
        )
    }

    /// Records a token just stored (minted, or got by refresh), with the scopes asked for and,
    /// when the secret it used was read from a team vault, that read.
    pub(super) fn note_minted(
        &self,
        conn: &Connection,
        token: &TokenMeta,
        refreshed: bool,
    ) -> Result<()> {
        let mut scopes = token.requested_scopes.join(" ");
        if let Some(read) = self.team_read(conn, token.secret_id.as_ref(), "read from")? {
            scopes = format!("{scopes}; {read}");
        }
        let action = if refreshed {
            AuditAction::TokenRefreshed
        } else {
            AuditAction::TokenMinted
        };
        self.note_app(conn, action, &token.app_id, &scopes)
    }

    /// Appends an entry about a team secret: its label and ID, the team vault and who acted
    /// (`team_secret_detail`).
    pub(super) fn note_team_secret(
        &self,
        conn: &Connection,
        action: AuditAction,
        secret: &SecretMeta,
        team: &str,
        verb: &str,
    ) -> Result<()> {
        let detail = team_secret_detail(conn, secret, team, verb)?;
        self.note_app(conn, action, &secret.app_id, &detail)
    }

    /// The detail of a read of `secret` when it is a team environment's (its value came from
    /// the team vault), else `None`.
    pub(super) fn team_read(
        &self,
        conn: &Connection,
        secret: Option<&SecretId>,
        verb: &str,
    ) -> Result<Option<String>> {
        let Some(secret) = secret
            .map(|id| secrets::get(conn, id))
            .transpose()?
            .flatten()
        else {
            return Ok(None);
        };
        let Some(app) = apps::get(conn, &secret.app_id)? else {
            return Ok(None);
        };
        match teams::of_environment(conn, &app.environment_id)? {
            Some((vault, _)) => team_secret_detail(conn, &secret, &vault.name, verb).map(Some),
            None => Ok(None),
        }
    }

    /// Appends an entry in a transaction of its own (for actions whose write is elsewhere).
    pub(super) fn note_app_now(
        &self,
        action: AuditAction,
        app: &AppId,
        detail: &str,
    ) -> Result<()> {
        self.store()?
            .write(|tx| self.note_app(tx, action, app, detail))
    }
}

/// What an entry about a team secret says, never its value: `secret “2026-12” (ID) added to
/// the team vault “acme” by oidc-alice (local user alice)`: the vault's name for the token's
/// owner as it last said it, and the person signed in to this computer, each when known.
fn team_secret_detail(
    conn: &Connection,
    secret: &SecretMeta,
    team: &str,
    verb: &str,
) -> Result<String> {
    let vault_user = teams::signed_in_as(conn, team)?;
    let who = match (vault_user, local_user()) {
        (Some(vault), Some(local)) => format!(" by {vault} (local user {local})"),
        (Some(vault), None) => format!(" by {vault}"),
        (None, Some(local)) => format!(" by local user {local}"),
        (None, None) => String::new(),
    };
    Ok(format!(
        "secret “{}” ({}) {verb} the team vault “{team}”{who}",
        secret.label, secret.id
    ))
}

/// The name of the person signed in to this computer, from the environment the program was
/// started with.
fn local_user() -> Option<String> {
    ["USER", "LOGNAME", "USERNAME"]
        .iter()
        .find_map(|name| std::env::var(name).ok())
        .map(|name| name.trim().to_owned())
        .filter(|name| !name.is_empty() && !name.chars().any(char::is_control))
}

#[cfg(test)]
mod tests;

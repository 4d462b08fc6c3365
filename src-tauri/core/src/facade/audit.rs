//! The audit log from the facade's side: each action that handles a secret, a token, an app
//! or an environment appends its entry here, in the same transaction as its own write where it
//! has one, as the actor this `Core` was opened for.

use super::Core;
use crate::audit::{AuditAction, AuditEntry, AuditQuery};
use crate::error::{Error, Result};
use crate::model::{AppId, EnvironmentId, Secret, SecretId, TokenMeta};
use crate::store::audit::{self, Subject};
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

    /// Records a token just stored (minted, or got by refresh), with the scopes asked for.
    pub(super) fn note_minted(
        &self,
        conn: &Connection,
        token: &TokenMeta,
        refreshed: bool,
    ) -> Result<()> {
        let scopes = token.requested_scopes.join(" ");
        let action = if refreshed {
            AuditAction::TokenRefreshed
        } else {
            AuditAction::TokenMinted
        };
        self.note_app(conn, action, &token.app_id, &scopes)
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

#[cfg(test)]
mod tests;

//! Copying and revealing a team environment's secret: its value is read from the team vault,
//! as a token mint reads it (a policy that does not allow the read is refused with the path),
//! handed to the caller only, never written to the keychain or disk, and each read is recorded
//! in the audit log with the team vault and who read it.

use super::Core;
use super::audit::SecretUse;
use crate::audit::AuditAction;
use crate::error::{Error, Result};
use crate::model::{Secret, SecretId};

impl Core {
    /// A team secret's value for copying or revealing, read from its team vault and recorded
    /// in the audit log (without it).
    pub async fn team_secret_for(&self, id: &SecretId, purpose: SecretUse) -> Result<Secret> {
        let (secret, app) = self.secret(id)?;
        let vault = self
            .team_of_environment(&app.environment_id)?
            .ok_or_else(|| {
                Error::NotConfigured(format!(
                    "“{}” is not in a team environment; its secrets are in the keychain.",
                    app.display_name
                ))
            })?;
        let value = self.secret_value_of(&app.id, id).await?;
        let (action, verb) = match purpose {
            SecretUse::Copy => (AuditAction::SecretCopied, "copied from"),
            SecretUse::Reveal => (AuditAction::SecretRevealed, "revealed from"),
        };
        self.store()?
            .write(|tx| self.note_team_secret(tx, action, &secret, &vault.name, verb))?;
        Ok(value)
    }
}

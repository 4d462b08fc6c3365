//! An import that changes shared environments goes through their team vaults, as an app
//! added or edited by hand does: for each shared environment the file changes, what its rows
//! would be after the import (rehearsed here, nothing written) is this member's change to the
//! vault's set-up, merged three-way with what the vault holds and written with check-and-set
//! (`team_setup.rs`), after which every member's rows follow it. The file's other environments
//! are imported here in one transaction, after the vault took its changes.
//!
//! The export format holds no secret, so an import never carries one to the vault. The whole
//! file is checked first (problems, production confirmation): a refusal writes nothing
//! anywhere. A conflict with another member's change of the same field stops the import
//! before any environment after it; one written before it stays written (each vault write is
//! its own), and the report of a run again shows it as already the same.

use super::Core;
use super::environments as environment_rules;
use super::portable::{exported_environment, merge, refuse_problems, refuse_unconfirmed};
use crate::audit::AuditAction;
use crate::error::Result;
use crate::model::EnvironmentId;
use crate::portable::{
    self, EnvironmentImport, ExportFile, ExportedEnvironment, ImportOutcome, ImportReport,
};
use crate::store::{environments, teams};
use crate::team::merge::Choices;

impl Core {
    /// Imports the file's text: the changes of shared environments through their team
    /// vaults' set-ups (conflicts settled by `choices`), the rest here in one transaction.
    pub async fn apply_import_in_setup(
        &self,
        text: &str,
        confirmed_production: &[String],
        choices: &Choices,
    ) -> Result<ImportReport> {
        let file = portable::parse(text)?;
        if !self.names_a_shared_environment(&file)? {
            // Nothing for a vault: the one transaction checks and imports it all (rehearsing
            // the whole merge first only to find no shared environment doubled an import's
            // work: 10,000 apps merged three times counting the preview).
            return self.apply_file(&file, confirmed_production);
        }
        let now = self.now();
        let (mut report, shared) = self.store()?.rehearse(|tx| {
            let report = merge(tx, &file, now)?;
            refuse_problems(&report)?;
            refuse_unconfirmed(&report, confirmed_production)?;
            let mut shared: Vec<(String, EnvironmentId, ExportedEnvironment)> = Vec::new();
            for imported in report.environments.iter().filter(|e| changes(e)) {
                let Some(stored) = environments::by_name(tx, &imported.name)? else {
                    continue;
                };
                if teams::of_environment(tx, &stored.id)?.is_some() {
                    let after = exported_environment(tx, &stored)?;
                    shared.push((imported.name.clone(), stored.id, after));
                }
            }
            Ok((report, shared))
        })?;
        for (_, environment, after) in &shared {
            self.write_setup(environment, choices, |setup| {
                *setup = after.clone();
                Ok(())
            })
            .await?;
        }
        let mut local = file.clone();
        local
            .environments
            .retain(|e| !shared.iter().any(|(name, _, _)| name == e.name.trim()));
        if local.environments.is_empty() {
            let detail = format!(
                "{} added, {} changed, {} skipped, through the team vault",
                report.added, report.changed, report.skipped
            );
            self.store()?.write(|tx| {
                self.note(tx, AuditAction::ImportApplied, &Default::default(), &detail)
            })?;
        } else {
            self.apply_file(&local, confirmed_production)?;
        }
        report.applied = true;
        Ok(report)
    }

    /// Whether an environment of the file is, by its name as the import matches it, a stored
    /// environment shared through a team vault.
    fn names_a_shared_environment(&self, file: &ExportFile) -> Result<bool> {
        let store = self.store()?;
        for imported in &file.environments {
            let name = environment_rules::normalize(&imported.input()).name;
            if let Some(stored) = environments::by_name(&store.conn, &name)?
                && teams::of_environment(&store.conn, &stored.id)?.is_some()
            {
                return Ok(true);
            }
        }
        Ok(false)
    }
}

/// Whether the import changes the environment or any of its apps.
fn changes(environment: &EnvironmentImport) -> bool {
    environment.outcome != ImportOutcome::Skipped
        || environment
            .apps
            .iter()
            .any(|app| app.outcome != ImportOutcome::Skipped)
}

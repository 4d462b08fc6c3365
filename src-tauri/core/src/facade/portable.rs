//! Export and import of environments and apps (the file format is `crate::portable`).
//!
//! An import merges environments by name (ignoring case) and apps by client ID within their
//! environment; what is here and not in the file is left alone. The preview runs the very
//! same merge in a transaction that is rolled back, so what it shows is what applying does;
//! applying is one transaction, refused whole while any item has a problem.

use super::Core;
use super::apps::{self as app_rules, app_problems, from_input};
use super::environments::{self as environment_rules, environment_problems};
use crate::audit::AuditAction;
use crate::error::{Error, Result};
use crate::model::*;
use crate::portable::{
    self, AppImport, EnvironmentImport, ExportFile, ExportSummary, ExportedEnvironment,
    FieldChange, ImportOutcome, ImportProblem, ImportReport,
};
use crate::store::{apps, environments, secrets, settings, teams};
use crate::validate::{APP_FIELDS, ENVIRONMENT_FIELDS, FieldError};
use rusqlite::Connection;
use std::collections::HashSet;
use std::path::Path;

impl Core {
    /// Every environment and app as an export file: names, endpoints and app settings, never
    /// a secret, a token or anything from the keychain.
    pub fn export(&self) -> Result<ExportFile> {
        let store = self.store()?;
        let mut exported = Vec::new();
        for environment in environments::list(&store.conn)? {
            exported.push(exported_environment(&store.conn, &environment)?);
        }
        Ok(ExportFile {
            authdeck_export: portable::EXPORT_VERSION,
            // whole seconds: the file is read by people too
            exported_at: Timestamp::from_unix(self.now().unix()),
            environments: exported,
        })
    }

    /// Writes the export to `path`; an existing file is replaced only when `overwrite`.
    pub fn export_to(&self, path: &Path, overwrite: bool) -> Result<ExportSummary> {
        let file = self.export()?;
        portable::write_file(path, &portable::render(&file)?, overwrite)?;
        Ok(ExportSummary {
            path: path.display().to_string(),
            environments: file.environments.len() as u32,
            apps: file.environments.iter().map(|e| e.apps.len() as u32).sum(),
        })
    }

    /// Where an export goes unless the user says otherwise (`~/authdeck-export-<date>.json`).
    pub fn suggested_export_path(&self) -> Option<String> {
        portable::suggested_path(self.now())
    }

    /// What importing the file's text would add, change and skip, and what stands in its way;
    /// nothing is written.
    pub fn preview_import(&self, text: &str) -> Result<ImportReport> {
        let file = portable::parse(text)?;
        let now = self.now();
        self.store()?.rehearse(|tx| merge(tx, &file, now))
    }

    /// Imports the file's text in one transaction, or nothing when any item has a problem
    /// (the error names the first; the preview lists them all) or when it changes a stored
    /// production environment not named in `confirmed_production` (the preview's
    /// `production_to_confirm`; names match ignoring case).
    pub fn apply_import(
        &self,
        text: &str,
        confirmed_production: &[String],
    ) -> Result<ImportReport> {
        let file = portable::parse(text)?;
        self.apply_file(&file, confirmed_production)
    }

    /// `apply_import` for a file whose environments are all local (or left as they are).
    pub(super) fn apply_file(
        &self,
        file: &ExportFile,
        confirmed_production: &[String],
    ) -> Result<ImportReport> {
        let now = self.now();
        self.store()?.write(|tx| {
            let mut report = merge(tx, file, now)?;
            refuse_problems(&report)?;
            refuse_shared_changes(tx, &report)?;
            refuse_unconfirmed(&report, confirmed_production)?;
            report.applied = true;
            self.note_created(tx, &report)?;
            let detail = format!(
                "{} added, {} changed, {} skipped",
                report.added, report.changed, report.skipped
            );
            self.note(tx, AuditAction::ImportApplied, &Default::default(), &detail)?;
            Ok(report)
        })
    }
}

/// One stored environment and its apps as the export has them, DPoP and PAR included.
pub(super) fn exported_environment(
    conn: &Connection,
    environment: &Environment,
) -> Result<ExportedEnvironment> {
    let apps = apps::all_in(conn, &environment.id)?;
    let bound = apps::dpop_bound_in(conn, &environment.id)?;
    let pushing = apps::par_in(conn, &environment.id)?;
    let mut exported = ExportedEnvironment::from_stored(environment, &apps);
    for (exported, app) in exported.apps.iter_mut().zip(&apps) {
        exported.dpop = bound.contains(app.id.as_str());
        exported.par = pushing.contains(app.id.as_str());
    }
    Ok(exported)
}

/// Nothing is imported while any item has a problem: the error names the first.
pub(super) fn refuse_problems(report: &ImportReport) -> Result<()> {
    let Some(first) = report.problems.first() else {
        return Ok(());
    };
    let more = report.problems.len() - 1;
    Err(Error::invalid(
        "file",
        format!(
            "Nothing was imported: {}: {}: {}{}",
            first.place,
            first.field,
            first.message,
            match more {
                0 => String::new(),
                1 => " (and 1 more problem)".into(),
                n => format!(" (and {n} more problems)"),
            }
        ),
    ))
}

/// Nothing is imported while it changes a stored production environment the user did not
/// confirm by name: the error names each one left.
/// Refuses an import written only here that changes a shared (team) environment: its set-up
/// lives in the team vault, so rows changed only here would be undone, apps added here
/// removed, by the next follow of the vault. `apply_import_in_setup` sends it to the vault;
/// an import that leaves it exactly as it is passes.
pub(super) fn refuse_shared_changes(conn: &Connection, report: &ImportReport) -> Result<()> {
    for environment in &report.environments {
        let touched = environment.outcome != ImportOutcome::Skipped
            || environment
                .apps
                .iter()
                .any(|app| app.outcome != ImportOutcome::Skipped);
        let Some(stored) = environments::by_name(conn, &environment.name)? else {
            continue;
        };
        if touched && teams::of_environment(conn, &stored.id)?.is_some() {
            return Err(Error::NotConfigured(format!(
                "Nothing was imported: it changes “{}”, an environment shared through a team \
                 vault, whose set-up changes in the vault (`apply_import_in_setup`).",
                stored.name
            )));
        }
    }
    Ok(())
}

pub(super) fn refuse_unconfirmed(report: &ImportReport, confirmed: &[String]) -> Result<()> {
    let unconfirmed: Vec<String> = report
        .production_to_confirm
        .iter()
        .filter(|name| {
            !confirmed
                .iter()
                .any(|c| c.trim().eq_ignore_ascii_case(name))
        })
        .cloned()
        .collect();
    if unconfirmed.is_empty() {
        return Ok(());
    }
    let quoted: Vec<String> = unconfirmed.iter().map(|n| format!("“{n}”")).collect();
    let message = if unconfirmed.len() == 1 {
        format!(
            "Nothing was imported: it changes the production environment {}; confirm it by \
             name to import.",
            quoted[0]
        )
    } else {
        format!(
            "Nothing was imported: it changes the production environments {}; confirm each by \
             name to import.",
            quoted.join(", ")
        )
    };
    Err(Error::ProductionUnconfirmed {
        environments: unconfirmed,
        message,
    })
}

impl Core {
    /// Records what an applied import created or changed, as if each had been done by hand
    /// (a change names its fields, never their values).
    fn note_created(&self, tx: &Connection, report: &ImportReport) -> Result<()> {
        let changed = |changes: &[FieldChange]| {
            let fields: Vec<&str> = changes.iter().map(|c| c.field.as_str()).collect();
            format!("by import: changed {}", fields.join(", "))
        };
        for imported in &report.environments {
            let Some(environment) = environments::by_name(tx, &imported.name)? else {
                continue;
            };
            let id = &environment.id;
            match imported.outcome {
                ImportOutcome::Added => {
                    self.note_environment(tx, AuditAction::EnvironmentCreated, id, "by import")?
                }
                ImportOutcome::Changed => self.note_environment(
                    tx,
                    AuditAction::EnvironmentEdited,
                    id,
                    &changed(&imported.changes),
                )?,
                ImportOutcome::Skipped => {}
            }
            for app in &imported.apps {
                let Some(stored) = apps::by_client_id(tx, id, &app.client_id)? else {
                    continue;
                };
                match app.outcome {
                    ImportOutcome::Added => {
                        self.note_app(tx, AuditAction::AppCreated, &stored.id, "by import")?
                    }
                    ImportOutcome::Changed => self.note_app(
                        tx,
                        AuditAction::AppEdited,
                        &stored.id,
                        &changed(&app.changes),
                    )?,
                    ImportOutcome::Skipped => {}
                }
            }
        }
        Ok(())
    }
}

/// Merges the file into the store as `tx` sees it, writing every item that has no problem.
pub(super) fn merge(tx: &Connection, file: &ExportFile, now: Timestamp) -> Result<ImportReport> {
    let mut report = ImportReport {
        applied: false,
        endpoint_changes: Vec::new(),
        production_to_confirm: Vec::new(),
        environments: Vec::new(),
        problems: Vec::new(),
        added: 0,
        changed: 0,
        skipped: 0,
    };
    let mut names = HashSet::new();
    for (index, imported) in file.environments.iter().enumerate() {
        let input = environment_rules::normalize(&imported.input());
        let place = if input.name.is_empty() {
            format!("environment #{}", index + 1)
        } else {
            format!("environment “{}”", input.name)
        };
        // Names are unique ignoring case as SQLite's NOCASE does it: ASCII only.
        if !input.name.is_empty() && !names.insert(input.name.to_ascii_lowercase()) {
            report.problems.push(ImportProblem {
                place,
                field: "name".into(),
                message: "This environment is listed twice in the file.".into(),
            });
            continue;
        }
        let stored = environments::by_name(tx, &input.name)?;
        let found = environment_problems(tx, stored.as_ref().map(|e| &e.id), &input)?
            .in_form_order(ENVIRONMENT_FIELDS);
        let clean = found.is_empty();
        add_problems(&mut report.problems, &place, found);
        // What the store calls it, and what it is: the file cannot relabel production.
        let (name_here, kind) = match &stored {
            Some(stored) => (stored.name.clone(), stored.kind),
            None => (input.name.clone(), input.kind),
        };
        let Some((environment_id, outcome, changes)) =
            merge_environment(tx, stored, &input, clean, now)?
        else {
            // Without its row its apps cannot be checked; the problems say why.
            report.environments.push(EnvironmentImport {
                name: input.name,
                kind,
                outcome: ImportOutcome::Added,
                changes: Vec::new(),
                apps: Vec::new(),
            });
            continue;
        };
        count(&mut report, outcome);
        let apps = merge_apps(tx, imported, &environment_id, &input.name, now, &mut report)?;
        let endpoints = portable::endpoint_changes(&name_here, &changes);
        if clean && endpoints.iter().any(|change| change.pauses_renewal) {
            // After its apps are merged, so the ones the file adds wait too.
            apps::pause_renewal(tx, &environment_id, now)?;
        }
        report.endpoint_changes.extend(endpoints);
        let changes_here = outcome == ImportOutcome::Changed
            || apps.iter().any(|app| app.outcome == ImportOutcome::Changed);
        if kind == EnvironmentKind::Production && changes_here {
            report.production_to_confirm.push(name_here);
        }
        report.environments.push(EnvironmentImport {
            name: input.name,
            kind,
            outcome,
            changes,
            apps,
        });
    }
    Ok(report)
}

/// Adds or updates one environment's row (when `clean`); None when a new environment has
/// problems and so has no row its apps could go in.
fn merge_environment(
    tx: &Connection,
    stored: Option<Environment>,
    input: &EnvironmentInput,
    clean: bool,
    now: Timestamp,
) -> Result<Option<(EnvironmentId, ImportOutcome, Vec<FieldChange>)>> {
    let Some(stored) = stored else {
        if !clean {
            return Ok(None);
        }
        let environment = Environment {
            id: EnvironmentId::new(),
            name: input.name.clone(),
            kind: input.kind,
            color: input.color.clone(),
            endpoints: input.endpoints.clone(),
            profile: input.profile,
            rotation_days: input.rotation_days,
            app_count: 0,
            created_at: now,
            updated_at: now,
        };
        environments::save(tx, &environment)?;
        let mut current = settings::load(tx)?;
        if current.active_environment_id.is_none() {
            current.active_environment_id = Some(environment.id.clone());
            settings::save(tx, &current)?;
        }
        return Ok(Some((environment.id, ImportOutcome::Added, Vec::new())));
    };
    let changes = portable::environment_changes(&stored, input);
    if changes.is_empty() {
        return Ok(Some((stored.id, ImportOutcome::Skipped, changes)));
    }
    let id = stored.id.clone();
    if clean {
        environments::save(
            tx,
            &Environment {
                kind: input.kind,
                color: input.color.clone(),
                endpoints: input.endpoints.clone(),
                profile: input.profile,
                rotation_days: input.rotation_days,
                updated_at: now,
                ..stored
            },
        )?;
    }
    Ok(Some((id, ImportOutcome::Changed, changes)))
}

/// Merges one environment's apps by client ID.
fn merge_apps(
    tx: &Connection,
    imported: &ExportedEnvironment,
    environment_id: &EnvironmentId,
    environment_name: &str,
    now: Timestamp,
    report: &mut ImportReport,
) -> Result<Vec<AppImport>> {
    let mut client_ids = HashSet::new();
    let mut merged = Vec::new();
    for (index, app) in imported.apps.iter().enumerate() {
        let input = app_rules::normalize(&app.input(environment_id));
        let name = if input.display_name.is_empty() {
            format!("#{}", index + 1)
        } else {
            format!("“{}”", input.display_name)
        };
        let place = format!("app {name} ({}) in “{environment_name}”", input.client_id);
        if !input.client_id.is_empty() && !client_ids.insert(input.client_id.clone()) {
            report.problems.push(ImportProblem {
                place,
                field: "client_id".into(),
                message: "This client ID is listed twice in this environment in the file.".into(),
            });
            continue;
        }
        let stored = apps::by_client_id(tx, environment_id, &input.client_id)?;
        let found =
            app_problems(tx, stored.as_ref().map(|a| &a.id), &input)?.in_form_order(APP_FIELDS);
        let clean = found.is_empty();
        add_problems(&mut report.problems, &place, found);
        let active_secrets = match &stored {
            Some(stored) => secrets::active_count(tx, &stored.id)?,
            None => 0,
        };
        let (outcome, changes) = match stored {
            None => {
                if clean {
                    let id = AppId::new();
                    apps::save(tx, &from_input(id.clone(), input.clone(), true, now, now))?;
                    // A new row is not DPoP-bound (the column's default): one statement
                    // fewer per app, which was 16 % of importing 10,000 apps.
                    if app.dpop {
                        apps::set_dpop(tx, &id, true)?;
                    }
                    if app.par {
                        apps::set_par(tx, &id, true)?;
                    }
                }
                (ImportOutcome::Added, Vec::new())
            }
            Some(stored) => {
                let mut changes = portable::app_changes(&stored, &input);
                let dpop = apps::dpop_of(tx, &stored.id)?.0;
                if dpop != app.dpop {
                    changes.push(FieldChange {
                        field: "dpop".into(),
                        before: dpop.to_string(),
                        after: app.dpop.to_string(),
                    });
                    if clean {
                        apps::set_dpop(tx, &stored.id, app.dpop)?;
                    }
                }
                let par = apps::par_of(tx, &stored.id)?;
                if par != app.par {
                    changes.push(FieldChange {
                        field: "par".into(),
                        before: par.to_string(),
                        after: app.par.to_string(),
                    });
                    if clean {
                        apps::set_par(tx, &stored.id, app.par)?;
                    }
                }
                if changes.is_empty() {
                    (ImportOutcome::Skipped, changes)
                } else {
                    if clean {
                        let updated = from_input(
                            stored.id,
                            input.clone(),
                            stored.auto_renew,
                            stored.created_at,
                            now,
                        );
                        apps::save(tx, &updated)?;
                    }
                    (ImportOutcome::Changed, changes)
                }
            }
        };
        count(report, outcome);
        merged.push(AppImport {
            // a private_key_jwt app signs with a key, never sends a secret
            needs_secret: input.client_type == ClientType::Confidential
                && input.auth_method != AuthMethod::PrivateKeyJwt
                && !input.auth_method.uses_certificate()
                && active_secrets == 0,
            display_name: input.display_name,
            client_id: input.client_id,
            outcome,
            changes,
        });
    }
    Ok(merged)
}

fn add_problems(problems: &mut Vec<ImportProblem>, place: &str, found: Vec<FieldError>) {
    problems.extend(found.into_iter().map(|problem| ImportProblem {
        place: place.to_owned(),
        field: problem.field,
        message: problem.message,
    }));
}

fn count(report: &mut ImportReport, outcome: ImportOutcome) {
    match outcome {
        ImportOutcome::Added => report.added += 1,
        ImportOutcome::Changed => report.changed += 1,
        ImportOutcome::Skipped => report.skipped += 1,
    }
}

#[cfg(test)]
mod tests;

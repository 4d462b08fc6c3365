//! Environments and the user's settings (which include the active environment).

use super::{Core, app_accounts};
use crate::audit::AuditAction;
use crate::error::{Error, Result};
use crate::model::*;
use crate::store::intents::{self, Intent, IntentAction};
use crate::store::{apps, audit, environments, settings};
use crate::validate::{self, FieldError, Problems};

fn trimmed(value: &Option<String>) -> Option<String> {
    value
        .as_deref()
        .map(str::trim)
        .filter(|v| !v.is_empty())
        .map(str::to_owned)
}

/// The input as it will be stored: trimmed, blank optional URLs dropped.
pub(super) fn normalize(input: &EnvironmentInput) -> EnvironmentInput {
    let e = &input.endpoints;
    EnvironmentInput {
        name: input.name.trim().to_owned(),
        kind: input.kind,
        color: input.color.trim().to_ascii_lowercase(),
        endpoints: Endpoints {
            issuer_url: trimmed(&e.issuer_url),
            authorization_url: trimmed(&e.authorization_url),
            token_url: trimmed(&e.token_url),
            token_info_url: trimmed(&e.token_info_url),
            introspection_url: trimmed(&e.introspection_url),
            revocation_url: trimmed(&e.revocation_url),
            api_base_url: trimmed(&e.api_base_url),
            device_authorization_url: trimmed(&e.device_authorization_url),
        },
        profile: input.profile,
        rotation_days: input.rotation_days,
    }
}

impl Core {
    /// All environments, by name.
    pub fn environments(&self) -> Result<Vec<Environment>> {
        environments::list(&self.store()?.conn)
    }

    /// One environment.
    pub fn environment(&self, id: &EnvironmentId) -> Result<Environment> {
        environments::get(&self.store()?.conn, id)?.ok_or_else(environment_gone)
    }

    /// Field errors of an environment input (`id` is the one being edited, if any).
    pub fn validate_environment(
        &self,
        id: Option<&EnvironmentId>,
        input: &EnvironmentInput,
    ) -> Result<Vec<FieldError>> {
        Ok(self
            .environment_problems(id, input)?
            .in_form_order(validate::ENVIRONMENT_FIELDS))
    }

    fn environment_problems(
        &self,
        id: Option<&EnvironmentId>,
        input: &EnvironmentInput,
    ) -> Result<Problems> {
        environment_problems(&self.store()?.conn, id, input)
    }

    pub(super) fn checked_environment(
        &self,
        id: Option<&EnvironmentId>,
        input: &EnvironmentInput,
    ) -> Result<EnvironmentInput> {
        self.environment_problems(id, input)?
            .refuse(validate::ENVIRONMENT_FIELDS)?;
        Ok(normalize(input))
    }

    /// Creates an environment; the first one becomes the active one.
    pub fn create_environment(&self, input: EnvironmentInput) -> Result<Environment> {
        let input = self.checked_environment(None, &input)?;
        let now = self.now();
        let environment = Environment {
            id: EnvironmentId::new(),
            name: input.name,
            kind: input.kind,
            color: input.color,
            endpoints: input.endpoints,
            profile: input.profile,
            rotation_days: input.rotation_days,
            app_count: 0,
            created_at: now,
            updated_at: now,
        };
        self.store()?.write(|tx| {
            environments::save(tx, &environment)?;
            let mut current = settings::load(tx)?;
            if current.active_environment_id.is_none() {
                current.active_environment_id = Some(environment.id.clone());
                settings::save(tx, &current)?;
            }
            self.note_environment(tx, AuditAction::EnvironmentCreated, &environment.id, "")
        })?;
        Ok(environment)
    }

    /// Replaces an environment's fields.
    pub fn update_environment(
        &self,
        id: &EnvironmentId,
        input: EnvironmentInput,
    ) -> Result<Environment> {
        self.refuse_shared(id)?;
        let existing = self.environment(id)?;
        let input = self.checked_environment(Some(id), &input)?;
        let detail = edit_detail(&existing, &input);
        let environment = Environment {
            name: input.name,
            kind: input.kind,
            color: input.color,
            endpoints: input.endpoints,
            profile: input.profile,
            rotation_days: input.rotation_days,
            updated_at: self.now(),
            ..existing
        };
        self.store()?.write(|tx| {
            environments::save(tx, &environment)?;
            match &detail {
                Some(detail) => {
                    self.note_environment(tx, AuditAction::EnvironmentEdited, id, detail)
                }
                None => Ok(()),
            }
        })?;
        Ok(environment)
    }

    /// Deletes an environment; one that holds apps only when `with_apps`, and then its apps
    /// and their keychain entries too.
    pub fn delete_environment(
        &self,
        id: &EnvironmentId,
        with_apps: bool,
    ) -> Result<EnvironmentDeleted> {
        let environment = self.environment(id)?;
        if environment.app_count > 0 && !with_apps {
            return Err(Error::EnvironmentNotEmpty(format!(
                "“{}” still holds {} app{}. Delete them first, or confirm that they and their \
                 secrets go too.",
                environment.name,
                environment.app_count,
                plural(environment.app_count)
            )));
        }
        let now = self.now();
        // named as they were: the entries are written once they are gone
        let (gone, gone_apps) = {
            let conn = &self.store()?.conn;
            let apps = apps::ids_in(conn, id)?
                .iter()
                .map(|app| audit::app_subject(conn, app))
                .collect::<Result<Vec<_>>>()?;
            (audit::environment_subject(conn, id)?, apps)
        };
        let (planned, apps_removed) = self.store()?.write(|tx| {
            let mut planned = Vec::new();
            let app_ids = apps::ids_in(tx, id)?;
            for app in &app_ids {
                for account in app_accounts(tx, app)? {
                    let intent = Intent {
                        account,
                        action: IntentAction::Delete,
                        app_id: Some(app.clone()),
                        environment_id: Some(id.clone()),
                    };
                    intents::record(tx, &intent, now)?;
                    planned.push(intent);
                }
            }
            if planned.is_empty() {
                environments::delete(tx, id)?;
                move_active_away(tx, id)?;
            }
            Ok((planned, app_ids.len() as u32))
        })?;
        let removed = self.remove_entries(&planned)?;
        self.store()?.write(|tx| {
            intents::finish_all(tx, &planned)?;
            for app in &gone_apps {
                self.note(tx, AuditAction::AppDeleted, app, "with its environment")?;
            }
            let detail = match apps_removed {
                0 => String::new(),
                n => format!("with {n} app{}", plural(n)),
            };
            self.note(tx, AuditAction::EnvironmentDeleted, &gone, &detail)?;
            move_active_away(tx, id)
        })?;
        Ok(EnvironmentDeleted {
            apps_removed,
            keychain_entries_removed: removed,
        })
    }

    /// The user's settings; the active environment is always one that exists (or none).
    pub fn settings(&self) -> Result<Settings> {
        let store = self.store()?;
        let mut current = settings::load(&store.conn)?;
        let valid = match &current.active_environment_id {
            Some(id) => environments::get(&store.conn, id)?.is_some(),
            None => false,
        };
        if !valid {
            current.active_environment_id = environments::list(&store.conn)?
                .into_iter()
                .next()
                .map(|e| e.id);
        }
        Ok(current)
    }

    /// Whether the user is yet to be told that closing the window keeps the desktop app in the
    /// tray: true once per data folder, the first time it is asked.
    pub fn first_close_to_tray(&self) -> Result<bool> {
        self.store()?
            .write(|tx| settings::first_time(tx, "told_close_to_tray"))
    }

    /// Whether the desktop's notification about `subject` (its kind and what it is about) is
    /// due now: never told, or told `every_seconds` or more ago (`None`: once only). Recorded
    /// in the store when due, so the rule holds across restarts of the app.
    pub fn notice_due(&self, subject: &str, every_seconds: Option<i64>) -> Result<bool> {
        let now = self.now().unix();
        self.store()?
            .write(|tx| settings::notice_due(tx, subject, now, every_seconds))
    }

    /// Saves the user's settings.
    pub fn update_settings(&self, new: Settings) -> Result<Settings> {
        validate::settings(&new).refuse(&[])?;
        if let Some(id) = &new.active_environment_id {
            self.environment(id)?;
        }
        let before = self.settings()?.active_environment_id;
        self.store()?.write(|tx| {
            settings::save(tx, &new)?;
            match &new.active_environment_id {
                Some(id) if before.as_ref() != Some(id) => {
                    let from = match &before {
                        Some(old) => audit::environment_subject(tx, old)?
                            .environment
                            .map(|(_, name)| format!("from “{name}”"))
                            .unwrap_or_default(),
                        None => String::new(),
                    };
                    self.note_environment(tx, AuditAction::EnvironmentSwitched, id, &from)
                }
                _ => Ok(()),
            }
        })?;
        self.settings()
    }

    /// Makes `id` the active environment.
    pub fn set_active_environment(&self, id: &EnvironmentId) -> Result<Settings> {
        self.environment(id)?;
        let current = self.settings()?;
        self.update_settings(Settings {
            active_environment_id: Some(id.clone()),
            ..current
        })
    }
}

/// Every problem of an environment input, the store's uniqueness rule included, as `conn`
/// sees it (the import checks inside its own transaction).
pub(super) fn environment_problems(
    conn: &rusqlite::Connection,
    id: Option<&EnvironmentId>,
    input: &EnvironmentInput,
) -> Result<Problems> {
    let input = normalize(input);
    let mut problems = validate::environment(&input);
    if !input.name.is_empty() && environments::name_taken(conn, &input.name, id)? {
        problems.clash(
            "name",
            format!("An environment named “{}” already exists.", input.name),
        );
    }
    Ok(problems)
}

fn move_active_away(tx: &rusqlite::Connection, gone: &EnvironmentId) -> Result<()> {
    let mut current = settings::load(tx)?;
    if current.active_environment_id.as_ref() == Some(gone) {
        current.active_environment_id = environments::list(tx)?
            .into_iter()
            .find(|e| &e.id != gone)
            .map(|e| e.id);
        settings::save(tx, &current)?;
    }
    Ok(())
}

pub(super) fn plural(count: u32) -> &'static str {
    if count == 1 { "" } else { "s" }
}

pub(super) fn environment_gone() -> Error {
    Error::NotFound("That environment no longer exists.".into())
}

/// What an edit changed, for the audit log: the fields by the forms' names (a rename also says
/// the name before), or None when nothing changed.
fn edit_detail(stored: &Environment, edited: &EnvironmentInput) -> Option<String> {
    let mut fields = Vec::new();
    if stored.name != edited.name {
        fields.push(format!("name (was “{}”)", stored.name));
    }
    fields.extend(
        crate::portable::environment_changes(stored, edited)
            .into_iter()
            .map(|change| change.field),
    );
    (!fields.is_empty()).then(|| format!("changed {}", fields.join(", ")))
}

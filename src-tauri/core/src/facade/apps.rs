//! Client apps.

use super::environments::{environment_gone, plural};
use super::{Core, app_accounts};
use crate::audit::AuditAction;
use crate::error::{Error, Result};
use crate::model::*;
use crate::store::intents::{self, Intent, IntentAction};
use crate::store::{apps, audit, environments, secrets};
use crate::validate::{self, FieldError, Problems};

fn clean_list(values: &[String]) -> Vec<String> {
    values
        .iter()
        .map(|v| v.trim().to_owned())
        .filter(|v| !v.is_empty())
        .collect()
}

/// The input as it will be stored: trimmed, blank list entries and optional fields dropped.
pub(super) fn normalize(input: &ClientAppInput) -> ClientAppInput {
    let optional = |value: &Option<String>| {
        value
            .as_deref()
            .map(str::trim)
            .filter(|v| !v.is_empty())
            .map(str::to_owned)
    };
    ClientAppInput {
        environment_id: input.environment_id.clone(),
        display_name: input.display_name.trim().to_owned(),
        client_id: input.client_id.trim().to_owned(),
        client_type: input.client_type,
        auth_method: input.auth_method,
        description: input.description.trim().to_owned(),
        logo_uri: optional(&input.logo_uri),
        redirect_uris: clean_list(&input.redirect_uris),
        logout_urls: clean_list(&input.logout_urls),
        web_origins: clean_list(&input.web_origins),
        // "read write" typed in one box means two scopes
        default_scopes: input
            .default_scopes
            .iter()
            .flat_map(|s| s.split_whitespace())
            .map(str::to_owned)
            .collect(),
        labels: clean_list(&input.labels),
        link: optional(&input.link),
        audience: optional(&input.audience),
        resource: optional(&input.resource),
    }
}

/// Whole days from `since` to `now`, never negative.
pub(super) fn days_between(since: i64, now: i64) -> u32 {
    u32::try_from((now - since).max(0) / 86_400).unwrap_or(u32::MAX)
}

impl Core {
    /// The apps of an environment, by display name.
    pub fn apps(&self, environment: &EnvironmentId) -> Result<Vec<AppSummary>> {
        self.summaries(environment, apps::list)
    }

    /// The apps of an environment whose ID or client ID is `text`, or whose display name or
    /// link is `text` ignoring ASCII case, without reading the others (a command naming an app).
    pub fn apps_named(&self, environment: &EnvironmentId, text: &str) -> Result<Vec<AppSummary>> {
        self.summaries(environment, |conn, environment| {
            apps::named(conn, environment, text)
        })
    }

    /// App list rows of `environment` as `read` finds them, with their rotation badge.
    fn summaries(
        &self,
        environment: &EnvironmentId,
        read: impl FnOnce(&rusqlite::Connection, &EnvironmentId) -> Result<Vec<apps::SummaryRow>>,
    ) -> Result<Vec<AppSummary>> {
        let store = self.store()?;
        let policy = environments::rotation_days_of(&store.conn, environment)?
            .ok_or_else(environment_gone)?;
        let now = self.now().unix();
        Ok(read(&store.conn, environment)?
            .into_iter()
            .map(|row| AppSummary {
                rotation_due: row
                    .oldest_active_secret
                    .is_some_and(|since| days_between(since, now) >= policy),
                ..row.summary
            })
            .collect())
    }

    /// One app.
    pub fn app(&self, id: &AppId) -> Result<ClientApp> {
        apps::get(&self.store()?.conn, id)?.ok_or_else(app_gone)
    }

    /// The apps of other environments sharing this app's link name.
    pub fn linked_apps(&self, id: &AppId) -> Result<Vec<LinkedApp>> {
        let app = self.app(id)?;
        apps::linked(&self.store()?.conn, &app)
    }

    /// Field errors of an app input (`id` is the one being edited, if any).
    pub fn validate_app(
        &self,
        id: Option<&AppId>,
        input: &ClientAppInput,
    ) -> Result<Vec<FieldError>> {
        Ok(self
            .app_problems(id, input)?
            .in_form_order(validate::APP_FIELDS))
    }

    fn app_problems(&self, id: Option<&AppId>, input: &ClientAppInput) -> Result<Problems> {
        app_problems(&self.store()?.conn, id, input)
    }

    pub(super) fn checked_app(
        &self,
        id: Option<&AppId>,
        input: &ClientAppInput,
    ) -> Result<ClientAppInput> {
        self.app_problems(id, input)?.refuse(validate::APP_FIELDS)?;
        Ok(normalize(input))
    }

    /// Creates an app.
    pub fn create_app(&self, input: ClientAppInput) -> Result<ClientApp> {
        self.refuse_shared(&input.environment_id)?;
        let input = self.checked_app(None, &input)?;
        let now = self.now();
        let app = from_input(AppId::new(), input, true, now, now);
        self.store()?.write(|tx| {
            apps::save(tx, &app)?;
            self.note_app(tx, AuditAction::AppCreated, &app.id, "")
        })?;
        Ok(app)
    }

    /// Replaces an app's fields (it may move to another environment).
    pub fn update_app(&self, id: &AppId, input: ClientAppInput) -> Result<ClientApp> {
        let existing = self.app(id)?;
        self.refuse_shared(&existing.environment_id)?;
        self.refuse_shared(&input.environment_id)?;
        let input = self.checked_app(Some(id), &input)?;
        let detail = edit_detail(&existing, &input, |id| self.environment_name(id));
        let app = from_input(
            existing.id,
            input,
            existing.auto_renew,
            existing.created_at,
            self.now(),
        );
        self.store()?.write(|tx| {
            apps::save(tx, &app)?;
            match &detail {
                Some(detail) => self.note_app(tx, AuditAction::AppEdited, &app.id, detail),
                None => Ok(()),
            }
        })?;
        Ok(app)
    }

    /// An environment's name for an audit detail, or its ID when it is gone.
    fn environment_name(&self, id: &EnvironmentId) -> String {
        self.environment(id)
            .map_or_else(|_| id.to_string(), |environment| environment.name)
    }

    /// Deletes an app and its keychain entries. Tokens the provider already issued stay valid;
    /// the caller says so to the user.
    pub fn delete_app(&self, id: &AppId) -> Result<AppDeleted> {
        self.refuse_shared(&self.app(id)?.environment_id)?;
        self.delete_app_here(id)
    }

    /// Deletes an app and its keychain entries here, whatever environment holds it.
    pub(super) fn delete_app_here(&self, id: &AppId) -> Result<AppDeleted> {
        self.app(id)?;
        let now = self.now();
        // named as it was: the entry is written once the app is gone
        let subject = audit::app_subject(&self.store()?.conn, id)?;
        let planned = self.store()?.write(|tx| {
            let planned: Vec<Intent> = app_accounts(tx, id)?
                .into_iter()
                .map(|account| Intent {
                    account,
                    action: IntentAction::Delete,
                    app_id: Some(id.clone()),
                    environment_id: None,
                })
                .collect();
            intents::record_all(tx, &planned, now)?;
            if planned.is_empty() {
                apps::delete(tx, id)?;
            }
            Ok(planned)
        })?;
        let removed = self.remove_entries(&planned)?;
        self.store()?.write(|tx| {
            intents::finish_all(tx, &planned)?;
            self.note(tx, AuditAction::AppDeleted, &subject, "")
        })?;
        Ok(AppDeleted {
            keychain_entries_removed: removed,
        })
    }
}

/// Every problem of an app input, the store's rules included, as `conn` sees it (the import
/// checks inside its own transaction).
pub(super) fn app_problems(
    conn: &rusqlite::Connection,
    id: Option<&AppId>,
    input: &ClientAppInput,
) -> Result<Problems> {
    let input = normalize(input);
    let mut problems = validate::app(&input);
    let environment = &input.environment_id;
    let Some(environment_name) = environments::name_of(conn, environment)? else {
        problems.add("environment_id", "Choose an environment that exists.");
        return Ok(problems);
    };
    if !input.display_name.is_empty()
        && apps::name_taken(conn, environment, &input.display_name, id)?
    {
        problems.clash(
            "display_name",
            format!(
                "“{environment_name}” already has an app named “{}”.",
                input.display_name
            ),
        );
    }
    if !input.client_id.is_empty()
        && apps::client_id_taken(conn, environment, &input.client_id, id)?
    {
        problems.clash(
            "client_id",
            format!("Another app in “{environment_name}” already uses this client ID."),
        );
    }
    if let Some(id) = id
        && input.client_type == ClientType::Public
    {
        let count = secrets::ids_of(conn, id)?.len() as u32;
        if count > 0 {
            problems.add(
                "client_type",
                format!(
                    "This app still holds {count} secret{}; delete them before making it \
                     a public client.",
                    plural(count)
                ),
            );
        }
    }
    Ok(problems)
}

/// What an edit changed, for the audit log: the fields by the forms' names (a rename and a
/// move also say what it was before: names are never secrets), or None when nothing changed.
fn edit_detail(
    stored: &ClientApp,
    edited: &ClientAppInput,
    environment_name: impl Fn(&EnvironmentId) -> String,
) -> Option<String> {
    let mut fields = Vec::new();
    if stored.environment_id != edited.environment_id {
        fields.push(format!(
            "moved from “{}”",
            environment_name(&stored.environment_id)
        ));
    }
    if stored.client_id != edited.client_id {
        fields.push("client_id".to_owned());
    }
    for change in crate::portable::app_changes(stored, edited) {
        if change.field == "display_name" {
            fields.push(format!("display_name (was “{}”)", change.before));
        } else {
            fields.push(change.field);
        }
    }
    (!fields.is_empty()).then(|| format!("changed {}", fields.join(", ")))
}

pub(super) fn from_input(
    id: AppId,
    input: ClientAppInput,
    auto_renew: bool,
    created_at: Timestamp,
    updated_at: Timestamp,
) -> ClientApp {
    ClientApp {
        id,
        environment_id: input.environment_id,
        display_name: input.display_name,
        client_id: input.client_id,
        client_type: input.client_type,
        auth_method: input.auth_method,
        description: input.description,
        logo_uri: input.logo_uri,
        redirect_uris: input.redirect_uris,
        logout_urls: input.logout_urls,
        web_origins: input.web_origins,
        default_scopes: input.default_scopes,
        labels: input.labels,
        link: input.link,
        audience: input.audience,
        resource: input.resource,
        auto_renew,
        created_at,
        updated_at,
    }
}

pub(super) fn app_gone() -> Error {
    Error::NotFound("That app no longer exists.".into())
}

//! The audit log's rows: appended, read, never changed (the table's triggers refuse it).

use super::{enum_at, store_error, time_at};
use crate::audit::{Actor, AuditAction, AuditEntry, AuditQuery};
use crate::error::Result;
use crate::model::{AppId, EnvironmentId, Timestamp};
use rusqlite::{Connection, Row, params};

/// What an entry names: the app and environment, as they are called now.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Subject {
    pub environment: Option<(EnvironmentId, String)>,
    pub app: Option<(AppId, String)>,
}

/// Appends one entry.
pub fn append(
    conn: &Connection,
    at: Timestamp,
    actor: Actor,
    action: AuditAction,
    subject: &Subject,
    detail: &str,
) -> Result<()> {
    conn.prepare_cached(
        "INSERT INTO audit_log (at, actor, action, environment_id, environment_name, app_id, \
         app_name, detail) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
    )
    .and_then(|mut statement| {
        statement.execute(params![
            at.unix(),
            actor.as_str(),
            action.as_str(),
            subject.environment.as_ref().map(|(id, _)| id.as_str()),
            subject.environment.as_ref().map(|(_, name)| name),
            subject.app.as_ref().map(|(id, _)| id.as_str()),
            subject.app.as_ref().map(|(_, name)| name),
            detail,
        ])
    })
    .map_err(store_error)?;
    Ok(())
}

/// The app and its environment as `conn` sees them now (empty when the app is gone).
pub fn app_subject(conn: &Connection, app: &AppId) -> Result<Subject> {
    let mut statement = conn
        .prepare_cached(
            "SELECT a.display_name, e.id, e.name FROM apps a \
             JOIN environments e ON e.id = a.environment_id WHERE a.id = ?1",
        )
        .map_err(store_error)?;
    let found = super::optional(statement.query_row([app.as_str()], |row| {
        Ok(Subject {
            app: Some((app.clone(), row.get(0)?)),
            environment: Some((EnvironmentId(row.get(1)?), row.get(2)?)),
        })
    }))?;
    Ok(found.unwrap_or_default())
}

/// The environment as `conn` sees it now (empty when it is gone).
pub fn environment_subject(conn: &Connection, environment: &EnvironmentId) -> Result<Subject> {
    let name: Option<String> = super::optional(conn.query_row(
        "SELECT name FROM environments WHERE id = ?1",
        [environment.as_str()],
        |row| row.get(0),
    ))?;
    Ok(Subject {
        environment: name.map(|name| (environment.clone(), name)),
        app: None,
    })
}

fn from_row(row: &Row<'_>) -> rusqlite::Result<AuditEntry> {
    Ok(AuditEntry {
        id: row.get("id")?,
        at: time_at(row, "at")?,
        actor: enum_at(row, "actor", Actor::parse)?,
        action: enum_at(row, "action", AuditAction::parse)?,
        environment_id: row
            .get::<_, Option<String>>("environment_id")?
            .map(EnvironmentId),
        environment_name: row.get("environment_name")?,
        app_id: row.get::<_, Option<String>>("app_id")?.map(AppId),
        app_name: row.get("app_name")?,
        detail: row.get("detail")?,
    })
}

/// The entries `query` asks for, newest first.
pub fn list(conn: &Connection, query: &AuditQuery) -> Result<Vec<AuditEntry>> {
    let mut statement = conn
        .prepare_cached(
            "SELECT * FROM audit_log \
             WHERE (?1 IS NULL OR app_id = ?1 OR app_name = ?1 COLLATE NOCASE) \
             AND (?2 IS NULL OR at >= ?2) \
             ORDER BY id DESC LIMIT ?3",
        )
        .map_err(store_error)?;
    let limit = query.limit.map_or(-1, i64::from);
    let rows = statement
        .query_map(
            params![query.app.as_deref(), query.since.map(|t| t.unix()), limit],
            from_row,
        )
        .map_err(store_error)?;
    rows.collect::<rusqlite::Result<_>>().map_err(store_error)
}

//! Connectors' and remote apps' rows.

use super::{enum_at, optional, store_error, time_at};
use crate::error::Result;
use crate::model::*;
use rusqlite::{Connection, Row, params};

fn connector_from(row: &Row<'_>) -> rusqlite::Result<Connector> {
    Ok(Connector {
        environment_id: EnvironmentId(row.get("environment_id")?),
        kind: enum_at(row, "kind", ConnectorKind::parse)?,
        base_url: row.get("base_url")?,
        auth_app_id: row.get::<_, Option<String>>("auth_app_id")?.map(AppId),
    })
}

fn link_from(row: &Row<'_>) -> rusqlite::Result<RemoteLink> {
    Ok(RemoteLink {
        app_id: AppId(row.get("app_id")?),
        kind: enum_at(row, "kind", ConnectorKind::parse)?,
        remote_id: row.get("remote_id")?,
        created_by: row.get("created_by")?,
        updated_by: row.get("updated_by")?,
        create_time: row.get("create_time")?,
        update_time: row.get("update_time")?,
        synced_at: time_at(row, "synced_at")?,
    })
}

/// An environment's connector.
pub fn of_environment(conn: &Connection, environment: &EnvironmentId) -> Result<Option<Connector>> {
    optional(conn.query_row(
        "SELECT * FROM connectors WHERE environment_id = ?1",
        [environment.as_str()],
        connector_from,
    ))
}

/// Sets (or with None removes) an environment's connector.
pub fn save(
    conn: &Connection,
    environment: &EnvironmentId,
    connector: Option<&Connector>,
    at: Timestamp,
) -> Result<()> {
    conn.execute(
        "DELETE FROM connectors WHERE environment_id = ?1",
        [environment.as_str()],
    )
    .map_err(store_error)?;
    if let Some(c) = connector {
        conn.execute(
            "INSERT INTO connectors (environment_id, kind, base_url, auth_app_id, updated_at) \
             VALUES (?1, ?2, ?3, ?4, ?5)",
            params![
                environment.as_str(),
                c.kind.as_str(),
                c.base_url,
                c.auth_app_id.as_ref().map(AppId::as_str),
                at.unix()
            ],
        )
        .map_err(store_error)?;
    }
    Ok(())
}

/// An app's remote identity.
pub fn link_of(conn: &Connection, app: &AppId) -> Result<Option<RemoteLink>> {
    optional(conn.query_row(
        "SELECT * FROM remote_apps WHERE app_id = ?1",
        [app.as_str()],
        link_from,
    ))
}

/// The local app linked to a remote one.
pub fn app_of(conn: &Connection, kind: ConnectorKind, remote_id: &str) -> Result<Option<AppId>> {
    optional(conn.query_row(
        "SELECT app_id FROM remote_apps WHERE kind = ?1 AND remote_id = ?2",
        params![kind.as_str(), remote_id],
        |row| Ok(AppId(row.get(0)?)),
    ))
}

/// Links (or re-links) an app to its remote identity.
pub fn save_link(conn: &Connection, link: &RemoteLink) -> Result<()> {
    conn.execute(
        "INSERT INTO remote_apps (app_id, kind, remote_id, created_by, updated_by, create_time, \
         update_time, synced_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8) \
         ON CONFLICT (app_id) DO UPDATE SET kind = ?2, remote_id = ?3, created_by = ?4, \
         updated_by = ?5, create_time = ?6, update_time = ?7, synced_at = ?8",
        params![
            link.app_id.as_str(),
            link.kind.as_str(),
            link.remote_id,
            link.created_by,
            link.updated_by,
            link.create_time,
            link.update_time,
            link.synced_at.unix()
        ],
    )
    .map_err(store_error)?;
    Ok(())
}

/// Every app whose registration access token the keychain holds (`registration:<app id>`).
pub fn registered_apps(conn: &Connection) -> Result<Vec<AppId>> {
    let mut statement = conn
        .prepare_cached("SELECT app_id FROM remote_apps WHERE kind = 'registration'")
        .map_err(store_error)?;
    let rows = statement
        .query_map([], |row| Ok(AppId(row.get(0)?)))
        .map_err(store_error)?;
    rows.collect::<rusqlite::Result<_>>().map_err(store_error)
}

//! Environments' rows.

use super::{enum_at, optional, store_error, time_at};
use crate::error::Result;
use crate::model::{Endpoints, Environment, EnvironmentId, EnvironmentKind, ProviderProfile};
use rusqlite::{Connection, Row, params};

/// `app_count` is kept by triggers (schema 13), so reading an environment scans no apps.
const SELECT: &str = "SELECT e.* FROM environments e";

fn from_row(row: &Row<'_>) -> rusqlite::Result<Environment> {
    Ok(Environment {
        id: EnvironmentId(row.get("id")?),
        name: row.get("name")?,
        kind: enum_at(row, "kind", EnvironmentKind::parse)?,
        color: row.get("color")?,
        endpoints: Endpoints {
            issuer_url: row.get("issuer_url")?,
            authorization_url: row.get("authorization_url")?,
            token_url: row.get("token_url")?,
            token_info_url: row.get("token_info_url")?,
            introspection_url: row.get("introspection_url")?,
            revocation_url: row.get("revocation_url")?,
            api_base_url: row.get("api_base_url")?,
            device_authorization_url: row.get("device_authorization_url")?,
        },
        profile: enum_at(row, "profile", ProviderProfile::parse)?,
        rotation_days: row.get("rotation_days")?,
        app_count: row.get("app_count")?,
        created_at: time_at(row, "created_at")?,
        updated_at: time_at(row, "updated_at")?,
    })
}

/// All environments, by name.
pub fn list(conn: &Connection) -> Result<Vec<Environment>> {
    let mut statement = conn
        .prepare_cached(&format!("{SELECT} ORDER BY e.name COLLATE NOCASE"))
        .map_err(store_error)?;
    let rows = statement.query_map([], from_row).map_err(store_error)?;
    rows.collect::<rusqlite::Result<_>>().map_err(store_error)
}

/// One environment.
pub fn get(conn: &Connection, id: &EnvironmentId) -> Result<Option<Environment>> {
    optional(conn.query_row(
        &format!("{SELECT} WHERE e.id = ?1"),
        [id.as_str()],
        from_row,
    ))
}

/// One environment's name, without counting its apps (checked for every app an import
/// merges: counting them each time made importing 10,000 apps quadratic).
pub fn name_of(conn: &Connection, id: &EnvironmentId) -> Result<Option<String>> {
    let mut statement = conn
        .prepare_cached("SELECT name FROM environments WHERE id = ?1")
        .map_err(store_error)?;
    optional(statement.query_row([id.as_str()], |row| row.get(0)))
}

/// One environment's secret rotation policy in days, without counting its apps.
pub fn rotation_days_of(conn: &Connection, id: &EnvironmentId) -> Result<Option<u32>> {
    let mut statement = conn
        .prepare_cached("SELECT rotation_days FROM environments WHERE id = ?1")
        .map_err(store_error)?;
    optional(statement.query_row([id.as_str()], |row| row.get(0)))
}

/// The environment with this name, ignoring case (names are unique that way).
pub fn by_name(conn: &Connection, name: &str) -> Result<Option<Environment>> {
    optional(conn.query_row(
        &format!("{SELECT} WHERE e.name = ?1 COLLATE NOCASE"),
        [name],
        from_row,
    ))
}

/// Whether another environment already has this name (case-insensitively).
pub fn name_taken(conn: &Connection, name: &str, except: Option<&EnvironmentId>) -> Result<bool> {
    conn.query_row(
        "SELECT EXISTS (SELECT 1 FROM environments WHERE name = ?1 COLLATE NOCASE \
         AND id IS NOT ?2)",
        params![name, except.map(EnvironmentId::as_str)],
        |row| row.get(0),
    )
    .map_err(store_error)
}

/// Inserts or replaces an environment's row.
pub fn save(conn: &Connection, environment: &Environment) -> Result<()> {
    let e = environment;
    let p = &e.endpoints;
    conn.execute(
        "INSERT INTO environments (id, name, kind, color, issuer_url, authorization_url, \
         token_url, token_info_url, introspection_url, revocation_url, api_base_url, \
         rotation_days, created_at, updated_at, device_authorization_url, profile) \
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16) \
         ON CONFLICT (id) DO UPDATE SET name = ?2, kind = ?3, color = ?4, issuer_url = ?5, \
         authorization_url = ?6, token_url = ?7, token_info_url = ?8, introspection_url = ?9, \
         revocation_url = ?10, api_base_url = ?11, rotation_days = ?12, updated_at = ?14, \
         device_authorization_url = ?15, profile = ?16",
        params![
            e.id.as_str(),
            e.name,
            e.kind.as_str(),
            e.color,
            p.issuer_url,
            p.authorization_url,
            p.token_url,
            p.token_info_url,
            p.introspection_url,
            p.revocation_url,
            p.api_base_url,
            e.rotation_days,
            e.created_at.unix(),
            e.updated_at.unix(),
            p.device_authorization_url,
            e.profile.as_str(),
        ],
    )
    .map_err(store_error)?;
    Ok(())
}

/// Deletes an environment's row (its apps and secrets' rows go with it).
pub fn delete(conn: &Connection, id: &EnvironmentId) -> Result<()> {
    conn.execute("DELETE FROM environments WHERE id = ?1", [id.as_str()])
        .map_err(store_error)?;
    Ok(())
}

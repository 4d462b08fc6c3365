//! Secrets' metadata rows; the values are in the keychain under `secret:<id>`.

use super::{enum_at, optional, optional_time_at, store_error, time_at};
use crate::error::Result;
use crate::model::{AppId, SecretId, SecretMeta, SecretState, Timestamp};
use rusqlite::{Connection, Row, params};

fn from_row(row: &Row<'_>) -> rusqlite::Result<SecretMeta> {
    Ok(SecretMeta {
        id: SecretId(row.get("id")?),
        app_id: AppId(row.get("app_id")?),
        label: row.get("label")?,
        provider_created_at: optional_time_at(row, "provider_created_at")?,
        added_at: time_at(row, "added_at")?,
        fingerprint: row.get("fingerprint")?,
        last_verified_at: optional_time_at(row, "last_verified_at")?,
        last_verify_ok: row.get("last_verify_ok")?,
        last_verify_message: row.get("last_verify_message")?,
        last_used_at: optional_time_at(row, "last_used_at")?,
        state: enum_at(row, "state", SecretState::parse)?,
        // filled in by the facade, which knows the time and the environment's policy
        age_days: 0,
        rotation_due: false,
    })
}

/// An app's secrets, active first, then newest first.
pub fn list(conn: &Connection, app: &AppId) -> Result<Vec<SecretMeta>> {
    let mut statement = conn
        .prepare_cached(
            "SELECT * FROM secrets WHERE app_id = ?1 \
             ORDER BY state = 'retired', added_at DESC, rowid DESC",
        )
        .map_err(store_error)?;
    let rows = statement
        .query_map([app.as_str()], from_row)
        .map_err(store_error)?;
    rows.collect::<rusqlite::Result<_>>().map_err(store_error)
}

/// One secret's metadata.
pub fn get(conn: &Connection, id: &SecretId) -> Result<Option<SecretMeta>> {
    optional(conn.query_row(
        "SELECT * FROM secrets WHERE id = ?1",
        [id.as_str()],
        from_row,
    ))
}

/// Inserts a secret's metadata.
pub fn insert(conn: &Connection, secret: &SecretMeta) -> Result<()> {
    conn.execute(
        "INSERT INTO secrets (id, app_id, label, provider_created_at, added_at, fingerprint, \
         last_verified_at, last_used_at, state) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
        params![
            secret.id.as_str(),
            secret.app_id.as_str(),
            secret.label,
            secret.provider_created_at.map(|t| t.unix()),
            secret.added_at.unix(),
            secret.fingerprint,
            secret.last_verified_at.map(|t| t.unix()),
            secret.last_used_at.map(|t| t.unix()),
            secret.state.as_str(),
        ],
    )
    .map_err(store_error)?;
    Ok(())
}

/// Sets a secret's state.
pub fn set_state(conn: &Connection, id: &SecretId, state: SecretState) -> Result<()> {
    conn.execute(
        "UPDATE secrets SET state = ?2 WHERE id = ?1",
        params![id.as_str(), state.as_str()],
    )
    .map_err(store_error)?;
    Ok(())
}

/// Moves a secret's row to another app (a team app whose client ID a member changed).
pub fn set_app(conn: &Connection, id: &SecretId, app: &AppId) -> Result<()> {
    conn.execute(
        "UPDATE secrets SET app_id = ?2 WHERE id = ?1",
        params![id.as_str(), app.as_str()],
    )
    .map_err(store_error)?;
    Ok(())
}

/// Deletes a secret's row (one whose value is not in the keychain: a team secret).
pub fn delete(conn: &Connection, id: &SecretId) -> Result<()> {
    conn.execute("DELETE FROM secrets WHERE id = ?1", [id.as_str()])
        .map_err(store_error)?;
    Ok(())
}

/// How many active secrets an app has.
pub fn active_count(conn: &Connection, app: &AppId) -> Result<u32> {
    conn.query_row(
        "SELECT count(*) FROM secrets WHERE app_id = ?1 AND state = 'active'",
        [app.as_str()],
        |row| row.get(0),
    )
    .map_err(store_error)
}

/// The ids of every secret of an app.
pub fn ids_of(conn: &Connection, app: &AppId) -> Result<Vec<SecretId>> {
    let mut statement = conn
        .prepare_cached("SELECT id FROM secrets WHERE app_id = ?1")
        .map_err(store_error)?;
    let rows = statement
        .query_map([app.as_str()], |row| Ok(SecretId(row.get(0)?)))
        .map_err(store_error)?;
    rows.collect::<rusqlite::Result<_>>().map_err(store_error)
}

/// The ids of every secret in the store.
pub fn all_ids(conn: &Connection) -> Result<Vec<SecretId>> {
    let mut statement = conn
        .prepare_cached("SELECT id FROM secrets ORDER BY id")
        .map_err(store_error)?;
    let rows = statement
        .query_map([], |row| Ok(SecretId(row.get(0)?)))
        .map_err(store_error)?;
    rows.collect::<rusqlite::Result<_>>().map_err(store_error)
}

/// Records the outcome of a "Verify" token request with a secret.
pub fn set_verified(
    conn: &Connection,
    id: &SecretId,
    at: Timestamp,
    ok: bool,
    message: Option<&str>,
) -> Result<()> {
    conn.execute(
        "UPDATE secrets SET last_verified_at = ?2, last_verify_ok = ?3, last_verify_message = ?4 \
         WHERE id = ?1",
        params![id.as_str(), at.unix(), ok, message],
    )
    .map_err(store_error)?;
    Ok(())
}

/// Records that a token was minted with a secret.
pub fn set_used(conn: &Connection, id: &SecretId, at: Timestamp) -> Result<()> {
    conn.execute(
        "UPDATE secrets SET last_used_at = ?2 WHERE id = ?1",
        params![id.as_str(), at.unix()],
    )
    .map_err(store_error)?;
    Ok(())
}

/// The active secret a token request uses: the newest active one.
pub fn newest_active(conn: &Connection, app: &AppId) -> Result<Option<SecretId>> {
    optional(conn.query_row(
        "SELECT id FROM secrets WHERE app_id = ?1 AND state = 'active' \
         ORDER BY added_at DESC, rowid DESC LIMIT 1",
        [app.as_str()],
        |row| Ok(SecretId(row.get(0)?)),
    ))
}

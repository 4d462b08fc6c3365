//! Signing keys' rows: the public JWK and the lifecycle; the private key is in the keychain
//! under `signing-key:<id>`.

use super::{enum_at, optional, optional_time_at, store_error, time_at};
use crate::error::Result;
use crate::model::{AppId, SecretState};
use crate::signing_key::{KeyAlg, KeyOrigin, SigningKeyId, SigningKeyMeta};
use rusqlite::{Connection, Row, params};

fn from_row(row: &Row<'_>) -> rusqlite::Result<SigningKeyMeta> {
    Ok(SigningKeyMeta {
        id: SigningKeyId(row.get("id")?),
        app_id: AppId(row.get("app_id")?),
        alg: enum_at(row, "alg", KeyAlg::parse)?,
        kid: row.get("kid")?,
        public_jwk: row.get("public_jwk")?,
        label: row.get("label")?,
        origin: enum_at(row, "origin", KeyOrigin::parse)?,
        added_at: time_at(row, "added_at")?,
        last_used_at: optional_time_at(row, "last_used_at")?,
        state: enum_at(row, "state", SecretState::parse)?,
    })
}

/// An app's signing keys, active first, then newest first.
pub fn list(conn: &Connection, app: &AppId) -> Result<Vec<SigningKeyMeta>> {
    let mut statement = conn
        .prepare_cached(
            "SELECT * FROM signing_keys WHERE app_id = ?1 \
             ORDER BY state = 'retired', added_at DESC, rowid DESC",
        )
        .map_err(store_error)?;
    let rows = statement
        .query_map([app.as_str()], from_row)
        .map_err(store_error)?;
    rows.collect::<rusqlite::Result<_>>().map_err(store_error)
}

/// One key's row.
pub fn get(conn: &Connection, id: &SigningKeyId) -> Result<Option<SigningKeyMeta>> {
    optional(conn.query_row(
        "SELECT * FROM signing_keys WHERE id = ?1",
        [id.as_str()],
        from_row,
    ))
}

/// Inserts a key's row.
pub fn insert(conn: &Connection, key: &SigningKeyMeta) -> Result<()> {
    conn.execute(
        "INSERT INTO signing_keys (id, app_id, alg, kid, public_jwk, label, origin, added_at, \
         last_used_at, state) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
        params![
            key.id.as_str(),
            key.app_id.as_str(),
            key.alg.as_str(),
            key.kid,
            key.public_jwk,
            key.label,
            key.origin.as_str(),
            key.added_at.unix(),
            key.last_used_at.map(|t| t.unix()),
            key.state.as_str(),
        ],
    )
    .map_err(store_error)?;
    Ok(())
}

/// Sets a key's state.
pub fn set_state(conn: &Connection, id: &SigningKeyId, state: SecretState) -> Result<()> {
    conn.execute(
        "UPDATE signing_keys SET state = ?2 WHERE id = ?1",
        params![id.as_str(), state.as_str()],
    )
    .map_err(store_error)?;
    Ok(())
}

/// How many active keys an app has.
pub fn active_count(conn: &Connection, app: &AppId) -> Result<u32> {
    conn.query_row(
        "SELECT count(*) FROM signing_keys WHERE app_id = ?1 AND state = 'active'",
        [app.as_str()],
        |row| row.get(0),
    )
    .map_err(store_error)
}

/// The key assertions are signed with: the newest active one.
pub fn newest_active(conn: &Connection, app: &AppId) -> Result<Option<SigningKeyMeta>> {
    optional(conn.query_row(
        "SELECT * FROM signing_keys WHERE app_id = ?1 AND state = 'active' \
         ORDER BY added_at DESC, rowid DESC LIMIT 1",
        [app.as_str()],
        from_row,
    ))
}

/// The ids of every key of an app, or of every app when `app` is None.
pub fn ids(conn: &Connection, app: Option<&AppId>) -> Result<Vec<SigningKeyId>> {
    let mut statement = conn
        .prepare_cached("SELECT id FROM signing_keys WHERE ?1 IS NULL OR app_id = ?1 ORDER BY id")
        .map_err(store_error)?;
    let rows = statement
        .query_map([app.map(AppId::as_str)], |row| {
            Ok(SigningKeyId(row.get(0)?))
        })
        .map_err(store_error)?;
    rows.collect::<rusqlite::Result<_>>().map_err(store_error)
}

//! Tokens' metadata rows; the values are in the keychain under `token:<id>`.

use super::{enum_at, list_at, list_json, optional, optional_time_at, store_error, time_at};
use crate::error::Result;
use crate::model::*;
use rusqlite::{Connection, Row, params};

fn from_row(row: &Row<'_>) -> rusqlite::Result<TokenMeta> {
    let granted: Option<String> = row.get("granted_scopes")?;
    Ok(TokenMeta {
        id: TokenId(row.get("id")?),
        app_id: AppId(row.get("app_id")?),
        source: enum_at(row, "source", TokenSource::parse)?,
        token_type: row.get("token_type")?,
        issued_at: time_at(row, "issued_at")?,
        expires_at: optional_time_at(row, "expires_at")?,
        requested_scopes: list_at(row, "requested_scopes")?,
        granted_scopes: match granted {
            Some(_) => Some(list_at(row, "granted_scopes")?),
            None => None,
        },
        is_jwt: row.get("is_jwt")?,
        secret_id: row.get::<_, Option<String>>("secret_id")?.map(SecretId),
        revoked_at: optional_time_at(row, "revoked_at")?,
        fingerprint: row.get("fingerprint")?,
        renew_error: row.get("renew_error")?,
        has_refresh_token: row.get("has_refresh_token")?,
        refresh_expires_at: optional_time_at(row, "refresh_expires_at")?,
        has_id_token: row.get("has_id_token")?,
        sign_in_ended_at: optional_time_at(row, "sign_in_ended_at")?,
        api_base_url: row.get("api_base_url")?,
        issued_token_type: row.get("issued_token_type")?,
    })
}

/// An app's current token.
pub fn of_app(conn: &Connection, app: &AppId) -> Result<Option<TokenMeta>> {
    optional(conn.query_row(
        "SELECT * FROM tokens WHERE app_id = ?1",
        [app.as_str()],
        from_row,
    ))
}

/// The tokens of an environment's apps.
pub fn in_environment(conn: &Connection, environment: &EnvironmentId) -> Result<Vec<TokenMeta>> {
    let mut statement = conn
        .prepare_cached(
            // CROSS JOIN keeps tokens the outer loop: each token's app found by its key,
            // rather than each of the environment's apps (10,000, most with no token) read
            // and its token looked for.
            "SELECT t.* FROM tokens t CROSS JOIN apps a ON a.id = t.app_id \
             WHERE a.environment_id = ?1",
        )
        .map_err(store_error)?;
    let rows = statement
        .query_map([environment.as_str()], from_row)
        .map_err(store_error)?;
    rows.collect::<rusqlite::Result<_>>().map_err(store_error)
}

/// Stores an app's token, replacing the one it had; `id_claims` is the validated ID token's
/// claims as JSON.
pub fn replace(conn: &Connection, token: &TokenMeta, id_claims: Option<&str>) -> Result<()> {
    conn.execute(
        "DELETE FROM tokens WHERE app_id = ?1",
        [token.app_id.as_str()],
    )
    .map_err(store_error)?;
    conn.execute(
        "INSERT INTO tokens (id, app_id, source, token_type, issued_at, expires_at, \
         requested_scopes, granted_scopes, is_jwt, secret_id, revoked_at, fingerprint, \
         renew_error, has_refresh_token, refresh_expires_at, has_id_token, id_claims, \
         sign_in_ended_at, api_base_url, issued_token_type) \
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, \
         ?19, ?20)",
        params![
            token.id.as_str(),
            token.app_id.as_str(),
            token.source.as_str(),
            token.token_type,
            token.issued_at.unix(),
            token.expires_at.map(|t| t.unix()),
            list_json(&token.requested_scopes),
            token.granted_scopes.as_deref().map(list_json),
            token.is_jwt,
            token.secret_id.as_ref().map(SecretId::as_str),
            token.revoked_at.map(|t| t.unix()),
            token.fingerprint,
            token.renew_error,
            token.has_refresh_token,
            token.refresh_expires_at.map(|t| t.unix()),
            token.has_id_token,
            id_claims,
            token.sign_in_ended_at.map(|t| t.unix()),
            token.api_base_url,
            token.issued_token_type,
        ],
    )
    .map_err(store_error)?;
    Ok(())
}

/// Marks a token revoked.
pub fn set_revoked(conn: &Connection, id: &TokenId, at: Timestamp) -> Result<()> {
    conn.execute(
        "UPDATE tokens SET revoked_at = ?2 WHERE id = ?1",
        params![id.as_str(), at.unix()],
    )
    .map_err(store_error)?;
    Ok(())
}

/// Records (or clears) why automatic renewal failed.
pub fn set_renew_error(conn: &Connection, app: &AppId, error: Option<&str>) -> Result<()> {
    conn.execute(
        "UPDATE tokens SET renew_error = ?2 WHERE app_id = ?1",
        params![app.as_str(), error],
    )
    .map_err(store_error)?;
    Ok(())
}

/// The id of an app's token, if it has one.
pub fn id_of(conn: &Connection, app: &AppId) -> Result<Option<TokenId>> {
    optional(conn.query_row(
        "SELECT id FROM tokens WHERE app_id = ?1",
        [app.as_str()],
        |row| Ok(TokenId(row.get(0)?)),
    ))
}

/// Whether a token row exists.
pub fn exists(conn: &Connection, id: &TokenId) -> Result<bool> {
    conn.query_row(
        "SELECT EXISTS (SELECT 1 FROM tokens WHERE id = ?1)",
        [id.as_str()],
        |row| row.get(0),
    )
    .map_err(store_error)
}

/// Tokens automatic renewal may act on: client credentials, or a login's token with a refresh
/// token; renewal on and not paused by an import, not revoked, no recorded renewal failure.
pub fn renewable(conn: &Connection) -> Result<Vec<TokenMeta>> {
    let mut statement = conn
        .prepare_cached(
            "SELECT t.* FROM tokens t JOIN apps a ON a.id = t.app_id \
             WHERE a.auto_renew = 1 AND a.renewal_paused_at IS NULL \
             AND (t.source = 'client_credentials' OR t.has_refresh_token = 1) \
             AND t.revoked_at IS NULL AND t.renew_error IS NULL AND t.expires_at IS NOT NULL",
        )
        .map_err(store_error)?;
    let rows = statement.query_map([], from_row).map_err(store_error)?;
    rows.collect::<rusqlite::Result<_>>().map_err(store_error)
}

/// The validated ID token claims stored with a token (JSON), if any.
pub fn id_claims(conn: &Connection, id: &TokenId) -> Result<Option<String>> {
    optional(conn.query_row(
        "SELECT id_claims FROM tokens WHERE id = ?1",
        [id.as_str()],
        |row| row.get::<_, Option<String>>(0),
    ))
    .map(Option::flatten)
}

/// When a refresh request with this token's refresh token left, if one did and never finished.
pub fn refresh_sent_at(conn: &Connection, id: &TokenId) -> Result<Option<i64>> {
    optional(conn.query_row(
        "SELECT refresh_sent_at FROM tokens WHERE id = ?1",
        [id.as_str()],
        |row| row.get::<_, Option<i64>>(0),
    ))
    .map(Option::flatten)
}

/// Marks (or, with None, unmarks) the token's refresh token as sent.
pub fn set_refresh_sent(conn: &Connection, id: &TokenId, at: Option<i64>) -> Result<()> {
    conn.execute(
        "UPDATE tokens SET refresh_sent_at = ?2 WHERE id = ?1",
        params![id.as_str(), at],
    )
    .map_err(store_error)?;
    Ok(())
}

/// The refresh token is gone (refused, spent or lost): the row says so, and why; with
/// `ended_at`, the provider refused it and the sign-in has ended.
pub fn drop_refresh(
    conn: &Connection,
    id: &TokenId,
    why: &str,
    ended_at: Option<Timestamp>,
) -> Result<()> {
    conn.execute(
        "UPDATE tokens SET has_refresh_token = 0, refresh_sent_at = NULL, \
         refresh_expires_at = NULL, renew_error = ?2, sign_in_ended_at = ?3 WHERE id = ?1",
        params![id.as_str(), why, ended_at.map(|t| t.unix())],
    )
    .map_err(store_error)?;
    Ok(())
}

/// Every token row.
pub fn all(conn: &Connection) -> Result<Vec<TokenMeta>> {
    let mut statement = conn
        .prepare_cached("SELECT * FROM tokens")
        .map_err(store_error)?;
    let rows = statement.query_map([], from_row).map_err(store_error)?;
    rows.collect::<rusqlite::Result<_>>().map_err(store_error)
}

//! Keychain writes in progress (see the `keychain_intents` table).

use super::store_error;
use crate::error::Result;
use crate::model::{AppId, EnvironmentId, Timestamp};
use rusqlite::{Connection, params};

/// What was about to happen to a keychain entry.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum IntentAction {
    /// A value was about to be stored; its row had not been written yet.
    Put,
    /// The entry was about to be removed, and then its row.
    Delete,
}

/// One unfinished keychain write.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Intent {
    pub account: String,
    pub action: IntentAction,
    /// For deletes: the app to remove once its entries are gone.
    pub app_id: Option<AppId>,
    /// For deletes: the environment to remove once its entries are gone.
    pub environment_id: Option<EnvironmentId>,
}

impl Intent {
    /// A value about to be stored under `account`.
    pub fn put(account: String) -> Self {
        Self {
            account,
            action: IntentAction::Put,
            app_id: None,
            environment_id: None,
        }
    }

    /// A single entry about to be removed (no app or environment goes with it).
    pub fn delete(account: String) -> Self {
        Self {
            account,
            action: IntentAction::Delete,
            app_id: None,
            environment_id: None,
        }
    }
}

/// Records an intent, owned by the writer this connection stamps (see `set_owner`).
pub fn record(conn: &Connection, intent: &Intent, at: Timestamp) -> Result<()> {
    // An intent with no owner would look like an older version's to every reconciler (left
    // alone for a minute, then reclaimed even while its writer still works): refused.
    let owned: bool = conn
        .query_row(
            "SELECT EXISTS (SELECT 1 FROM temp.intent_owner)",
            [],
            |row| row.get(0),
        )
        .map_err(store_error)?;
    if !owned {
        return Err(crate::error::Error::Internal(
            "a keychain write was about to start before this process took its writer lock".into(),
        ));
    }
    let action = match intent.action {
        IntentAction::Put => "put",
        IntentAction::Delete => "delete",
    };
    conn.execute(
        "INSERT INTO keychain_intents (account, action, app_id, environment_id, created_at, \
         owner) VALUES (?1, ?2, ?3, ?4, ?5, (SELECT owner FROM temp.intent_owner)) \
         ON CONFLICT (account) DO UPDATE SET action = ?2, app_id = ?3, environment_id = ?4, \
         owner = excluded.owner",
        params![
            intent.account,
            action,
            intent.app_id.as_ref().map(AppId::as_str),
            intent.environment_id.as_ref().map(EnvironmentId::as_str),
            at.unix(),
        ],
    )
    .map_err(store_error)?;
    Ok(())
}

/// Records each of `planned`, in order (see `record`).
pub fn record_all(conn: &Connection, planned: &[Intent], at: Timestamp) -> Result<()> {
    planned
        .iter()
        .try_for_each(|intent| record(conn, intent, at))
}

/// Makes `owner` the owner of every intent this connection records from now on. The owner
/// lives in a TEMP table (one per connection), so the code recording intents need not pass it.
pub fn set_owner(conn: &Connection, owner: &str) -> Result<()> {
    conn.execute("DELETE FROM temp.intent_owner", [])
        .map_err(store_error)?;
    conn.execute("INSERT INTO temp.intent_owner (owner) VALUES (?1)", [owner])
        .map_err(store_error)?;
    Ok(())
}

/// Removes an intent once its write is complete (or undone).
pub fn clear(conn: &Connection, account: &str) -> Result<()> {
    conn.execute("DELETE FROM keychain_intents WHERE account = ?1", [account])
        .map_err(store_error)?;
    Ok(())
}

/// The unfinished intents with no owner (written before intents had one) recorded before
/// `cutoff` (seconds since the epoch), oldest first.
pub fn unowned_before(conn: &Connection, cutoff: i64) -> Result<Vec<Intent>> {
    select(conn, "WHERE owner IS NULL AND created_at <= ?1", &[&cutoff])
}

/// The unfinished intents of writer `owner`, oldest first.
pub fn of_owner(conn: &Connection, owner: &str) -> Result<Vec<Intent>> {
    select(conn, "WHERE owner = ?1", &[&owner])
}

/// The unfinished intents whose account starts with `prefix`, whoever owns them, oldest
/// first.
pub fn with_prefix(conn: &Connection, prefix: &str) -> Result<Vec<Intent>> {
    // LIKE would read `_` and `%` in the prefix as wildcards: compare the prefix itself.
    select(
        conn,
        "WHERE substr(account, 1, length(?1)) = ?1",
        &[&prefix],
    )
}

/// Every writer that owns an unfinished intent.
pub fn owners(conn: &Connection) -> Result<Vec<String>> {
    let mut statement = conn
        .prepare_cached("SELECT DISTINCT owner FROM keychain_intents WHERE owner IS NOT NULL")
        .map_err(store_error)?;
    let rows = statement
        .query_map([], |row| row.get(0))
        .map_err(store_error)?;
    rows.collect::<rusqlite::Result<_>>().map_err(store_error)
}

fn select(conn: &Connection, filter: &str, param: &[&dyn rusqlite::ToSql]) -> Result<Vec<Intent>> {
    let mut statement = conn
        .prepare_cached(&format!(
            "SELECT account, action, app_id, environment_id FROM keychain_intents {filter} \
             ORDER BY created_at, rowid"
        ))
        .map_err(store_error)?;
    let rows = statement
        .query_map(param, |row| {
            let action: String = row.get(1)?;
            Ok(Intent {
                account: row.get(0)?,
                action: if action == "put" {
                    IntentAction::Put
                } else {
                    IntentAction::Delete
                },
                app_id: row.get::<_, Option<String>>(2)?.map(AppId),
                environment_id: row.get::<_, Option<String>>(3)?.map(EnvironmentId),
            })
        })
        .map_err(store_error)?;
    rows.collect::<rusqlite::Result<_>>().map_err(store_error)
}

/// Completes each of `planned`, in order (see `finish`).
pub fn finish_all(conn: &Connection, planned: &[Intent]) -> Result<()> {
    planned.iter().try_for_each(|intent| finish(conn, intent))
}

/// Removes each of `planned` (see `clear`).
pub fn clear_all(conn: &Connection, planned: &[Intent]) -> Result<()> {
    planned
        .iter()
        .try_for_each(|intent| clear(conn, &intent.account))
}

/// Completes an intent whose keychain side is done: removes the intent, the secret's row for
/// a delete, and the app or environment it was removing once none of their intents remain.
pub fn finish(conn: &Connection, intent: &Intent) -> Result<()> {
    clear(conn, &intent.account)?;
    if intent.action == IntentAction::Put {
        return Ok(());
    }
    if let Some(id) = intent.account.strip_prefix("secret:") {
        conn.execute("DELETE FROM secrets WHERE id = ?1", [id])
            .map_err(store_error)?;
    }
    if let Some(name) = intent.account.strip_prefix("team:") {
        conn.execute("DELETE FROM team_vaults WHERE name = ?1", [name])
            .map_err(store_error)?;
    }
    if let Some(id) = intent.account.strip_prefix("signing-key:") {
        conn.execute("DELETE FROM signing_keys WHERE id = ?1", [id])
            .map_err(store_error)?;
    }
    if let Some(id) = intent.account.strip_prefix("client-cert:") {
        conn.execute("DELETE FROM client_certs WHERE id = ?1", [id])
            .map_err(store_error)?;
    }
    if let Some(id) = intent.account.strip_prefix("token:") {
        conn.execute("DELETE FROM tokens WHERE id = ?1", [id])
            .map_err(store_error)?;
    }
    if let Some(app) = &intent.app_id {
        conn.execute(
            "DELETE FROM apps WHERE id = ?1 AND NOT EXISTS \
             (SELECT 1 FROM keychain_intents WHERE app_id = ?1)",
            [app.as_str()],
        )
        .map_err(store_error)?;
    }
    if let Some(environment) = &intent.environment_id {
        conn.execute(
            "DELETE FROM environments WHERE id = ?1 AND NOT EXISTS \
             (SELECT 1 FROM keychain_intents WHERE environment_id = ?1)",
            [environment.as_str()],
        )
        .map_err(store_error)?;
    }
    Ok(())
}

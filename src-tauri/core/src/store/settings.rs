//! The user's settings as key/value rows.

use super::{optional, store_error};
use crate::error::Result;
use crate::model::{EnvironmentId, Settings};
use rusqlite::{Connection, params};

fn read(conn: &Connection, key: &str) -> Result<Option<String>> {
    optional(
        conn.query_row("SELECT value FROM settings WHERE key = ?1", [key], |row| {
            row.get(0)
        }),
    )
}

fn write(conn: &Connection, key: &str, value: Option<&str>) -> Result<()> {
    match value {
        Some(value) => conn.execute(
            "INSERT INTO settings (key, value) VALUES (?1, ?2) \
             ON CONFLICT (key) DO UPDATE SET value = ?2",
            params![key, value],
        ),
        None => conn.execute("DELETE FROM settings WHERE key = ?1", [key]),
    }
    .map_err(store_error)?;
    Ok(())
}

/// The settings, with defaults for what was never set.
pub fn load(conn: &Connection) -> Result<Settings> {
    let defaults = Settings::default();
    let number = |key: &str, default: u32| -> Result<u32> {
        Ok(read(conn, key)?
            .and_then(|text| text.parse().ok())
            .unwrap_or(default))
    };
    Ok(Settings {
        active_environment_id: read(conn, "active_environment_id")?.map(EnvironmentId),
        clipboard_clear_seconds: number(
            "clipboard_clear_seconds",
            defaults.clipboard_clear_seconds,
        )?,
        reveal_seconds: number("reveal_seconds", defaults.reveal_seconds)?,
    })
}

/// Saves every setting.
pub fn save(conn: &Connection, settings: &Settings) -> Result<()> {
    write(
        conn,
        "active_environment_id",
        settings
            .active_environment_id
            .as_ref()
            .map(EnvironmentId::as_str),
    )?;
    write(
        conn,
        "clipboard_clear_seconds",
        Some(&settings.clipboard_clear_seconds.to_string()),
    )?;
    write(
        conn,
        "reveal_seconds",
        Some(&settings.reveal_seconds.to_string()),
    )
}

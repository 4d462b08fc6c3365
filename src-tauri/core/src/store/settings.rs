//! The user's settings as key/value rows.

use super::{optional, store_error};
use crate::error::Result;
use crate::model::{EnvironmentId, NotificationSettings, Settings};
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
        notifications: load_notifications(conn)?,
        keep_in_tray: read(conn, "keep_in_tray")?.is_none_or(|text| text != "off"),
    })
}

/// True the first time it is asked for `key`, false ever after (a hint the user gets once).
pub fn first_time(conn: &Connection, key: &str) -> Result<bool> {
    if read(conn, key)?.is_some() {
        return Ok(false);
    }
    write(conn, key, Some("told"))?;
    Ok(true)
}

/// The notification kinds' keys; a kind never set is on.
const NOTIFY_KEYS: [&str; 4] = [
    "notify_sign_in_needed",
    "notify_renewal_failed",
    "notify_rotation_due",
    "notify_sign_in_completed",
];

fn load_notifications(conn: &Connection) -> Result<NotificationSettings> {
    let mut on = [true; 4];
    for (value, key) in on.iter_mut().zip(NOTIFY_KEYS) {
        *value = read(conn, key)?.is_none_or(|text| text != "off");
    }
    let [
        sign_in_needed,
        renewal_failed,
        rotation_due,
        sign_in_completed,
    ] = on;
    Ok(NotificationSettings {
        sign_in_needed,
        renewal_failed,
        rotation_due,
        sign_in_completed,
    })
}

fn save_notifications(conn: &Connection, kinds: &NotificationSettings) -> Result<()> {
    let on = [
        kinds.sign_in_needed,
        kinds.renewal_failed,
        kinds.rotation_due,
        kinds.sign_in_completed,
    ];
    for (value, key) in on.into_iter().zip(NOTIFY_KEYS) {
        write(conn, key, Some(if value { "on" } else { "off" }))?;
    }
    Ok(())
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
    )?;
    write(
        conn,
        "keep_in_tray",
        Some(if settings.keep_in_tray { "on" } else { "off" }),
    )?;
    save_notifications(conn, &settings.notifications)
}

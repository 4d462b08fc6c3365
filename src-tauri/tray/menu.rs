//! What the tray menu shows, as plain data: the active environment and a switch to the others,
//! the active environment's apps with their token state and what can be done with each, the
//! window and Quit. Pure functions of what the store says (no Tauri types), so every rule is
//! unit-tested; `tray::build` turns the entries into the native menu.

use authdeck_core::model::{
    AppId, ClientType, Environment, EnvironmentId, EnvironmentKind, TokenState, TokenStatus,
};

/// At most this many apps are listed; the rest are one "more in the window" entry (a menu of
/// a thousand submenus is no menu, and building one costs a native item per entry).
pub const MOST_APPS: usize = 25;

/// What a click on an entry does.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Action {
    SwitchEnvironment(EnvironmentId),
    /// A valid token of the app onto the clipboard, renewed (or got) first when needed.
    CopyToken(AppId),
    /// The window, on the app.
    Open(AppId),
    /// The window, on the app's sign-in.
    SignIn(AppId),
    ShowWindow,
    HideWindow,
    Quit,
}

impl Action {
    /// The menu item's id, read back by [`Action::parse`] when the item is clicked.
    pub fn id(&self) -> String {
        match self {
            Self::SwitchEnvironment(id) => format!("environment:{id}"),
            Self::CopyToken(id) => format!("copy:{id}"),
            Self::Open(id) => format!("open:{id}"),
            Self::SignIn(id) => format!("sign-in:{id}"),
            Self::ShowWindow => "show".to_owned(),
            Self::HideWindow => "hide".to_owned(),
            Self::Quit => "quit".to_owned(),
        }
    }

    /// The action of a clicked item's id; None for an id the menu never made.
    pub fn parse(id: &str) -> Option<Self> {
        match id {
            "show" => return Some(Self::ShowWindow),
            "hide" => return Some(Self::HideWindow),
            "quit" => return Some(Self::Quit),
            _ => {}
        }
        let (kind, rest) = id.split_once(':')?;
        if rest.is_empty() {
            return None;
        }
        let app = || AppId(rest.to_owned());
        match kind {
            "environment" => Some(Self::SwitchEnvironment(EnvironmentId(rest.to_owned()))),
            "copy" => Some(Self::CopyToken(app())),
            "open" => Some(Self::Open(app())),
            "sign-in" => Some(Self::SignIn(app())),
            _ => None,
        }
    }
}

/// The native item id of the copied token's line, whose text the tray updates in place.
pub const COPIED: &str = "copied";

/// One entry of the menu.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Entry {
    /// Text that does nothing when clicked (the active environment).
    Note(String),
    /// The line naming the token the tray copied and counting down to the clipboard's
    /// clearing: a note whose text the tray changes each second (its item's id is [`COPIED`])
    /// instead of rebuilding the menu.
    Copied(String),
    Item {
        label: String,
        action: Action,
    },
    Submenu {
        label: String,
        entries: Vec<Entry>,
    },
    Separator,
}

/// What the menu is made from: one read of the store, and whether the window shows.
pub struct Facts<'a> {
    pub environments: &'a [Environment],
    pub active: Option<&'a EnvironmentId>,
    /// The active environment's apps' token states (no keychain read: metadata only).
    pub statuses: &'a [TokenStatus],
    pub window_visible: bool,
    /// A token the tray copied that is still on the clipboard: its app's name and the seconds
    /// left until the clipboard is cleared.
    pub copied: Option<(&'a str, u64)>,
}

/// The menu while the store is still opening (the first moments after a launch): the
/// window's own entries, without a word about environments the store has not told yet.
pub fn opening(window_visible: bool) -> Vec<Entry> {
    vec![
        Entry::Note("Opening…".to_owned()),
        Entry::Separator,
        window_entry(window_visible),
        item("Quit Authdeck", Action::Quit),
    ]
}

fn window_entry(visible: bool) -> Entry {
    if visible {
        item("Hide window", Action::HideWindow)
    } else {
        item("Show window", Action::ShowWindow)
    }
}

/// The whole menu, top to bottom.
pub fn menu(facts: &Facts<'_>) -> Vec<Entry> {
    let active = facts
        .active
        .and_then(|id| facts.environments.iter().find(|e| &e.id == id));
    let mut entries = environment_entries(facts.environments, active);
    if let Some((app, seconds_left)) = facts.copied {
        entries.push(Entry::Copied(copied_label(app, seconds_left)));
    }
    entries.push(Entry::Separator);
    if active.is_some() {
        entries.extend(app_entries(facts.statuses));
        entries.push(Entry::Separator);
    }
    entries.push(window_entry(facts.window_visible));
    entries.push(item("Quit Authdeck", Action::Quit));
    entries
}

/// "Copied: Billing’s token (clears in 23 s)".
pub fn copied_label(app: &str, seconds_left: u64) -> String {
    format!("Copied: {app}’s token (clears in {seconds_left} s)")
}

fn item(label: &str, action: Action) -> Entry {
    Entry::Item {
        label: label.to_owned(),
        action,
    }
}

fn environment_entries(all: &[Environment], active: Option<&Environment>) -> Vec<Entry> {
    let Some(active) = active else {
        return vec![Entry::Note("No environment yet".to_owned())];
    };
    let mut entries = vec![Entry::Note(format!("Environment: {}", named(active)))];
    let others: Vec<Entry> = all
        .iter()
        .filter(|e| e.id != active.id)
        .map(|e| Entry::Item {
            label: named(e),
            action: Action::SwitchEnvironment(e.id.clone()),
        })
        .collect();
    if !others.is_empty() {
        entries.push(Entry::Submenu {
            label: "Switch environment".to_owned(),
            entries: others,
        });
    }
    entries
}

/// An environment's name; production is marked, as everywhere in the window.
fn named(environment: &Environment) -> String {
    match environment.kind {
        EnvironmentKind::Production => format!("{} (production)", environment.name),
        _ => environment.name.clone(),
    }
}

fn app_entries(statuses: &[TokenStatus]) -> Vec<Entry> {
    if statuses.is_empty() {
        return vec![Entry::Note("No apps in this environment".to_owned())];
    }
    let mut entries: Vec<Entry> = statuses.iter().take(MOST_APPS).map(app_entry).collect();
    if statuses.len() > MOST_APPS {
        entries.push(Entry::Item {
            label: format!("{} more apps in the window…", statuses.len() - MOST_APPS),
            action: Action::ShowWindow,
        });
    }
    entries
}

/// "Billing — Valid · 12 min", with Copy token (or Sign in… where a sign-in is needed) and Open.
fn app_entry(status: &TokenStatus) -> Entry {
    let id = &status.app_id;
    let first = if needs_sign_in(status) {
        item("Sign in…", Action::SignIn(id.clone()))
    } else {
        // A production token is copied as the window's Copy button copies it: the window asks
        // no confirmation for a copy (only for changes: revoke, delete, import), so neither
        // does the tray.
        item("Copy token", Action::CopyToken(id.clone()))
    };
    Entry::Submenu {
        label: format!("{} — {}", status.app_name, state_label(status)),
        entries: vec![first, item("Open", Action::Open(id.clone()))],
    }
}

/// Whether only the user can get the app a token now: its sign-in ended, or it is a public
/// client (no secret: it gets tokens by signing a user in) with no token that still serves
/// or can be refreshed.
pub fn needs_sign_in(status: &TokenStatus) -> bool {
    if status.state == TokenState::SignInEnded {
        return true;
    }
    if status.client_type == ClientType::Confidential {
        return false;
    }
    match (&status.token, status.state) {
        (None, _) => true,
        (Some(_), TokenState::Valid | TokenState::ExpiringSoon) => false,
        (Some(token), _) => !token.has_refresh_token,
    }
}

/// The token's state in a few words: "Valid · 12 min", "Expired", "Sign-in needed", "No token".
pub fn state_label(status: &TokenStatus) -> String {
    if needs_sign_in(status) {
        return "Sign-in needed".to_owned();
    }
    match status.state {
        TokenState::Valid | TokenState::ExpiringSoon => match status.seconds_left {
            Some(left) => format!("Valid · {}", time_left(left)),
            None => "Valid".to_owned(),
        },
        TokenState::Expired => "Expired".to_owned(),
        TokenState::Revoked => "Revoked".to_owned(),
        TokenState::SignInEnded => "Sign-in needed".to_owned(),
        TokenState::None => "No token".to_owned(),
    }
}

/// "45 s", "12 min", "2 h 05 min", "3 d 4 h": rounded down, as the window's countdown.
fn time_left(seconds: i64) -> String {
    let total = seconds.max(0);
    let (days, hours, minutes) = (total / 86_400, total % 86_400 / 3600, total % 3600 / 60);
    if days > 0 {
        format!("{days} d {hours} h")
    } else if hours > 0 {
        format!("{hours} h {minutes:02} min")
    } else if minutes > 0 {
        format!("{minutes} min")
    } else {
        format!("{total} s")
    }
}

#[cfg(test)]
#[path = "menu_tests.rs"]
mod tests;

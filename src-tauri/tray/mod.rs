//! The system tray (issue 17): Authdeck at hand while the window is closed. The menu (see
//! `menu`) is built in Rust and driven from Rust only: the webview is granted none of the
//! tray's or menu's commands.
//!
//! The menu is rebuilt when what it shows changes: a store change the app announces (an
//! environment switched, an app added or removed, a token got, renewed, revoked or forgotten,
//! another program's write), the window shown or hidden, and once a minute for the time left.
//! A rebuild reads the settings, the environments and the active environment's token states:
//! three SQLite reads and no keychain read. Changes that come together (a write announces
//! several scopes) are one rebuild. The one line that changes every second, the countdown of a
//! token the tray copied, is not a rebuild: its item's text is changed in place.

pub mod menu;
mod panel;

use crate::clipboard::CopyGeneration;
use crate::commands::{changed, copy_value};
use crate::instance;
use crate::ipc::OpenAction;
use crate::ipc::{CLIPBOARD_CLEARED, STORE_CHANGED, StoreScope, TOKEN_RENEWED};
use crate::state::AppState;
use authdeck_core::model::{AppId, EnvironmentId, TokenRequestInput};
use authdeck_core::{Core, Fetch};
use menu::{Action, Entry, Facts};
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};
use tauri::menu::{Menu, MenuItem, MenuItemKind, PredefinedMenuItem, Submenu};
use tauri::tray::TrayIconBuilder;
use tauri::{AppHandle, Listener, Manager, Runtime};

/// The tray icon's id.
const TRAY: &str = "authdeck";
/// A copied token stays valid at least this long, or it is renewed first (the CLI's
/// `--min-valid` default: whoever pastes it has time to use it).
const MIN_VALID_SECONDS: i64 = 60;
/// Changes announced together are one rebuild after this pause.
const SETTLE: Duration = Duration::from_millis(150);
/// The time left on each token is rounded to the minute: the menu follows once a minute.
const EVERY_MINUTE: Duration = Duration::from_secs(60);
/// The copied token's line counts down in seconds.
const EVERY_SECOND: Duration = Duration::from_secs(1);

/// Whether a rebuild is already on its way.
#[derive(Default)]
pub struct Rebuild(AtomicBool);

/// A token copy the tray made: the copy's number (see `CopyGeneration`), the app's name and
/// when the clipboard is cleared.
#[derive(Clone)]
struct Copied {
    generation: u64,
    app: String,
    clears_at: Instant,
}

/// The tray's last token copy. The menu names it while that copy is still on the clipboard.
#[derive(Default)]
struct TrayCopy(Mutex<Option<Copied>>);

/// The native item of the copied token's line in the menu shown now, whose text the countdown
/// changes; None while the menu has no such line.
struct CopiedItem<R: Runtime>(Mutex<Option<MenuItem<R>>>);

/// Puts the icon in the tray and keeps its menu current for the app's lifetime. Called on the
/// main thread while the window is made: the menu from the store follows moments later, off
/// that thread (reading every app's token state is not the window's to wait for).
pub fn start<R: Runtime>(app: &AppHandle<R>) -> tauri::Result<()> {
    app.manage(Rebuild::default());
    app.manage(TrayCopy::default());
    app.manage(CopiedItem::<R>(Mutex::new(None)));
    let mut tray = TrayIconBuilder::with_id(TRAY)
        .tooltip("Authdeck")
        .menu(&native_menu(app, &menu::opening(window_visible(app)))?)
        .show_menu_on_left_click(true)
        .on_menu_event(|app, event| act(app, event.id().as_ref()));
    if let Some(icon) = app.default_window_icon() {
        tray = tray.icon(icon.clone());
    }
    tray.build(app)?;
    rebuild_soon(app);
    for event in [STORE_CHANGED, TOKEN_RENEWED, CLIPBOARD_CLEARED] {
        let handle = app.clone();
        app.listen_any(event, move |event| {
            // a secret's change shows nowhere in the menu
            if !event.payload().contains("\"secrets\"") {
                rebuild_soon(&handle);
            }
        });
    }
    let handle = app.clone();
    tauri::async_runtime::spawn(async move {
        loop {
            tokio::time::sleep(EVERY_MINUTE).await;
            rebuild_soon(&handle);
        }
    });
    Ok(())
}

/// Closing the window hides it instead when the settings keep Authdeck in the tray and the
/// desktop shows the tray icon (asked now: see `panel`); automatic renewal goes on. Otherwise
/// the window closes and the app quits, as it does without a tray.
pub fn on_window_event<R: Runtime>(window: &tauri::Window<R>, event: &tauri::WindowEvent) {
    let tauri::WindowEvent::CloseRequested { api, .. } = event else {
        return;
    };
    let app = window.app_handle();
    if window.label() != "main" || app.try_state::<Rebuild>().is_none() {
        return; // not the window, or no tray icon was made
    }
    let state = app.try_state::<AppState>();
    let Some(core) = state.as_ref().and_then(|state| state.core().ok()) else {
        return; // the store did not open: nothing runs in the background
    };
    let keep = core
        .settings()
        .map_or(true, |settings| settings.keep_in_tray);
    if !keep || !panel::shown() {
        return;
    }
    api.prevent_close();
    let _ = window.hide();
    crate::notices::tell_kept_in_tray(app);
    rebuild_soon(app);
}

/// Rebuilds the menu shortly, once for every change that comes before it.
pub fn rebuild_soon<R: Runtime>(app: &AppHandle<R>) {
    let Some(rebuild) = app.try_state::<Rebuild>() else {
        return; // no tray
    };
    if rebuild.0.swap(true, Ordering::SeqCst) {
        return;
    }
    let app = app.clone();
    tauri::async_runtime::spawn(async move {
        tokio::time::sleep(SETTLE).await;
        app.state::<Rebuild>().0.store(false, Ordering::SeqCst);
        let rebuilt = native_menu(&app, &current(&app)).and_then(|menu| {
            let copied_item = menu
                .get(menu::COPIED)
                .and_then(|item| item.as_menuitem().cloned());
            if let Ok(mut shown) = app.state::<CopiedItem<R>>().0.lock() {
                *shown = copied_item;
            }
            match app.tray_by_id(TRAY) {
                Some(tray) => tray.set_menu(Some(menu)),
                None => Ok(()),
            }
        });
        if let Err(error) = rebuilt {
            eprintln!("authdeck-desktop: the tray menu could not be rebuilt: {error}");
        }
    });
}

/// The menu as the store and the window are now.
fn current<R: Runtime>(app: &AppHandle<R>) -> Vec<Entry> {
    let window_visible = window_visible(app);
    let state = app.try_state::<AppState>();
    let core = state.as_ref().and_then(|state| state.core().ok());
    let environments = core
        .and_then(|core| core.environments().ok())
        .unwrap_or_default();
    let settings = core.and_then(|core| core.settings().ok());
    let active = settings
        .as_ref()
        .and_then(|settings| settings.active_environment_id.clone());
    let statuses = match (core, &active) {
        (Some(core), Some(active)) => core.token_statuses(active).unwrap_or_default(),
        _ => Vec::new(),
    };
    let on_clipboard = app.state::<CopyGeneration>().on_clipboard();
    let copied = tray_copy(app).filter(|copied| Some(copied.generation) == on_clipboard);
    menu::menu(&Facts {
        environments: &environments,
        active: active.as_ref(),
        statuses: &statuses,
        window_visible,
        copied: copied
            .as_ref()
            .map(|copied| (copied.app.as_str(), seconds_left(copied.clears_at))),
    })
}

fn tray_copy<R: Runtime>(app: &AppHandle<R>) -> Option<Copied> {
    app.try_state::<TrayCopy>()
        .and_then(|copy| copy.0.lock().ok()?.clone())
}

/// Whole seconds until `at`, rounded up: the line shows "1 s" in its last second, never "0 s".
fn seconds_left(at: Instant) -> u64 {
    let left = at.saturating_duration_since(Instant::now());
    left.as_secs() + u64::from(left.subsec_nanos() > 0)
}

/// Counts the line of the tray's copy `generation` down once a second, changing its item's
/// text only. When the copy is no longer on the clipboard (cleared by its countdown, or
/// replaced by another copy, Authdeck's or another program's), the line goes: a rebuild.
fn count_down<R: Runtime>(app: &AppHandle<R>, generation: u64) {
    let app = app.clone();
    tauri::async_runtime::spawn(async move {
        let mut ticks = tokio::time::interval(EVERY_SECOND);
        ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        ticks.tick().await; // the first tick is at once: the rebuild shows the first value
        loop {
            ticks.tick().await;
            let Some(copied) = tray_copy(&app).filter(|copied| copied.generation == generation)
            else {
                return; // a newer tray copy counts down on its own
            };
            if !app.state::<CopyGeneration>().still_holds(&app, generation) {
                if let Ok(mut copy) = app.state::<TrayCopy>().0.lock()
                    && copy
                        .as_ref()
                        .is_some_and(|copy| copy.generation == generation)
                {
                    *copy = None;
                }
                rebuild_soon(&app);
                return;
            }
            let label = menu::copied_label(&copied.app, seconds_left(copied.clears_at));
            let item = app
                .state::<CopiedItem<R>>()
                .0
                .lock()
                .ok()
                .and_then(|item| item.clone());
            if let Some(item) = item
                && let Err(error) = item.set_text(literal(&label))
            {
                eprintln!("authdeck-desktop: the tray's countdown could not be shown: {error}");
            }
        }
    });
}

fn window_visible<R: Runtime>(app: &AppHandle<R>) -> bool {
    app.get_webview_window("main")
        .is_some_and(|window| window.is_visible().unwrap_or(false))
}

fn native_menu<R: Runtime>(app: &AppHandle<R>, entries: &[Entry]) -> tauri::Result<Menu<R>> {
    let menu = Menu::new(app)?;
    for entry in entries {
        menu.append(&native(app, entry)?)?;
    }
    Ok(menu)
}

fn native<R: Runtime>(app: &AppHandle<R>, entry: &Entry) -> tauri::Result<MenuItemKind<R>> {
    Ok(match entry {
        Entry::Note(label) => {
            MenuItemKind::MenuItem(MenuItem::new(app, literal(label), false, None::<&str>)?)
        }
        Entry::Copied(label) => MenuItemKind::MenuItem(MenuItem::with_id(
            app,
            menu::COPIED,
            literal(label),
            false,
            None::<&str>,
        )?),
        Entry::Item { label, action } => MenuItemKind::MenuItem(MenuItem::with_id(
            app,
            action.id(),
            literal(label),
            true,
            None::<&str>,
        )?),
        Entry::Submenu { label, entries } => {
            let submenu = Submenu::new(app, literal(label), true)?;
            for entry in entries {
                submenu.append(&native(app, entry)?)?;
            }
            MenuItemKind::Submenu(submenu)
        }
        Entry::Separator => MenuItemKind::Predefined(PredefinedMenuItem::separator(app)?),
    })
}

/// A label shown as written: the menu reads `&` as a keyboard mnemonic ("R&D" would show "RD").
fn literal(label: &str) -> String {
    label.replace('&', "&&")
}

/// Runs what the clicked item stands for.
fn act<R: Runtime>(app: &AppHandle<R>, id: &str) {
    let Some(action) = Action::parse(id) else {
        return;
    };
    match action {
        Action::SwitchEnvironment(id) => switch_environment(app, &id),
        Action::CopyToken(id) => {
            let app = app.clone();
            tauri::async_runtime::spawn(async move { copy_token(&app, id).await });
        }
        Action::Open(id) => instance::bring_forward(app, Some((id, None))),
        Action::SignIn(id) => instance::bring_forward(app, Some((id, Some(OpenAction::SignIn)))),
        Action::ShowWindow => instance::bring_forward(app, None),
        Action::HideWindow => {
            if let Some(window) = app.get_webview_window("main") {
                let _ = window.hide();
            }
            rebuild_soon(app);
        }
        Action::Quit => app.exit(0),
    }
}

fn switch_environment<R: Runtime>(app: &AppHandle<R>, id: &EnvironmentId) {
    let state = app.state::<AppState>();
    let switched = state
        .core()
        .and_then(|core| core.set_active_environment(id).map_err(Into::into));
    match switched {
        Ok(_) => changed(app, &[StoreScope::Settings]),
        Err(error) => eprintln!(
            "authdeck-desktop: the tray could not switch environments ({:?})",
            error.code
        ),
    }
}

/// Copies a valid token of the app exactly as the window's Copy does (the same clipboard
/// path, hint and countdown), getting or renewing it first when it expires within a minute.
/// When that fails the window comes forward on the app, whose token panel says why.
async fn copy_token<R: Runtime>(app: &AppHandle<R>, id: AppId) {
    let state = app.state::<AppState>();
    let copied = match state.core() {
        Ok(core) => fetch_and_copy(app, core, &id).await,
        Err(error) => Err(error.code),
    };
    if let Err(code) = copied {
        eprintln!("authdeck-desktop: the tray could not copy the token of app {id} ({code:?})");
        instance::bring_forward(app, Some((id, None)));
    }
}

async fn fetch_and_copy<R: Runtime>(
    app: &AppHandle<R>,
    core: &Core,
    id: &AppId,
) -> Result<(), authdeck_core::ErrorCode> {
    let fetched = core
        .fetch_token(
            id,
            TokenRequestInput::default(),
            Fetch::IfNeeded {
                min_valid_seconds: MIN_VALID_SECONDS,
            },
        )
        .await;
    // a token got (or a failure recorded) shows in the window and the menu
    changed(app, &[StoreScope::Tokens]);
    fetched.map_err(|error| error.code())?;
    let value = core.token_to_copy(id).map_err(|error| error.code())?;
    let generation = app.state::<CopyGeneration>();
    let started = copy_value(app, core, &generation, &value).map_err(|error| error.code)?;
    let clears_at = Instant::now() + Duration::from_secs(u64::from(started.clear_after_seconds));
    let name = core.app(id).map(|app| app.display_name).ok();
    if let (Some(copy), Some(name)) = (generation.on_clipboard(), name)
        && let Ok(mut tray_copy) = app.state::<TrayCopy>().0.lock()
    {
        *tray_copy = Some(Copied {
            generation: copy,
            app: name,
            clears_at,
        });
        drop(tray_copy);
        count_down(app, copy);
    }
    rebuild_soon(app);
    Ok(())
}

//! Background work for the app's lifetime.
//!
//! Following other programs: when another program (the CLI, a second window)
//! has written to the store, every scope is announced as changed so the UI refetches.
//!
//! Automatic renewal: client-credentials tokens inside their renewal window
//! are renewed (core decides which). Each outcome is a quiet `token-renewed` notice; a failure
//! is recorded by core on the token, which stops further attempts until a manual renewal.

use crate::ipc::{STORE_CHANGED, StoreChanged, StoreScope, TOKEN_RENEWED, TokenRenewed};
use crate::state::AppState;
use authdeck_core::Fetch;
use authdeck_core::model::TokenRequestInput;
use std::time::Duration;
use tauri::{AppHandle, Emitter, Manager, Runtime};

/// How often the store is checked for other programs' writes and for tokens to renew. A
/// short-lived token's renewal window can be a few seconds, so this stays at one second (two
/// small queries).
const TICK: Duration = Duration::from_secs(1);

/// Starts the follow-and-renew loop for the app's lifetime.
pub fn start<R: Runtime>(app: AppHandle<R>) {
    tauri::async_runtime::spawn(async move {
        loop {
            tokio::time::sleep(TICK).await;
            follow_other_programs(&app);
            renew_due(&app).await;
        }
    });
}

fn follow_other_programs<R: Runtime>(app: &AppHandle<R>) {
    let state = app.state::<AppState>();
    let Ok(core) = state.core() else {
        return;
    };
    if core.changed_elsewhere().unwrap_or(false) {
        for scope in [
            StoreScope::Environments,
            StoreScope::Apps,
            StoreScope::Secrets,
            StoreScope::Settings,
            StoreScope::Tokens,
        ] {
            let _ = app.emit(STORE_CHANGED, StoreChanged { scope });
        }
    }
}

async fn renew_due<R: Runtime>(app: &AppHandle<R>) {
    let state = app.state::<AppState>();
    let Ok(core) = state.core() else {
        return;
    };
    let Ok(due) = core.renewals_due() else {
        return;
    };
    for app_id in due {
        let outcome = core
            .fetch_token(&app_id, TokenRequestInput::default(), Fetch::Renew)
            .await;
        let app_name = core
            .app(&app_id)
            .map(|a| a.display_name)
            .unwrap_or_default();
        let _ = app.emit(
            TOKEN_RENEWED,
            TokenRenewed {
                app_id,
                app_name,
                error: outcome.err().map(|e| e.to_string()),
            },
        );
        let _ = app.emit(
            STORE_CHANGED,
            StoreChanged {
                scope: StoreScope::Tokens,
            },
        );
    }
}

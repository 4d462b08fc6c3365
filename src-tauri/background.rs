//! Background work for the app's lifetime.
//!
//! Following other programs: when another program (the CLI, a second window)
//! has written to the store, every scope is announced as changed so the UI refetches.
//!
//! Automatic renewal: client-credentials tokens inside their renewal window
//! are renewed (core decides which). Each outcome is a quiet `token-renewed` notice; a failure
//! is recorded by core on the token, which stops further attempts until a manual renewal.
//!
//! Notifications (notices.rs): a renewal refused for the sign-in, or failing, is told once;
//! once a minute the sign-ins about to end and the secrets past their rotation policy are
//! looked for.

use crate::ipc::{STORE_CHANGED, StoreChanged, StoreScope, TOKEN_RENEWED, TokenRenewed};
use crate::notices::{self, Notice, Notices};
use crate::state::AppState;
use authdeck_core::model::{AppId, TokenRequestInput, TokenStatus};
use authdeck_core::{Core, Error, Fetch};
use std::time::Duration;
use tauri::{AppHandle, Emitter, Manager, Runtime};

/// How often the store is checked for other programs' writes and for tokens to renew. A
/// short-lived token's renewal window can be a few seconds, so this stays at one second (two
/// small queries).
const TICK: Duration = Duration::from_secs(1);
/// How many ticks apart the store is looked through for what to notify (once a minute).
const LOOK_EVERY: u32 = 60;

/// Starts the follow-and-renew loop for the app's lifetime.
pub fn start<R: Runtime>(app: AppHandle<R>) {
    tauri::async_runtime::spawn(async move {
        // the first look a few seconds after start, once the window is up
        let mut ticks = LOOK_EVERY - 5;
        loop {
            tokio::time::sleep(TICK).await;
            follow_other_programs(&app);
            renew_due(&app).await;
            ticks += 1;
            if ticks >= LOOK_EVERY {
                ticks = 0;
                look_for_notices(&app);
            }
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
        tell_renewal(app, core, &app_id, &outcome);
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

/// Notifies a renewal that needs the user: the sign-in refused (once per token), or another
/// failure (once per failure streak); a renewal that got a token ends the streak.
fn tell_renewal<R: Runtime>(
    app: &AppHandle<R>,
    core: &Core,
    app_id: &AppId,
    outcome: &authdeck_core::Result<TokenStatus>,
) {
    let state = app.state::<Notices>();
    let Ok(mut told) = state.0.lock() else {
        return;
    };
    let notice = match outcome {
        Ok(_) => {
            told.renewal_recovered(app_id);
            return;
        }
        // a pause waits for the user's own request: nothing failed
        Err(Error::RenewalPaused(_)) => return,
        Err(Error::LoginRequired(_)) => {
            let token = core
                .token_status(app_id)
                .ok()
                .and_then(|status| status.token);
            if !token.is_some_and(|token| notices::sign_in_to_tell(core, &token.id)) {
                return;
            }
            Notice::sign_in_refused
        }
        Err(_) => {
            if !told.renewal_failed(app_id) {
                return;
            }
            Notice::renewal_failed
        }
    };
    drop(told);
    if let Some((name, environment)) = notices::names(core, app_id) {
        notices::raise(app, core, notice(app_id.clone(), &name, &environment));
    }
}

/// Looks through the store for sign-ins ending within a day and secrets past their rotation
/// policy, and ends the failure streaks of apps whose renewal failure was cleared.
fn look_for_notices<R: Runtime>(app: &AppHandle<R>) {
    let state = app.state::<AppState>();
    let Ok(core) = state.core() else {
        return;
    };
    let Ok(environments) = core.environments() else {
        return;
    };
    let now = core.now();
    let mut raised = Vec::new();
    {
        let notices = app.state::<Notices>();
        let Ok(mut told) = notices.0.lock() else {
            return;
        };
        for environment in &environments {
            for status in core.token_statuses(&environment.id).unwrap_or_default() {
                // a failure cleared (a token by hand, renewal turned on again, the token
                // forgotten) ends the streak: the next failure is told again
                let Some(token) = status.token else {
                    told.renewal_recovered(&status.app_id);
                    continue;
                };
                if token.renew_error.is_none() {
                    told.renewal_recovered(&status.app_id);
                }
                if notices::sign_in_ending(&token, now) && notices::sign_in_to_tell(core, &token.id)
                {
                    raised.push(Notice::sign_in_ending(
                        status.app_id,
                        &status.app_name,
                        &environment.name,
                    ));
                }
            }
            for summary in core.apps(&environment.id).unwrap_or_default() {
                if summary.rotation_due && notices::rotation_to_tell(core, &summary.id) {
                    raised.push(Notice::rotation_due(
                        summary.id,
                        &summary.display_name,
                        &environment.name,
                        environment.rotation_days,
                    ));
                }
            }
        }
    }
    for notice in raised {
        notices::raise(app, core, notice);
    }
}

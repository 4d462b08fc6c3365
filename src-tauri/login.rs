//! Browser and device logins: core starts them, the system browser opens the URL, a task waits
//! for the outcome and announces it (`login-finished`); a cancel ends the wait.

use crate::clipboard::CopyGeneration;
use crate::commands::copy_value;
use crate::ipc::CopyStarted;
use crate::ipc::{
    CALLBACK_REFUSED, CallbackRefused, IpcError, LOGIN_FINISHED, LoginFinished, STORE_CHANGED,
    StoreChanged, StoreScope,
};
use crate::state::AppState;
use authdeck_core::model::*;
use authdeck_core::{LoginOptions, Result as CoreResult};
use std::collections::HashMap;
use std::future::Future;
use std::sync::Mutex;
use tauri::{AppHandle, Emitter, Manager, Runtime, State};
use tokio::sync::oneshot;

/// The logins under way, each with the means to cancel it and the address it shows.
#[derive(Default)]
pub struct Logins(Mutex<HashMap<String, (oneshot::Sender<()>, String)>>);

impl Logins {
    fn add(&self, id: &str, url: &str) -> oneshot::Receiver<()> {
        let (cancel, cancelled) = oneshot::channel();
        if let Ok(mut logins) = self.0.lock() {
            logins.insert(id.to_owned(), (cancel, url.to_owned()));
        }
        cancelled
    }

    fn remove(&self, id: &str) -> Option<oneshot::Sender<()>> {
        self.0
            .lock()
            .ok()
            .and_then(|mut logins| logins.remove(id))
            .map(|(cancel, _)| cancel)
    }

    fn url(&self, id: &str) -> Option<String> {
        let logins = self.0.lock().ok()?;
        logins.get(id).map(|(_, url)| url.clone())
    }
}

/// Waits for a login's outcome in the background and announces it.
fn wait_for<R, F, Fut>(app: AppHandle<R>, login_id: String, url: &str, app_id: AppId, finish: F)
where
    R: Runtime,
    F: FnOnce(AppHandle<R>, oneshot::Receiver<()>) -> Fut + Send + 'static,
    Fut: Future<Output = CoreResult<Option<TokenStatus>>> + Send,
{
    let cancelled = app.state::<Logins>().add(&login_id, url);
    tauri::async_runtime::spawn(async move {
        let outcome = finish(app.clone(), cancelled).await;
        app.state::<Logins>().remove(&login_id);
        let (outcome, status, error) = match outcome {
            Ok(Some(status)) => {
                tell_signed_in(&app, &app_id);
                (LoginOutcome::SignedIn, Some(status), None)
            }
            Ok(None) => (LoginOutcome::Cancelled, None, None),
            Err(error) => (LoginOutcome::Failed, None, Some(IpcError::from(error))),
        };
        let _ = app.emit(
            STORE_CHANGED,
            StoreChanged {
                scope: StoreScope::Tokens,
            },
        );
        let _ = app.emit(
            LOGIN_FINISHED,
            LoginFinished {
                login_id,
                app_id,
                outcome,
                status,
                error,
            },
        );
    });
}

/// Notifies a finished sign-in when the window is hidden or in the background (the user is
/// in the browser, most likely): clicking it brings Authdeck forward on the app.
fn tell_signed_in<R: Runtime>(app: &AppHandle<R>, app_id: &AppId) {
    if crate::notices::window_in_front(app) {
        return;
    }
    let Ok(core) = core_of(app) else {
        return;
    };
    if let Some((name, environment)) = crate::notices::names(core, app_id) {
        let notice = crate::notices::Notice::sign_in_completed(app_id.clone(), &name, &environment);
        crate::notices::raise(app, core, notice);
    }
}

/// The core, from a task that holds only the app handle.
fn core_of<R: Runtime>(app: &AppHandle<R>) -> CoreResult<&authdeck_core::Core> {
    app.state::<AppState>()
        .inner()
        .core()
        .map_err(|e| authdeck_core::Error::Internal(e.message))
}

async fn cancelled(receiver: oneshot::Receiver<()>) {
    // A dropped sender (the app closing) cancels too.
    let _ = receiver.await;
}

/// Starts a browser login: listens on loopback, opens the system browser, and returns what the
/// UI shows while it waits (the URL to copy, the port, when it gives up).
#[tauri::command]
pub async fn start_login<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    app_id: AppId,
    input: LoginInput,
) -> Result<LoginStarted, IpcError> {
    let pending = state
        .core()?
        .start_login(&app_id, LoginOptions::try_from(input)?)
        .await?;
    let started = pending.started.clone();
    tell_refusals(&app, &started.login_id, pending.refusals().feed());
    wait_for(
        app,
        started.login_id.clone(),
        &started.url,
        app_id,
        move |app, cancel| async move {
            core_of(&app)?
                .finish_login(pending, cancelled(cancel))
                .await
        },
    );
    // The UI shows the URL with a copy button whatever happens here.
    let _ = authdeck_core::open_in_browser(&started.url);
    Ok(started)
}

/// Announces each callback the login's listener refuses (`callback-refused`), as it happens.
fn tell_refusals<R: Runtime>(
    app: &AppHandle<R>,
    login_id: &str,
    mut refused: tokio::sync::mpsc::UnboundedReceiver<String>,
) {
    let (app, login_id) = (app.clone(), login_id.to_owned());
    tauri::async_runtime::spawn(async move {
        while let Some(reason) = refused.recv().await {
            let login_id = login_id.clone();
            let _ = app.emit(CALLBACK_REFUSED, CallbackRefused { login_id, reason });
        }
    });
}

fn login_url(logins: &Logins, login_id: &str) -> Result<String, IpcError> {
    logins.url(login_id).ok_or_else(|| {
        IpcError::from(authdeck_core::Error::NotFound(
            "That sign-in has ended; start a new one.".into(),
        ))
    })
}

/// Opens a login's address (authorization URL, or verification URI) in the browser again.
#[tauri::command]
pub fn open_login_url(logins: State<'_, Logins>, login_id: String) -> Result<(), IpcError> {
    Ok(authdeck_core::open_in_browser(&login_url(
        &logins, &login_id,
    )?)?)
}

/// Copies a login's address, for a browser Authdeck could not open (cleared like a secret:
/// it carries the login's state).
#[tauri::command]
pub fn copy_login_url<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    generation: State<'_, CopyGeneration>,
    logins: State<'_, Logins>,
    login_id: String,
) -> Result<CopyStarted, IpcError> {
    let url = login_url(&logins, &login_id)?;
    copy_value(&app, state.core()?, &generation, &Secret::new(url))
}

/// Starts a device login: the user code, the verification URI and its QR code to show.
#[tauri::command]
pub async fn start_device_login<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    app_id: AppId,
    input: LoginInput,
) -> Result<DeviceLoginStarted, IpcError> {
    let pending = state
        .core()?
        .start_device_login(&app_id, LoginOptions::try_from(input)?)
        .await?;
    let started = pending.started.clone();
    let shown = started
        .verification_uri_complete
        .clone()
        .unwrap_or_else(|| started.verification_uri.clone());
    wait_for(
        app,
        started.login_id.clone(),
        &shown,
        app_id,
        move |app, cancel| async move {
            core_of(&app)?
                .finish_device_login(pending, cancelled(cancel))
                .await
        },
    );
    Ok(started)
}

/// Cancels a login under way (its listener closes, its polling stops).
#[tauri::command]
pub fn cancel_login(logins: State<'_, Logins>, login_id: String) {
    if let Some(cancel) = logins.remove(&login_id) {
        let _ = cancel.send(());
    }
}

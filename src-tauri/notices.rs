//! Desktop notifications (issue 17): a sign-in that needs the user, automatic renewal failing,
//! a secret past its environment's rotation policy, a browser sign-in finished while the window
//! was hidden or in the background. Raised from Rust only (the webview is granted none of the
//! notification plugin's commands); each kind can be turned off in the settings.
//!
//! A notification names the app and its environment and says what happened and what to do; it
//! never holds a token, a secret or a provider's own words. Clicking it brings the window
//! forward on that app. When no notification server answers on the session bus, the failure is
//! logged and nothing else happens.

use crate::instance;
use crate::state::AppState;
use authdeck_core::Core;
use authdeck_core::model::{AppId, NotificationSettings, Timestamp, TokenId, TokenMeta};
use std::collections::HashSet;
use std::sync::Mutex;
use tauri::{AppHandle, Manager, Runtime};
use tauri_plugin_notification::NotificationExt;

/// A sign-in whose refresh token expires within this many seconds needs the user soon.
const SIGN_IN_ENDING_SECONDS: i64 = 24 * 60 * 60;
/// A secret past its rotation policy is told about at most this often, per app.
const ROTATION_EVERY_SECONDS: i64 = 24 * 60 * 60;
/// The key of the notification's extra data that names the app a click shows.
const APP_KEY: &str = "app_id";

/// What a notification is about; each kind has its own switch in the settings.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    SignInNeeded,
    RenewalFailed,
    RotationDue,
    SignInCompleted,
}

impl Kind {
    fn is_on(self, settings: &NotificationSettings) -> bool {
        match self {
            Self::SignInNeeded => settings.sign_in_needed,
            Self::RenewalFailed => settings.renewal_failed,
            Self::RotationDue => settings.rotation_due,
            Self::SignInCompleted => settings.sign_in_completed,
        }
    }
}

/// One notification: what the user reads, and the app a click shows.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Notice {
    pub kind: Kind,
    pub app_id: AppId,
    pub title: String,
    pub body: String,
}

impl Notice {
    /// The provider refused the sign-in's refresh token during automatic renewal.
    pub fn sign_in_refused(app_id: AppId, app: &str, environment: &str) -> Self {
        Self {
            kind: Kind::SignInNeeded,
            app_id,
            title: format!("Sign in again to “{app}”"),
            body: format!(
                "{app} ({environment}): automatic renewal could not refresh the sign-in. \
                 Open Authdeck and sign in again."
            ),
        }
    }

    /// The sign-in's refresh token expires within a day.
    pub fn sign_in_ending(app_id: AppId, app: &str, environment: &str) -> Self {
        Self {
            kind: Kind::SignInNeeded,
            app_id,
            title: format!("The sign-in to “{app}” ends soon"),
            body: format!(
                "{app} ({environment}): its refresh token expires within a day. Open Authdeck \
                 and sign in again to keep getting tokens."
            ),
        }
    }

    /// Automatic renewal failed for another reason than the sign-in.
    pub fn renewal_failed(app_id: AppId, app: &str, environment: &str) -> Self {
        Self {
            kind: Kind::RenewalFailed,
            app_id,
            title: format!("Renewal of “{app}” failed"),
            body: format!(
                "{app} ({environment}): automatic renewal failed and stops until a token is got \
                 by hand. Open Authdeck to see why and get a new token."
            ),
        }
    }

    /// An active secret is older than the environment's rotation policy.
    pub fn rotation_due(app_id: AppId, app: &str, environment: &str, days: u32) -> Self {
        Self {
            kind: Kind::RotationDue,
            app_id,
            title: format!("Rotate the secret of “{app}”"),
            body: format!(
                "{app} ({environment}): a secret is older than the environment's {days}-day \
                 rotation policy. Open Authdeck, add the new secret, verify it and retire the \
                 old one."
            ),
        }
    }

    /// A browser sign-in finished while the window was hidden or in the background.
    pub fn sign_in_completed(app_id: AppId, app: &str, environment: &str) -> Self {
        Self {
            kind: Kind::SignInCompleted,
            app_id,
            title: format!("Signed in to “{app}”"),
            body: format!("{app} ({environment}): the sign-in is done and its token is ready."),
        }
    }
}

/// The renewal failure streaks told already: a failure is told once per streak of an app. A
/// streak lives as long as the app runs (a restart tells a still-failing renewal again, once).
/// Sign-ins (once per token) and due rotations (once a day per app) are kept in the store
/// instead, through [`sign_in_to_tell`] and [`rotation_to_tell`], so a restart does not tell them again.
#[derive(Default)]
pub struct Told {
    failing: HashSet<AppId>,
}

impl Told {
    /// Automatic renewal of `app` failed: true for the first failure of a streak only.
    pub fn renewal_failed(&mut self, app: &AppId) -> bool {
        self.failing.insert(app.clone())
    }

    /// The app's failure streak ended (a renewal got a token, or the failure was cleared).
    pub fn renewal_recovered(&mut self, app: &AppId) {
        self.failing.remove(app);
    }
}

/// A sign-in (its token) needs the user: true the first time only, across restarts. A store
/// that cannot say is taken as told: a notice is not worth repeating on every look.
pub fn sign_in_to_tell(core: &Core, token: &TokenId) -> bool {
    core.notice_due(&format!("sign_in:{token}"), None)
        .unwrap_or(false)
}

/// A secret of `app` is past its rotation policy: true at most once a day, across restarts.
pub fn rotation_to_tell(core: &Core, app: &AppId) -> bool {
    core.notice_due(&format!("rotation:{app}"), Some(ROTATION_EVERY_SECONDS))
        .unwrap_or(false)
}

/// The token's sign-in ends within a day at `now` (its refresh token expires; one already
/// expired ends too): the user must sign in again soon.
pub fn sign_in_ending(token: &TokenMeta, now: Timestamp) -> bool {
    token.has_refresh_token
        && token.sign_in_ended_at.is_none()
        && token
            .refresh_expires_at
            .is_some_and(|at| at.unix() - now.unix() <= SIGN_IN_ENDING_SECONDS)
}

/// The app's notification state, kept for its lifetime.
#[derive(Default)]
pub struct Notices(pub Mutex<Told>);

/// The app and environment names a notification shows, or None when the app is gone.
pub fn names(core: &Core, app: &AppId) -> Option<(String, String)> {
    let app = core.app(app).ok()?;
    let environment = core.environment(&app.environment_id).ok()?;
    Some((app.display_name, environment.name))
}

/// Raises `notice` unless its kind is turned off. Never fails: a notification that cannot be
/// shown is logged (its kind and app, nothing more) and dropped.
pub fn raise<R: Runtime>(app: &AppHandle<R>, core: &Core, notice: Notice) {
    let on = core
        .settings()
        .map(|settings| notice.kind.is_on(&settings.notifications))
        .unwrap_or(true);
    if on {
        let about = format!("{:?}, app {}", notice.kind, notice.app_id);
        show(app, about, notice.title, notice.body, Some(notice.app_id));
    }
}

/// Says once per data folder, when the window is first closed into the tray, that Authdeck
/// still runs there. A notification and not a note in the window: the window has just gone,
/// and a note would wait unseen until it comes back. A click shows the window again. Counted
/// as told only when a notification server answers, so a session without one (a notification
/// daemon started later, say) still hears it once.
pub fn tell_kept_in_tray<R: Runtime>(app: &AppHandle<R>) {
    let app = app.clone();
    tauri::async_runtime::spawn_blocking(move || {
        if let Err(why) = server_answers() {
            eprintln!("authdeck-desktop: a notification (kept in the tray) was not shown: {why}");
            return;
        }
        let state = app.state::<AppState>();
        let Ok(core) = state.core() else {
            return;
        };
        if !core.first_close_to_tray().unwrap_or(false) {
            return;
        }
        notify(
            &app,
            "kept in the tray",
            "Authdeck is still running in the tray",
            "Closing the window keeps Authdeck in the tray, renewing tokens. Quit it from the \
             tray's menu, or turn this off in Settings.",
            None,
        );
    });
}

/// Shows a notification off the caller's thread; a click shows `app_id` (the window alone
/// when None). Never fails: what could not be shown is logged by `about`, nothing more.
fn show<R: Runtime>(
    app: &AppHandle<R>,
    about: String,
    title: String,
    body: String,
    app_id: Option<AppId>,
) {
    let app = app.clone();
    tauri::async_runtime::spawn_blocking(move || {
        if let Err(why) = server_answers() {
            eprintln!("authdeck-desktop: a notification ({about}) was not shown: {why}");
            return;
        }
        notify(&app, &about, &title, &body, app_id.as_ref());
    });
}

/// Hands a notification to the server (known to answer); a failure is logged by `about`.
fn notify<R: Runtime>(
    app: &AppHandle<R>,
    about: &str,
    title: &str,
    body: &str,
    app_id: Option<&AppId>,
) {
    let mut builder = app.notification().builder().title(title).body(body);
    if let Some(id) = app_id {
        builder = builder.extra(APP_KEY, id.as_str());
    }
    if let Err(why) = builder.show() {
        eprintln!("authdeck-desktop: a notification ({about}) was not shown: {why}");
    }
}

/// Whether a notification server answers on the session bus (asking starts one that D-Bus
/// can activate); the plugin would drop its error where nobody sees it.
fn server_answers() -> Result<(), String> {
    #[cfg(target_os = "linux")]
    {
        notify_rust::get_server_information()
            .map(|_| ())
            .map_err(|e| format!("no notification server on the session bus ({e})"))
    }
    #[cfg(not(target_os = "linux"))]
    Ok(())
}

/// Brings the window forward on a notification's app when the user clicks the notification.
pub fn follow_clicks<R: Runtime>(app: &AppHandle<R>) {
    let handle = app.clone();
    let _ = app.notification().on_action(move |performed| {
        if performed.action_id() != "tap" {
            return;
        }
        let shown = performed
            .notification()
            .and_then(|n| n.extra().get(APP_KEY))
            .and_then(|id| id.as_str())
            .map(|id| (AppId(id.to_owned()), None));
        instance::bring_forward(&handle, shown);
    });
}

/// The window is on screen and has the focus (a sign-in finished then needs no notification).
pub fn window_in_front<R: Runtime>(app: &AppHandle<R>) -> bool {
    app.get_webview_window("main").is_some_and(|window| {
        window.is_visible().unwrap_or(false)
            && window.is_focused().unwrap_or(false)
            && !window.is_minimized().unwrap_or(false)
    })
}

/// How long a launch that starts no app waits for the notification server to take its notice.
const LAUNCH_NOTICE_WAIT: std::time::Duration = std::time::Duration::from_secs(2);

/// Says `body` as a desktop notification for a launch that opens no window (the running
/// Authdeck does not answer): someone who started Authdeck from a desktop menu sees no stderr.
/// Bounded by [`LAUNCH_NOTICE_WAIT`]: a server that hangs costs the launch no more than that.
/// Returns whether the server took it.
pub fn tell_without_window(summary: &str, body: &str) -> bool {
    #[cfg(target_os = "linux")]
    {
        let (summary, body) = (summary.to_owned(), body.to_owned());
        let (sent, taken) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            let shown = notify_rust::Notification::new()
                .appname("Authdeck")
                .summary(&summary)
                .body(&body)
                .icon("authdeck-desktop")
                .urgency(notify_rust::Urgency::Critical)
                .show();
            let _ = sent.send(shown.map(|_| ()).map_err(|e| e.to_string()));
        });
        match taken.recv_timeout(LAUNCH_NOTICE_WAIT) {
            Ok(Ok(())) => true,
            Ok(Err(why)) => {
                eprintln!("authdeck-desktop: the notice was not shown as a notification: {why}");
                false
            }
            Err(_) => {
                eprintln!(
                    "authdeck-desktop: the notification server did not answer within {} s",
                    LAUNCH_NOTICE_WAIT.as_secs()
                );
                false
            }
        }
    }
    #[cfg(not(target_os = "linux"))]
    {
        let _ = (summary, body);
        false
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(unix: i64) -> Timestamp {
        Timestamp::from_unix(unix).unwrap()
    }

    #[test]
    fn a_failure_streak_is_told_once_and_a_recovery_starts_a_new_one() {
        let mut told = Told::default();
        let billing = AppId("billing".into());
        let other = AppId("other".into());
        assert!(told.renewal_failed(&billing));
        assert!(!told.renewal_failed(&billing));
        assert!(!told.renewal_failed(&billing));
        assert!(told.renewal_failed(&other));
        told.renewal_recovered(&billing);
        assert!(told.renewal_failed(&billing));
        assert!(!told.renewal_failed(&other));
    }

    #[test]
    fn a_sign_in_ends_soon_when_its_refresh_token_expires_within_a_day() {
        let now = 1_790_000_000;
        let token = |refresh_expires: Option<i64>| TokenMeta {
            id: TokenId("t".into()),
            app_id: AppId("a".into()),
            source: authdeck_core::model::TokenSource::AuthorizationCode,
            token_type: "Bearer".into(),
            issued_at: at(now - 60),
            expires_at: Some(at(now + 3600)),
            requested_scopes: vec![],
            granted_scopes: None,
            is_jwt: false,
            secret_id: None,
            revoked_at: None,
            fingerprint: "abcd".into(),
            renew_error: None,
            has_refresh_token: refresh_expires.is_some(),
            refresh_expires_at: refresh_expires.map(at),
            has_id_token: false,
            sign_in_ended_at: None,
            api_base_url: None,
            issued_token_type: None,
        };
        assert!(sign_in_ending(
            &token(Some(now + SIGN_IN_ENDING_SECONDS)),
            at(now)
        ));
        assert!(sign_in_ending(&token(Some(now - 1)), at(now)));
        assert!(!sign_in_ending(
            &token(Some(now + SIGN_IN_ENDING_SECONDS + 1)),
            at(now)
        ));
        assert!(!sign_in_ending(&token(None), at(now)), "no refresh token");
        let mut no_expiry = token(Some(now));
        no_expiry.refresh_expires_at = None;
        assert!(
            !sign_in_ending(&no_expiry, at(now)),
            "a refresh token with no known end"
        );
        let mut ended = token(Some(now));
        ended.sign_in_ended_at = Some(at(now - 5));
        assert!(
            !sign_in_ending(&ended, at(now)),
            "an ended sign-in was told when it ended"
        );
    }

    #[test]
    fn each_kind_follows_its_own_switch() {
        let all_off = NotificationSettings {
            sign_in_needed: false,
            renewal_failed: false,
            rotation_due: false,
            sign_in_completed: false,
        };
        for kind in [
            Kind::SignInNeeded,
            Kind::RenewalFailed,
            Kind::RotationDue,
            Kind::SignInCompleted,
        ] {
            assert!(kind.is_on(&NotificationSettings::default()));
            assert!(!kind.is_on(&all_off));
        }
        let only_rotation = NotificationSettings {
            rotation_due: true,
            ..all_off
        };
        assert!(Kind::RotationDue.is_on(&only_rotation));
        assert!(!Kind::SignInNeeded.is_on(&only_rotation));
    }

    #[test]
    fn a_notice_names_the_app_and_environment_and_says_what_to_do() {
        let notice = Notice::sign_in_refused(AppId("a".into()), "Billing", "Sandbox");
        assert_eq!(notice.title, "Sign in again to “Billing”");
        assert_eq!(
            notice.body,
            "Billing (Sandbox): automatic renewal could not refresh the sign-in. Open Authdeck \
             and sign in again."
        );
        let rotation = Notice::rotation_due(AppId("a".into()), "Billing", "Production", 90);
        assert!(
            rotation.body.contains("90-day rotation policy"),
            "{}",
            rotation.body
        );
    }
}

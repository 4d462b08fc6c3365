//! Unit tests of the facade's logic over an in-memory vault, with injected crashes and
//! keychain failures. The same behaviour against the real keychain is in tests/ at the root.

use super::*;
use crate::ErrorCode;
use crate::model::*;
use crate::vault::MemoryVault;
use std::sync::atomic::{AtomicI64, Ordering};

/// A clock the test moves by hand.
struct TestClock(AtomicI64);

impl Clock for TestClock {
    fn now(&self) -> Timestamp {
        Timestamp::from_unix(self.0.load(Ordering::SeqCst)).unwrap()
    }
}

const START: i64 = 1_790_000_000; // 2026-09-21

/// A vault whose writes or deletes can be made to fail, like a locked keychain.
#[derive(Default)]
struct FlakyVault {
    inner: MemoryVault,
    refuse_put: AtomicBool,
    refuse_delete_after: AtomicI64, // deletes allowed before refusing; -1 = never refuse
}

use std::sync::atomic::AtomicBool;

impl SecretStore for FlakyVault {
    fn put(&self, account: &str, value: &Secret) -> Result<()> {
        if self.refuse_put.load(Ordering::SeqCst) {
            return Err(Error::KeychainLocked("locked".into()));
        }
        self.inner.put(account, value)
    }
    fn get(&self, account: &str) -> Result<Secret> {
        self.inner.get(account)
    }
    fn delete(&self, account: &str) -> Result<()> {
        let left = self.refuse_delete_after.load(Ordering::SeqCst);
        if left == 0 {
            return Err(Error::KeychainLocked("locked".into()));
        }
        if left > 0 {
            self.refuse_delete_after.fetch_sub(1, Ordering::SeqCst);
        }
        self.inner.delete(account)
    }
    fn accounts(&self) -> Result<Vec<String>> {
        self.inner.accounts()
    }
    fn is_locked(&self, account: &str) -> Result<bool> {
        self.inner.is_locked(account)
    }
}

struct Fixture {
    dir: tempfile::TempDir,
    vault: Arc<FlakyVault>,
    clock: Arc<TestClock>,
    core: Running,
}

/// The fixture's core. A restart drops it before opening the next, as a process ends before
/// the next one starts (its writer lock is released then, as the kernel releases a killed
/// process's lock).
struct Running(Option<Core>);

impl std::ops::Deref for Running {
    type Target = Core;

    fn deref(&self) -> &Core {
        self.0.as_ref().expect("a core is open")
    }
}

impl Fixture {
    fn new() -> Self {
        let dir = tempfile::tempdir().unwrap();
        let vault = Arc::new(FlakyVault::default());
        vault.refuse_delete_after.store(-1, Ordering::SeqCst);
        let clock = Arc::new(TestClock(AtomicI64::new(START)));
        let core = Core::open(dir.path(), vault.clone(), clock.clone()).unwrap();
        Self {
            dir,
            vault,
            clock,
            core: Running(Some(core)),
        }
    }

    /// Drops the core as a crash would and opens the store again later, as the next start does.
    fn restart_after(&mut self, seconds: i64) -> Reconciled {
        self.clock.0.fetch_add(seconds, Ordering::SeqCst);
        self.core.0 = None;
        let core = Core::open(self.dir.path(), self.vault.clone(), self.clock.clone()).unwrap();
        self.core.0 = Some(core);
        // open() already reconciled; a second pass must find nothing left to do
        assert_eq!(self.core.reconcile().unwrap(), Reconciled::default());
        self.core.reconciled_at_open().clone()
    }

    fn crash_at(&self, step: &'static str) {
        *self.core.crash_at.lock().unwrap() = Some(step);
    }

    fn environment(&self, name: &str, kind: EnvironmentKind) -> Environment {
        self.core
            .create_environment(EnvironmentInput {
                name: name.into(),
                kind,
                color: "#2F80ED".into(),
                endpoints: Endpoints {
                    token_url: Some(" https://sandbox.example.com/oauth/token ".into()),
                    ..Endpoints::default()
                },
                profile: ProviderProfile::Standard,
                rotation_days: 90,
            })
            .unwrap()
    }

    fn app(&self, environment: &Environment, name: &str) -> ClientApp {
        self.core.create_app(app_input(environment, name)).unwrap()
    }

    fn secret(&self, app: &ClientApp, value: &str) -> SecretMeta {
        self.core
            .add_secret(SecretInput {
                app_id: app.id.clone(),
                label: String::new(),
                value: Secret::new(value),
                provider_created_at: None,
            })
            .unwrap()
            .secret
    }

    fn environment_at(&self, endpoints: Endpoints) -> Environment {
        self.core
            .create_environment(EnvironmentInput {
                name: "Local".into(),
                kind: EnvironmentKind::Sandbox,
                color: "#2f80ed".into(),
                endpoints,
                profile: ProviderProfile::Standard,
                rotation_days: 90,
            })
            .unwrap()
    }

    /// A confidential app with its secret, signing in on `http://127.0.0.1/callback`.
    fn app_in(&self, environment: &Environment) -> ClientApp {
        let app = self.app(environment, "Billing sync");
        self.secret(&app, "a-secret");
        app
    }

    fn assert_stores_agree(&self) {
        let (expected, held) = self.core.consistency().unwrap();
        assert_eq!(expected, held, "store rows and keychain entries differ");
    }
}

fn app_input(environment: &Environment, name: &str) -> ClientAppInput {
    let client_id = format!("{}-id", name.to_lowercase().replace(' ', "-"));
    ClientAppInput {
        redirect_uris: vec![DEFAULT_REDIRECT_URI.into()],
        default_scopes: vec!["read write".into()],
        labels: vec!["billing".into()],
        ..ClientAppInput::confidential(environment.id.clone(), name, client_id)
    }
}

#[test]
fn the_app_list_says_which_apps_authenticate_with_a_secret() {
    let f = Fixture::new();
    let sandbox = f.environment("Sandbox", EnvironmentKind::Sandbox);
    for (name, client_type, method) in [
        (
            "Basic",
            ClientType::Confidential,
            AuthMethod::ClientSecretBasic,
        ),
        (
            "Hmac",
            ClientType::Confidential,
            AuthMethod::ClientSecretJwt,
        ),
        ("Keyed", ClientType::Confidential, AuthMethod::PrivateKeyJwt),
        (
            "Certified",
            ClientType::Confidential,
            AuthMethod::TlsClientAuth,
        ),
        ("Native", ClientType::Public, AuthMethod::None),
    ] {
        f.core
            .create_app(ClientAppInput {
                client_type,
                auth_method: method,
                ..app_input(&sandbox, name)
            })
            .unwrap();
    }
    let listed: Vec<(String, bool)> = f
        .core
        .apps(&sandbox.id)
        .unwrap()
        .into_iter()
        .map(|app| (app.display_name, app.uses_secret))
        .collect();
    assert_eq!(
        listed,
        [
            ("Basic".to_owned(), true),
            ("Certified".to_owned(), false),
            ("Hmac".to_owned(), true),
            ("Keyed".to_owned(), false),
            ("Native".to_owned(), false),
        ]
    );
}

#[test]
fn notification_kinds_are_on_until_turned_off_and_stay_off_after_a_restart() {
    let mut f = Fixture::new();
    assert_eq!(
        f.core.settings().unwrap().notifications,
        NotificationSettings::default()
    );
    let kinds = NotificationSettings {
        sign_in_needed: false,
        renewal_failed: true,
        rotation_due: false,
        sign_in_completed: true,
    };
    let current = f.core.settings().unwrap();
    f.core
        .update_settings(Settings {
            notifications: kinds,
            ..current
        })
        .unwrap();
    f.restart_after(1);
    let reloaded = f.core.settings().unwrap();
    assert_eq!(reloaded.notifications, kinds);
    assert_eq!(reloaded.clipboard_clear_seconds, 30);
}

#[test]
fn keeping_in_the_tray_is_on_until_turned_off_and_stays_off_after_a_restart() {
    let mut f = Fixture::new();
    assert!(f.core.settings().unwrap().keep_in_tray);
    let current = f.core.settings().unwrap();
    f.core
        .update_settings(Settings {
            keep_in_tray: false,
            ..current
        })
        .unwrap();
    f.restart_after(1);
    assert!(!f.core.settings().unwrap().keep_in_tray);
}

#[test]
fn the_first_close_to_the_tray_is_told_once_per_data_folder() {
    let mut f = Fixture::new();
    assert!(f.core.first_close_to_tray().unwrap());
    assert!(!f.core.first_close_to_tray().unwrap());
    f.restart_after(1);
    assert!(!f.core.first_close_to_tray().unwrap(), "kept in the store");
}

#[test]
fn a_notice_is_due_once_or_once_per_span_across_restarts() {
    let mut f = Fixture::new();
    let day = 24 * 60 * 60;
    assert!(f.core.notice_due("rotation:billing", Some(day)).unwrap());
    assert!(!f.core.notice_due("rotation:billing", Some(day)).unwrap());
    assert!(f.core.notice_due("rotation:other", Some(day)).unwrap());
    assert!(f.core.notice_due("sign_in:token-1", None).unwrap());
    f.restart_after(day - 1);
    assert!(
        !f.core.notice_due("rotation:billing", Some(day)).unwrap(),
        "kept in the store"
    );
    assert!(!f.core.notice_due("sign_in:token-1", None).unwrap());
    f.restart_after(1);
    assert!(
        f.core.notice_due("rotation:billing", Some(day)).unwrap(),
        "a day later"
    );
    assert!(
        !f.core.notice_due("sign_in:token-1", None).unwrap(),
        "once only"
    );
    // a mark 90 days old is forgotten when the desktop app starts (not on every look at a
    // notice): what it was about is told again at most that often
    f.clock.0.fetch_add(91 * day, Ordering::SeqCst);
    assert!(
        !f.core.notice_due("sign_in:token-1", None).unwrap(),
        "kept while this run lasts"
    );
    f.restart_after(0);
    assert!(f.core.notice_due("sign_in:token-1", None).unwrap());
}

#[test]
fn the_command_line_leaves_old_told_marks_to_the_desktop_app() {
    let mut f = Fixture::new();
    assert!(f.core.notice_due("sign_in:token-1", None).unwrap());
    f.clock.0.fetch_add(91 * 24 * 60 * 60, Ordering::SeqCst);
    f.core.0 = None;
    let cli = Core::open_as(Actor::Cli, f.dir.path(), f.vault.clone(), f.clock.clone()).unwrap();
    assert!(
        !cli.notice_due("sign_in:token-1", None).unwrap(),
        "the command line's start forgot a told mark"
    );
}

#[test]
fn the_first_environment_becomes_active_and_inputs_are_trimmed() {
    let f = Fixture::new();
    let sandbox = f.environment("Sandbox", EnvironmentKind::Sandbox);
    f.environment("Production", EnvironmentKind::Production);
    assert_eq!(
        f.core.settings().unwrap().active_environment_id,
        Some(sandbox.id.clone())
    );
    assert_eq!(sandbox.color, "#2f80ed");
    assert_eq!(
        sandbox.endpoints.token_url.as_deref(),
        Some("https://sandbox.example.com/oauth/token")
    );
    let names: Vec<String> = f
        .core
        .environments()
        .unwrap()
        .into_iter()
        .map(|e| e.name)
        .collect();
    assert_eq!(names, ["Production", "Sandbox"]);
}

#[test]
fn a_duplicate_environment_name_is_a_conflict_on_the_name_field() {
    let f = Fixture::new();
    f.environment("Sandbox", EnvironmentKind::Sandbox);
    let mut input = EnvironmentInput {
        name: "sandbox ".into(),
        kind: EnvironmentKind::Other,
        color: "#000000".into(),
        endpoints: Endpoints::default(),
        profile: ProviderProfile::Standard,
        rotation_days: 90,
    };
    let error = f.core.create_environment(input.clone()).unwrap_err();
    assert_eq!(error.code(), ErrorCode::Conflict);
    assert_eq!(error.field(), Some("name"));
    assert_eq!(
        error.to_string(),
        "An environment named “sandbox” already exists."
    );
    input.endpoints.token_url = Some("http://id.example.com/token".into());
    let problems = f.core.validate_environment(None, &input).unwrap();
    let fields: Vec<&str> = problems.iter().map(|p| p.field.as_str()).collect();
    assert_eq!(fields, ["name", "endpoints.token_url"]);
}

#[test]
fn app_inputs_get_specific_messages_per_field() {
    let f = Fixture::new();
    let sandbox = f.environment("Sandbox", EnvironmentKind::Sandbox);
    f.app(&sandbox, "Billing sync");
    let mut input = app_input(&sandbox, "billing SYNC");
    input.client_id = "  ".into();
    input.client_type = ClientType::Public;
    input.redirect_uris = vec!["http://app.example.com/cb".into(), "".into()];
    input.default_scopes = vec!["read \"x\"".into()];
    let problems = f.core.validate_app(None, &input).unwrap();
    let fields: Vec<&str> = problems.iter().map(|p| p.field.as_str()).collect();
    assert_eq!(
        fields,
        [
            "display_name",
            "client_id",
            "auth_method",
            "redirect_uris.0",
            "default_scopes.1"
        ]
    );
    assert_eq!(
        problems[1].message,
        "Enter the client ID the provider gave this app."
    );
    assert_eq!(
        problems[0].message,
        "“Sandbox” already has an app named “billing SYNC”."
    );
}

#[test]
fn scopes_typed_in_one_box_are_split() {
    let f = Fixture::new();
    let sandbox = f.environment("Sandbox", EnvironmentKind::Sandbox);
    let app = f.app(&sandbox, "Billing sync");
    assert_eq!(app.default_scopes, ["read", "write"]);
}

#[test]
fn pasted_secrets_are_trimmed_and_live_only_in_the_keychain() {
    let f = Fixture::new();
    let sandbox = f.environment("Sandbox", EnvironmentKind::Sandbox);
    let app = f.app(&sandbox, "Billing sync");
    let added = f
        .core
        .add_secret(SecretInput {
            app_id: app.id.clone(),
            label: "  ".into(),
            value: Secret::new("  canary-secret-7Qx9 \n"),
            provider_created_at: None,
        })
        .unwrap();
    assert!(added.trimmed);
    assert_eq!(added.secret.fingerprint, "7Qx9");
    assert_eq!(added.secret.label, "Secret 1");
    assert_eq!(
        f.core.secret_value(&added.secret.id).unwrap().expose(),
        "canary-secret-7Qx9"
    );
    drop(f.core);
    for entry in std::fs::read_dir(f.dir.path()).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            continue; // locks/: empty lock files
        }
        let bytes = std::fs::read(path).unwrap();
        assert!(!bytes.windows(18).any(|w| w == b"canary-secret-7Qx9"));
    }
}

#[test]
fn public_clients_refuse_secrets() {
    let f = Fixture::new();
    let sandbox = f.environment("Sandbox", EnvironmentKind::Sandbox);
    let mut input = app_input(&sandbox, "CLI");
    input.client_type = ClientType::Public;
    input.auth_method = AuthMethod::None;
    let app = f.core.create_app(input).unwrap();
    let error = f
        .core
        .add_secret(SecretInput {
            app_id: app.id,
            label: String::new(),
            value: Secret::new("abc"),
            provider_created_at: None,
        })
        .unwrap_err();
    assert_eq!(error.field(), Some("value"));
    assert_eq!(
        error.to_string(),
        "“CLI” is a public client: public clients do not use a client secret."
    );
}

#[test]
fn the_last_active_secret_cannot_be_deleted_or_retired() {
    let f = Fixture::new();
    let sandbox = f.environment("Sandbox", EnvironmentKind::Sandbox);
    let app = f.app(&sandbox, "Billing sync");
    let old = f.secret(&app, "old-secret-1111");
    for error in [
        f.core.delete_secret(&old.id).unwrap_err(),
        f.core.retire_secret(&old.id).unwrap_err(),
    ] {
        assert_eq!(error.code(), ErrorCode::LastSecret);
        assert!(
            error
                .to_string()
                .starts_with("This is the last active secret of “Billing sync”")
        );
        assert!(
            error
                .to_string()
                .ends_with("Add the new secret first, then retire or delete this one.")
        );
    }
    // rotation: add the new one, retire the old one, delete it later
    let new = f.secret(&app, "new-secret-value-2222");
    assert_eq!(
        f.core.retire_secret(&old.id).unwrap().state,
        SecretState::Retired
    );
    assert_eq!(
        f.core.delete_secret(&new.id).unwrap_err().code(),
        ErrorCode::LastSecret
    );
    f.core.delete_secret(&old.id).unwrap();
    let left: Vec<String> = f
        .core
        .secrets(&app.id)
        .unwrap()
        .into_iter()
        .map(|s| s.fingerprint)
        .collect();
    assert_eq!(left, ["2222"]);
    f.assert_stores_agree();
}

#[test]
fn secrets_past_the_rotation_policy_are_flagged() {
    let f = Fixture::new();
    let sandbox = f.environment("Sandbox", EnvironmentKind::Sandbox);
    let app = f.app(&sandbox, "Billing sync");
    f.core
        .add_secret(SecretInput {
            app_id: app.id.clone(),
            label: "from the provider".into(),
            value: Secret::new("provider-secret"),
            provider_created_at: Timestamp::from_unix(START - 89 * 86_400),
        })
        .unwrap();
    assert!(!f.core.apps(&sandbox.id).unwrap()[0].rotation_due);
    f.clock.0.fetch_add(86_400, Ordering::SeqCst);
    let secret = &f.core.secrets(&app.id).unwrap()[0];
    assert_eq!((secret.age_days, secret.rotation_due), (90, true));
    assert!(f.core.apps(&sandbox.id).unwrap()[0].rotation_due);
}

#[test]
fn deleting_an_app_removes_its_keychain_entries() {
    let f = Fixture::new();
    let sandbox = f.environment("Sandbox", EnvironmentKind::Sandbox);
    let app = f.app(&sandbox, "Billing sync");
    f.secret(&app, "one-secret");
    f.secret(&app, "two-secret");
    let other = f.app(&sandbox, "Reports");
    f.secret(&other, "three-secret");
    assert_eq!(
        f.core.delete_app(&app.id).unwrap().keychain_entries_removed,
        2
    );
    assert_eq!(f.core.app(&app.id).unwrap_err().code(), ErrorCode::NotFound);
    assert_eq!(f.vault.accounts().unwrap().len(), 1);
    f.assert_stores_agree();
}

#[test]
fn an_environment_with_apps_is_deleted_only_when_asked_to_take_them() {
    let f = Fixture::new();
    let sandbox = f.environment("Sandbox", EnvironmentKind::Sandbox);
    let production = f.environment("Production", EnvironmentKind::Production);
    let app = f.app(&sandbox, "Billing sync");
    f.app(&sandbox, "No secrets");
    f.secret(&app, "one-secret");
    let error = f.core.delete_environment(&sandbox.id, false).unwrap_err();
    assert_eq!(error.code(), ErrorCode::EnvironmentNotEmpty);
    assert_eq!(
        error.to_string(),
        "“Sandbox” still holds 2 apps. Delete them first, or confirm that they and their secrets go too."
    );
    let deleted = f.core.delete_environment(&sandbox.id, true).unwrap();
    assert_eq!(
        deleted,
        EnvironmentDeleted {
            apps_removed: 2,
            keychain_entries_removed: 1
        }
    );
    assert_eq!(f.core.environments().unwrap().len(), 1);
    assert_eq!(
        f.core.settings().unwrap().active_environment_id,
        Some(production.id)
    );
    f.assert_stores_agree();
    assert!(f.vault.accounts().unwrap().is_empty());
}

#[test]
fn linked_apps_are_found_across_environments() {
    let f = Fixture::new();
    let sandbox = f.environment("Sandbox", EnvironmentKind::Sandbox);
    let production = f.environment("Production", EnvironmentKind::Production);
    let mut input = app_input(&sandbox, "Billing sync (sbx)");
    input.link = Some("Billing sync".into());
    let sbx = f.core.create_app(input.clone()).unwrap();
    input.environment_id = production.id.clone();
    input.display_name = "Billing sync".into();
    input.link = Some("billing SYNC".into());
    let prd = f.core.create_app(input).unwrap();
    let linked = f.core.linked_apps(&sbx.id).unwrap();
    assert_eq!(linked.len(), 1);
    assert_eq!(
        (&linked[0].app_id, &linked[0].environment_name),
        (&prd.id, &"Production".to_owned())
    );
    assert_eq!(linked[0].environment_kind, EnvironmentKind::Production);
}

#[test]
fn apps_named_finds_by_id_client_id_name_or_link_in_its_environment_only() {
    let f = Fixture::new();
    let sandbox = f.environment("Sandbox", EnvironmentKind::Sandbox);
    let production = f.environment("Production", EnvironmentKind::Production);
    let mut input = app_input(&sandbox, "Billing sync");
    input.link = Some("Billing".into());
    let billing = f.core.create_app(input.clone()).unwrap();
    let reports = f.core.create_app(app_input(&sandbox, "Reports")).unwrap();
    input.environment_id = production.id.clone();
    f.core.create_app(input).unwrap();
    let found = |text: &str| -> Vec<String> {
        f.core
            .apps_named(&sandbox.id, text)
            .unwrap()
            .into_iter()
            .map(|app| app.display_name)
            .collect()
    };
    for text in [
        "Billing sync",
        "BILLING SYNC",
        "billing-sync-id",
        "billing",
        billing.id.as_str(),
    ] {
        assert_eq!(found(text), ["Billing sync"], "{text}");
    }
    assert_eq!(found("reports-id"), ["Reports"]);
    assert_eq!(found(reports.id.as_str()), ["Reports"]);
    // a client ID is compared exactly; nothing matches a part of a name
    assert_eq!(found("BILLING-SYNC-ID"), Vec::<String>::new());
    assert_eq!(found("Billing s"), Vec::<String>::new());
    let summary = &f.core.apps_named(&sandbox.id, "Billing sync").unwrap()[0];
    let listed = f.core.apps(&sandbox.id).unwrap();
    assert_eq!(
        Some(summary),
        listed.iter().find(|app| app.id == billing.id)
    );
}

#[test]
fn a_keychain_that_refuses_a_write_leaves_nothing_anywhere() {
    let f = Fixture::new();
    let sandbox = f.environment("Sandbox", EnvironmentKind::Sandbox);
    let app = f.app(&sandbox, "Billing sync");
    f.vault.refuse_put.store(true, Ordering::SeqCst);
    let error = f.core.add_secret(SecretInput {
        app_id: app.id.clone(),
        label: String::new(),
        value: Secret::new("never-stored"),
        provider_created_at: None,
    });
    assert_eq!(error.unwrap_err().code(), ErrorCode::KeychainLocked);
    assert!(f.core.secrets(&app.id).unwrap().is_empty());
    let conn = &f.core.store().unwrap().conn;
    assert!(
        store::intents::of_owner(conn, f.core.writer_id())
            .unwrap()
            .is_empty()
    );
}

#[test]
fn a_keychain_that_refuses_a_delete_changes_nothing() {
    let f = Fixture::new();
    let sandbox = f.environment("Sandbox", EnvironmentKind::Sandbox);
    let app = f.app(&sandbox, "Billing sync");
    f.secret(&app, "one-secret");
    f.secret(&app, "two-secret");
    f.vault.refuse_delete_after.store(0, Ordering::SeqCst);
    assert_eq!(
        f.core.delete_app(&app.id).unwrap_err().code(),
        ErrorCode::KeychainLocked
    );
    assert_eq!(f.core.secrets(&app.id).unwrap().len(), 2);
    assert!(
        store::intents::of_owner(&f.core.store().unwrap().conn, f.core.writer_id())
            .unwrap()
            .is_empty()
    );
    f.assert_stores_agree();
}

#[test]
fn a_keychain_that_fails_part_way_through_an_app_delete_is_finished_at_next_start() {
    let mut f = Fixture::new();
    let sandbox = f.environment("Sandbox", EnvironmentKind::Sandbox);
    let app = f.app(&sandbox, "Billing sync");
    f.secret(&app, "one-secret");
    f.secret(&app, "two-secret");
    f.vault.refuse_delete_after.store(1, Ordering::SeqCst);
    let error = f.core.delete_app(&app.id).unwrap_err();
    assert!(
        error
            .to_string()
            .starts_with("The keychain stopped answering after 1 of 2 entries")
    );
    assert_eq!(f.core.secrets(&app.id).unwrap().len(), 1);
    f.vault.refuse_delete_after.store(-1, Ordering::SeqCst);
    f.restart_after(RECONCILE_AFTER_SECONDS + 1);
    assert_eq!(f.core.app(&app.id).unwrap_err().code(), ErrorCode::NotFound);
    f.assert_stores_agree();
}

#[test]
fn a_crash_at_any_step_of_an_add_leaves_no_orphan() {
    for step in ["add: intent recorded", "add: keychain written"] {
        let mut f = Fixture::new();
        let sandbox = f.environment("Sandbox", EnvironmentKind::Sandbox);
        let app = f.app(&sandbox, "Billing sync");
        f.secret(&app, "kept-secret");
        f.crash_at(step);
        let crashed = f.core.add_secret(SecretInput {
            app_id: app.id.clone(),
            label: String::new(),
            value: Secret::new("lost-in-crash"),
            provider_created_at: None,
        });
        assert!(crashed.is_err(), "{step}");
        // the crashed core is gone with its lock: the next start undoes its add at once
        assert_eq!(f.restart_after(0).undone_puts, 1, "{step}");
        f.assert_stores_agree();
        let kept = &f.core.secrets(&app.id).unwrap()[0];
        assert_eq!(
            f.core.secret_value(&kept.id).unwrap().expose(),
            "kept-secret"
        );
    }
}

#[test]
fn a_crash_at_any_step_of_a_delete_is_finished_at_next_start() {
    for step in ["delete: before keychain", "delete: keychain removed"] {
        let mut f = Fixture::new();
        let sandbox = f.environment("Sandbox", EnvironmentKind::Sandbox);
        let app = f.app(&sandbox, "Billing sync");
        let doomed = f.secret(&app, "doomed-secret");
        let kept = f.secret(&app, "kept-secret");
        f.crash_at(step);
        assert!(f.core.delete_secret(&doomed.id).is_err(), "{step}");
        assert_eq!(
            f.restart_after(RECONCILE_AFTER_SECONDS + 1)
                .finished_deletes,
            1,
            "{step}"
        );
        let left: Vec<SecretId> = f
            .core
            .secrets(&app.id)
            .unwrap()
            .into_iter()
            .map(|s| s.id)
            .collect();
        assert_eq!(left, std::slice::from_ref(&kept.id), "{step}");
        f.assert_stores_agree();
    }
}

#[test]
fn a_crash_during_an_environment_delete_is_finished_at_next_start() {
    let mut f = Fixture::new();
    let sandbox = f.environment("Sandbox", EnvironmentKind::Sandbox);
    for name in ["One", "Two"] {
        let app = f.app(&sandbox, name);
        f.secret(&app, &format!("{name}-secret"));
    }
    f.crash_at("delete: keychain removed");
    assert!(f.core.delete_environment(&sandbox.id, true).is_err());
    let outcome = f.restart_after(RECONCILE_AFTER_SECONDS + 1);
    assert_eq!(outcome.finished_deletes, 2);
    assert!(f.core.environments().unwrap().is_empty());
    assert!(f.vault.accounts().unwrap().is_empty());
    f.assert_stores_agree();
}

#[test]
fn a_database_from_a_newer_version_is_refused_and_left_untouched() {
    let f = Fixture::new();
    f.environment("Sandbox", EnvironmentKind::Sandbox);
    f.core
        .store()
        .unwrap()
        .conn
        .pragma_update(None, "user_version", 99)
        .unwrap();
    f.core
        .store()
        .unwrap()
        .conn
        .pragma_update(None, "wal_checkpoint", "TRUNCATE")
        .ok();
    let Fixture {
        dir,
        vault,
        clock,
        core,
    } = f;
    drop(core);
    let path = dir.path().join(store::DATABASE_FILE);
    let before = std::fs::read(&path).unwrap();
    let error = Core::open(dir.path(), vault, clock).err().unwrap();
    assert_eq!(error.code(), ErrorCode::StoreTooNew);
    assert!(
        error
            .to_string()
            .contains("written by a newer version of Authdeck (schema 99")
    );
    assert_eq!(std::fs::read(&path).unwrap(), before);
}

#[test]
fn a_damaged_or_foreign_file_is_refused_and_left_untouched() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(store::DATABASE_FILE);
    let clock = Arc::new(TestClock(AtomicI64::new(START)));
    std::fs::write(&path, b"this is not a database, it is a shopping list\n").unwrap();
    let error = Core::open(dir.path(), Arc::new(MemoryVault::default()), clock.clone())
        .err()
        .unwrap();
    assert_eq!(error.code(), ErrorCode::StoreCorrupt);
    assert!(error.to_string().contains("not an SQLite file"));
    assert_eq!(
        std::fs::read(&path).unwrap(),
        b"this is not a database, it is a shopping list\n"
    );
    let names: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(
        names.len(),
        1,
        "no -wal or -shm file was created: {names:?}"
    );

    // another program's SQLite database
    std::fs::remove_file(&path).unwrap();
    let other = rusqlite::Connection::open(&path).unwrap();
    other
        .execute_batch("CREATE TABLE recipes (name TEXT);")
        .unwrap();
    drop(other);
    let before = std::fs::read(&path).unwrap();
    let error = Core::open(dir.path(), Arc::new(MemoryVault::default()), clock)
        .err()
        .unwrap();
    assert_eq!(error.code(), ErrorCode::StoreCorrupt);
    assert!(error.to_string().contains("belongs to another program"));
    assert_eq!(std::fs::read(&path).unwrap(), before);
}

#[test]
fn a_damaged_page_refuses_the_reads_that_meet_it_and_the_desktop_start_finds_it() {
    let mut f = Fixture::new();
    let sandbox = f.environment("Sandbox", EnvironmentKind::Sandbox);
    for n in 0..300 {
        f.core
            .create_app(app_input(&sandbox, &format!("App {n:03}")))
            .unwrap();
    }
    f.core.0.take(); // closed: its WAL is checkpointed into the file
    let path = f.dir.path().join(store::DATABASE_FILE);
    let (damaged_at, page_size) = {
        // the apps table's root page gets a page type no b-tree page has
        let conn = rusqlite::Connection::open(&path).unwrap();
        let root: i64 = conn
            .query_row(
                "SELECT rootpage FROM sqlite_schema WHERE name = 'apps'",
                [],
                |row| row.get(0),
            )
            .unwrap();
        let page_size: i64 = conn
            .query_row("PRAGMA page_size", [], |row| row.get(0))
            .unwrap();
        drop(conn);
        let mut bytes = std::fs::read(&path).unwrap();
        bytes[usize::try_from((root - 1) * page_size).unwrap()] = 0x07;
        std::fs::write(&path, bytes).unwrap();
        (
            usize::try_from((root - 1) * page_size).unwrap(),
            usize::try_from(page_size).unwrap(),
        )
    };
    let page = |bytes: &[u8]| bytes[damaged_at..damaged_at + page_size].to_vec();
    let damaged_page = page(&std::fs::read(&path).unwrap());

    // the CLI's open checks the header and schema only: what does not read the page works
    let cli = Core::open_as(Actor::Cli, f.dir.path(), f.vault.clone(), f.clock.clone()).unwrap();
    assert_eq!(cli.environments().unwrap().len(), 1);
    let error = cli.apps(&sandbox.id).unwrap_err();
    assert_eq!(error.code(), ErrorCode::StoreCorrupt);
    assert!(
        error.to_string().starts_with(
            "Authdeck's database (authdeck.db in the data folder) is damaged (database disk \
             image is malformed"
        ),
        "{error}"
    );
    let error = cli.apps_named(&sandbox.id, "App 001").unwrap_err();
    assert_eq!(error.code(), ErrorCode::StoreCorrupt);
    drop(cli);
    let after_cli = std::fs::read(&path).unwrap();
    assert!(
        page(&after_cli) == damaged_page,
        "the damaged page was not written over"
    );

    // the desktop app's start checks every page, and refuses before writing anything
    let error = Core::open(f.dir.path(), f.vault.clone(), f.clock.clone())
        .err()
        .unwrap();
    assert_eq!(error.code(), ErrorCode::StoreCorrupt);
    assert!(error.to_string().contains("is damaged"), "{error}");
    assert!(
        std::fs::read(&path).unwrap() == after_cli,
        "the desktop's refusal left the file untouched"
    );
}

/// A client-credentials token response to keep (shared with the audit tests).
pub(super) fn minted(value: &str) -> super::tokens::Keep {
    super::tokens::Keep {
        minted: crate::flows::Minted {
            access_token: Secret::new(value),
            token_type: "Bearer".into(),
            expires_in: Some(std::time::Duration::from_secs(3600)),
            scopes: None,
            created_at: None,
            refresh_token: None,
            id_token: None,
            refresh_expires_in: None,
            instance_url: None,
            issued_token_type: None,
        },
        source: TokenSource::ClientCredentials,
        scopes: vec![],
        secret_id: None,
        id_claims: None,
        refresh_expires_at: None,
        refreshed: false,
    }
}

#[test]
fn a_lifetime_that_would_overflow_or_wrap_is_refused_and_nothing_is_stored() {
    let f = Fixture::new();
    let sandbox = f.environment("Sandbox", EnvironmentKind::Sandbox);
    let app = f.app(&sandbox, "Billing sync");
    // u64::MAX reads as -1 s when cast (a token expired before it was issued); i64::MAX
    // overflows the addition (a panic in a debug build, "never expires" in a release one)
    for seconds in [u64::MAX, i64::MAX as u64, 20 * 366 * 86_400] {
        let mut keep = minted("long-lived-token");
        keep.minted.expires_in = Some(std::time::Duration::from_secs(seconds));
        let error = f.core.store_token(&app.id, keep).unwrap_err();
        assert_eq!(error.code(), ErrorCode::BadResponse, "{seconds}");
        assert!(error.to_string().contains("expires_in"), "{error}");
        assert_eq!(f.core.token_status(&app.id).unwrap().token, None);
        assert!(f.vault.accounts().unwrap().is_empty());
    }
    // zero is taken as said: a token that expires as it is issued (shown expired, never
    // renewed in a loop), not one that never expires
    let mut keep = minted("short-lived-token");
    keep.minted.expires_in = Some(std::time::Duration::ZERO);
    let stored = f.core.store_token(&app.id, keep).unwrap();
    assert_eq!(stored.expires_at, Some(stored.issued_at));
}

/// A browser login's tokens: access, refresh and ID token.
fn signed_in(value: &str) -> super::tokens::Keep {
    let mut keep = minted(value);
    keep.source = TokenSource::AuthorizationCode;
    keep.minted.refresh_token = Some(Secret::new(format!("{value}-refresh")));
    keep.minted.id_token = Some(Secret::new(format!("{value}-id")));
    keep.id_claims = Some(r#"{"sub":"alice"}"#.into());
    keep
}

#[test]
fn a_crash_at_any_step_of_storing_a_token_keeps_the_old_one_and_leaves_no_orphan() {
    for step in ["token: intent recorded", "token: keychain written"] {
        let mut f = Fixture::new();
        let sandbox = f.environment("Sandbox", EnvironmentKind::Sandbox);
        let app = f.app(&sandbox, "Billing sync");
        let old = f
            .core
            .store_token(&app.id, minted("old-token-value"))
            .unwrap();
        f.crash_at(step);
        let crashed = f.core.store_token(&app.id, minted("new-token-value"));
        assert!(crashed.is_err(), "{step}");
        assert_eq!(
            f.restart_after(RECONCILE_AFTER_SECONDS + 1).undone_puts,
            1,
            "{step}"
        );
        let (kept, value) = f.core.token_value(&app.id).unwrap();
        assert_eq!(kept.id, old.id, "{step}");
        assert_eq!(value.expose(), "old-token-value", "{step}");
        f.assert_stores_agree();
    }
}

#[test]
fn a_crash_after_the_old_entries_are_removed_keeps_the_new_token_and_reconciles() {
    // The step after the removal is committed without an fsync: a power cut can lose it,
    // which leaves the same state as this crash, and the reconciler must finish it.
    for (keep, old_entries) in [
        (minted as fn(&str) -> super::tokens::Keep, 1),
        (signed_in, 3),
    ] {
        let mut f = Fixture::new();
        let sandbox = f.environment("Sandbox", EnvironmentKind::Sandbox);
        let app = f.app(&sandbox, "Billing sync");
        let old = f.core.store_token(&app.id, keep("old")).unwrap();
        f.crash_at("token: old entries removed");
        assert!(f.core.store_token(&app.id, keep("new")).is_err());
        assert!(f.vault.get(&super::token_account(&old.id)).is_err());
        assert_eq!(
            f.restart_after(RECONCILE_AFTER_SECONDS + 1)
                .finished_deletes,
            old_entries
        );
        let (kept, value) = f.core.token_value(&app.id).unwrap();
        assert_ne!(kept.id, old.id);
        assert_eq!(value.expose(), "new");
        f.assert_stores_agree();
    }
}

#[test]
fn a_replaced_token_whose_old_entry_could_not_be_removed_is_cleaned_up_at_next_start() {
    let mut f = Fixture::new();
    let sandbox = f.environment("Sandbox", EnvironmentKind::Sandbox);
    let app = f.app(&sandbox, "Billing sync");
    f.core
        .store_token(&app.id, minted("old-token-value"))
        .unwrap();
    f.vault.refuse_delete_after.store(0, Ordering::SeqCst);
    let new = f
        .core
        .store_token(&app.id, minted("new-token-value"))
        .unwrap();
    assert_eq!(f.vault.accounts().unwrap().len(), 2);
    f.vault.refuse_delete_after.store(-1, Ordering::SeqCst);
    assert_eq!(
        f.restart_after(RECONCILE_AFTER_SECONDS + 1)
            .finished_deletes,
        1
    );
    let (kept, value) = f.core.token_value(&app.id).unwrap();
    assert_eq!((kept.id, value.expose()), (new.id, "new-token-value"));
    f.assert_stores_agree();
}

#[test]
fn a_token_just_stored_is_handed_over_once_without_the_keychain_then_read_from_it() {
    let f = Fixture::new();
    let sandbox = f.environment("Sandbox", EnvironmentKind::Sandbox);
    let app = f.app(&sandbox, "Billing sync");
    let stored = f.core.store_token(&app.id, minted("token-value")).unwrap();
    // what the keychain holds now differs, so each read shows where its value came from
    let account = super::token_account(&stored.id);
    f.vault
        .put(&account, &Secret::new("keychain-value"))
        .unwrap();
    assert_eq!(
        f.core.token_value(&app.id).unwrap().1.expose(),
        "token-value"
    );
    assert_eq!(
        f.core.token_value(&app.id).unwrap().1.expose(),
        "keychain-value"
    );
}

#[test]
fn a_token_stored_more_than_two_seconds_ago_is_read_from_the_keychain() {
    let f = Fixture::new();
    let sandbox = f.environment("Sandbox", EnvironmentKind::Sandbox);
    let app = f.app(&sandbox, "Billing sync");
    let stored = f.core.store_token(&app.id, minted("token-value")).unwrap();
    let account = super::token_account(&stored.id);
    f.vault
        .put(&account, &Secret::new("keychain-value"))
        .unwrap();
    f.clock.0.fetch_add(3, Ordering::SeqCst);
    assert_eq!(
        f.core.token_value(&app.id).unwrap().1.expose(),
        "keychain-value"
    );
}

#[test]
fn deleting_an_app_removes_its_token_from_the_keychain() {
    let f = Fixture::new();
    let sandbox = f.environment("Sandbox", EnvironmentKind::Sandbox);
    let app = f.app(&sandbox, "Billing sync");
    f.secret(&app, "a-secret");
    f.core.store_token(&app.id, minted("token-value")).unwrap();
    let deleted = f.core.delete_app(&app.id).unwrap();
    assert_eq!(deleted.keychain_entries_removed, 2);
    assert!(f.vault.accounts().unwrap().is_empty());
    f.assert_stores_agree();
}

#[test]
fn forgetting_a_token_removes_value_and_row() {
    let f = Fixture::new();
    let sandbox = f.environment("Sandbox", EnvironmentKind::Sandbox);
    let app = f.app(&sandbox, "Billing sync");
    f.core.store_token(&app.id, minted("token-value")).unwrap();
    let status = f.core.forget_token(&app.id).unwrap();
    assert_eq!(status.state, TokenState::None);
    assert!(f.vault.accounts().unwrap().is_empty());
    assert_eq!(
        f.core.token_value(&app.id).unwrap_err().code(),
        ErrorCode::NotFound
    );
}

#[test]
fn a_token_authdeck_revoked_is_not_copied() {
    let f = Fixture::new();
    let sandbox = f.environment("Sandbox", EnvironmentKind::Sandbox);
    let app = f.app(&sandbox, "Billing sync");
    let token = f.core.store_token(&app.id, minted("token-value")).unwrap();
    assert_eq!(
        f.core.token_to_copy(&app.id).unwrap().expose(),
        "token-value"
    );
    f.core
        .store()
        .unwrap()
        .write(|tx| crate::store::tokens::set_revoked(tx, &token.id, f.core.now()))
        .unwrap();
    let refused = f.core.token_to_copy(&app.id).unwrap_err();
    assert_eq!(refused.code(), ErrorCode::NotConfigured);
    assert_eq!(
        refused.to_string(),
        "The token of “Billing sync” was revoked at the provider, so every API refuses it. Get \
         a new token to copy one."
    );
    let copies = f
        .core
        .audit_log(&crate::audit::AuditQuery::default())
        .unwrap()
        .into_iter()
        .filter(|entry| entry.action == crate::audit::AuditAction::TokenCopied)
        .count();
    assert_eq!(copies, 1, "only the copy that was made is in the log");
}

#[test]
fn a_write_by_another_program_is_noticed_once() {
    let f = Fixture::new();
    assert!(
        !f.core.changed_elsewhere().unwrap(),
        "the first poll sets the baseline"
    );
    f.environment("Sandbox", EnvironmentKind::Sandbox);
    assert!(
        !f.core.changed_elsewhere().unwrap(),
        "its own writes do not count"
    );
    let other = Core::open(f.dir.path(), f.vault.clone(), f.clock.clone()).unwrap();
    other
        .create_environment(EnvironmentInput {
            name: "Production".into(),
            kind: EnvironmentKind::Production,
            color: "#eb5757".into(),
            endpoints: Endpoints::default(),
            profile: ProviderProfile::Standard,
            rotation_days: DEFAULT_ROTATION_DAYS,
        })
        .unwrap();
    assert!(f.core.changed_elsewhere().unwrap());
    assert!(!f.core.changed_elsewhere().unwrap());
}

#[test]
fn a_crash_at_any_step_of_storing_a_login_keeps_the_old_tokens_and_leaves_no_orphan() {
    for step in ["token: intent recorded", "token: keychain written"] {
        let mut f = Fixture::new();
        let sandbox = f.environment("Sandbox", EnvironmentKind::Sandbox);
        let app = f.app(&sandbox, "Billing sync");
        let old = f.core.store_token(&app.id, signed_in("old")).unwrap();
        f.crash_at(step);
        assert!(
            f.core.store_token(&app.id, signed_in("new")).is_err(),
            "{step}"
        );
        assert_eq!(
            f.restart_after(RECONCILE_AFTER_SECONDS + 1).undone_puts,
            3,
            "{step}: access, refresh and ID token entries undone"
        );
        let (kept, value) = f.core.token_value(&app.id).unwrap();
        assert_eq!((kept.id, value.expose()), (old.id.clone(), "old"), "{step}");
        assert_eq!(
            f.vault
                .get(&super::refresh_account(&old.id))
                .unwrap()
                .expose(),
            "old-refresh"
        );
        f.assert_stores_agree();
    }
}

#[test]
fn a_new_login_replaces_every_entry_of_the_old_one() {
    let f = Fixture::new();
    let sandbox = f.environment("Sandbox", EnvironmentKind::Sandbox);
    let app = f.app(&sandbox, "Billing sync");
    f.core.store_token(&app.id, signed_in("old")).unwrap();
    let new = f.core.store_token(&app.id, signed_in("new")).unwrap();
    let mut held = f.vault.accounts().unwrap();
    held.sort();
    let mut expected = vec![
        super::id_token_account(&new.id),
        super::refresh_account(&new.id),
        super::token_account(&new.id),
    ];
    expected.sort();
    assert_eq!(held, expected);
    assert!(new.has_refresh_token && new.has_id_token);
    let details = f.core.token_details(&app.id).unwrap();
    let claims = details.id_claims.unwrap();
    assert_eq!(
        (claims[0].name.as_str(), claims[0].value.as_str()),
        ("sub", "alice")
    );
    f.assert_stores_agree();
}

#[test]
fn forgetting_or_deleting_removes_refresh_and_id_tokens_too() {
    let f = Fixture::new();
    let sandbox = f.environment("Sandbox", EnvironmentKind::Sandbox);
    let app = f.app(&sandbox, "Billing sync");
    f.core.store_token(&app.id, signed_in("one")).unwrap();
    f.core.forget_token(&app.id).unwrap();
    assert!(f.vault.accounts().unwrap().is_empty());
    f.assert_stores_agree();

    f.core.store_token(&app.id, signed_in("two")).unwrap();
    let deleted = f.core.delete_app(&app.id).unwrap();
    assert_eq!(deleted.keychain_entries_removed, 3);
    assert!(f.vault.accounts().unwrap().is_empty());
    f.assert_stores_agree();
}

#[test]
fn the_loopback_redirect_prefers_127_0_0_1_and_keeps_a_registered_port() {
    let f = Fixture::new();
    let sandbox = f.environment("Sandbox", EnvironmentKind::Sandbox);
    let mut app = f.app(&sandbox, "Billing sync");
    let pick = |uris: &[&str], app: &mut ClientApp| {
        app.redirect_uris = uris.iter().map(|u| u.to_string()).collect();
        super::loopback_redirect(app).map(|o| (o.host, o.port, o.path))
    };
    assert_eq!(
        pick(
            &[
                "https://app.example.com/cb",
                "http://localhost:8080/callback",
                "http://127.0.0.1/cb"
            ],
            &mut app
        )
        .unwrap(),
        ("127.0.0.1".to_owned(), 0, "/cb".to_owned())
    );
    assert_eq!(
        pick(&["http://localhost:8080/callback"], &mut app).unwrap(),
        ("localhost".to_owned(), 8080, "/callback".to_owned())
    );
    assert_eq!(
        pick(&["http://localhost"], &mut app).unwrap(),
        ("localhost".to_owned(), 0, "/".to_owned())
    );
    let none = pick(
        &[
            "https://app.example.com/cb",
            "http://[::1]/cb",
            "http://127.0.0.1/cb?x=1",
        ],
        &mut app,
    )
    .unwrap_err();
    assert_eq!(none.code(), ErrorCode::NotConfigured);
    assert!(
        none.to_string().contains("http://127.0.0.1/callback"),
        "{none}"
    );
}

#[test]
fn a_login_timeout_outside_ten_seconds_to_an_hour_is_refused_with_its_field() {
    let input = |seconds| LoginInput {
        scopes: None,
        timeout_seconds: Some(seconds),
    };
    for bad in [0, 9, 3601] {
        let error = LoginOptions::try_from(input(bad)).unwrap_err();
        assert_eq!(error.field(), Some("timeout_seconds"), "{bad}");
    }
    let ok = LoginOptions::try_from(input(600)).unwrap();
    assert_eq!(ok.timeout, Some(std::time::Duration::from_secs(600)));
    assert_eq!(
        LoginOptions::try_from(LoginInput::default())
            .unwrap()
            .timeout,
        None
    );
}

#[tokio::test]
async fn a_refresh_left_unfinished_by_a_crash_is_never_sent_again() {
    let f = Fixture::new();
    let sandbox = f.environment("Sandbox", EnvironmentKind::Sandbox);
    let app = f.app(&sandbox, "Billing sync");
    f.secret(&app, "a-secret");
    let token = f.core.store_token(&app.id, signed_in("one")).unwrap();
    // what a crash after the request left: the mark, and no new token
    let at = f.core.now().unix();
    f.core
        .store()
        .unwrap()
        .write(|tx| crate::store::tokens::set_refresh_sent(tx, &token.id, Some(at)))
        .unwrap();

    let refused = f
        .core
        .fetch_token(&app.id, TokenRequestInput::default(), Fetch::New)
        .await
        .unwrap_err();
    // (without the mark, the refresh would go to the example token URL: a network error)
    assert_eq!(refused.code(), ErrorCode::LoginRequired, "{refused}");
    assert!(refused.to_string().contains("never finished"), "{refused}");
    assert!(f.vault.get(&super::refresh_account(&token.id)).is_err());
    assert!(
        !f.core
            .token_status(&app.id)
            .unwrap()
            .token
            .unwrap()
            .has_refresh_token
    );
    f.assert_stores_agree();
}

#[cfg(unix)]
#[tokio::test]
async fn a_symlink_planted_as_a_token_lock_is_refused_and_its_target_untouched() {
    let f = Fixture::new();
    let sandbox = f.environment("Sandbox", EnvironmentKind::Sandbox);
    let app = f.app(&sandbox, "Billing sync");
    let target = f.dir.path().join("victim.txt");
    std::fs::write(&target, "keep me").unwrap();
    let link = f.dir.path().join(format!("locks/token-{}.lock", app.id));
    std::os::unix::fs::symlink(&target, &link).unwrap();
    let error = f.core.process_lock(&app.id).await.unwrap_err();
    assert_eq!(error.code(), ErrorCode::Store);
    assert!(error.to_string().contains("is a symbolic link"), "{error}");
    assert_eq!(std::fs::read_to_string(&target).unwrap(), "keep me");
}

mod dpop;
mod keys;
mod owners;
mod profiles;
mod refresh;
mod sign_in;
mod team;

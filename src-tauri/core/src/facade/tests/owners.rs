//! The reconciler reclaims an intent by whether its writer is alive (its lock held), not by
//! its age; only intents with no owner (older versions) keep the age rule.

use super::*;

/// Leaves an unfinished add of `value` by `f.core`: the keychain holds it, its row is missing.
fn interrupted_add(f: &Fixture, app: &ClientApp, value: &str) {
    f.crash_at("add: keychain written");
    let crashed = f.core.add_secret(SecretInput {
        app_id: app.id.clone(),
        label: String::new(),
        value: Secret::new(value),
        provider_created_at: None,
    });
    assert!(crashed.is_err());
    *f.core.crash_at.lock().unwrap() = None;
}

fn other_core(f: &Fixture) -> Core {
    Core::open(f.dir.path(), f.vault.clone(), f.clock.clone()).unwrap()
}

#[test]
fn a_live_owners_intent_is_never_reclaimed_however_old() {
    let f = Fixture::new();
    let sandbox = f.environment("Sandbox", EnvironmentKind::Sandbox);
    let app = f.app(&sandbox, "Billing sync");
    // the desktop app, still waiting on the keychain with its value already handed over
    interrupted_add(&f, &app, "being-saved");
    let held = f.vault.accounts().unwrap();
    assert_eq!(held.len(), 1);
    // a CLI started a year later, while the desktop app still runs
    f.clock.0.fetch_add(365 * 24 * 3600, Ordering::SeqCst);
    let cli = other_core(&f);
    assert_eq!(cli.reconciled_at_open(), &Reconciled::default());
    assert_eq!(cli.reconcile().unwrap(), Reconciled::default());
    assert_eq!(f.vault.accounts().unwrap(), held);
    assert_eq!(
        store::intents::of_owner(&f.core.store().unwrap().conn, f.core.writer_id())
            .unwrap()
            .len(),
        1
    );
}

#[test]
fn a_dead_owners_intent_is_reclaimed_at_once() {
    let mut f = Fixture::new();
    let sandbox = f.environment("Sandbox", EnvironmentKind::Sandbox);
    let app = f.app(&sandbox, "Billing sync");
    interrupted_add(&f, &app, "lost-in-crash");
    let lock = f
        .dir
        .path()
        .join(format!("locks/writer-{}.lock", f.core.writer_id()));
    assert!(lock.exists());
    f.core.0 = None; // the process ends (its lock with it), no time passes
    assert!(!lock.exists());
    let next = other_core(&f);
    assert_eq!(next.reconciled_at_open().undone_puts, 1);
    assert!(f.vault.accounts().unwrap().is_empty());
    assert!(next.secrets(&app.id).unwrap().is_empty());
}

#[test]
fn a_killed_owners_lock_file_is_reclaimed_and_removed() {
    let f = Fixture::new();
    let sandbox = f.environment("Sandbox", EnvironmentKind::Sandbox);
    let app = f.app(&sandbox, "Billing sync");
    let locks = f.dir.path().join("locks");
    // a writer killed mid-add: its lock file stays, unlocked, with its intent
    let killed = uuid::Uuid::new_v4().to_string();
    let lock = locks.join(format!("writer-{killed}.lock"));
    std::fs::write(&lock, "").unwrap();
    let stamp = |owner: &str| store::intents::set_owner(&f.core.store().unwrap().conn, owner);
    stamp(&killed).unwrap();
    interrupted_add(&f, &app, "lost-in-kill");
    stamp(f.core.writer_id()).unwrap();
    let next = other_core(&f);
    assert_eq!(next.reconciled_at_open().undone_puts, 1);
    assert!(f.vault.accounts().unwrap().is_empty());
    assert!(!lock.exists());
}

#[test]
fn an_intent_with_no_owner_is_reclaimed_only_after_the_grace_period() {
    let mut f = Fixture::new();
    let sandbox = f.environment("Sandbox", EnvironmentKind::Sandbox);
    let app = f.app(&sandbox, "Billing sync");
    interrupted_add(&f, &app, "from-an-older-version");
    f.core
        .store()
        .unwrap()
        .conn
        .execute("UPDATE keychain_intents SET owner = NULL", [])
        .unwrap();
    assert_eq!(
        f.restart_after(RECONCILE_AFTER_SECONDS - 1),
        Reconciled::default()
    );
    assert_eq!(f.vault.accounts().unwrap().len(), 1);
    assert_eq!(f.restart_after(1).undone_puts, 1);
    f.assert_stores_agree();
}

#[test]
fn a_core_that_only_reads_takes_no_writer_lock_and_its_first_write_takes_one() {
    let mut f = Fixture::new();
    let sandbox = f.environment("Sandbox", EnvironmentKind::Sandbox);
    f.core.0 = None;
    let locks = f.dir.path().join("locks");
    let listing = || {
        let mut names: Vec<String> = std::fs::read_dir(&locks)
            .unwrap()
            .map(|e| e.unwrap().file_name().into_string().unwrap())
            .collect();
        names.sort();
        names
    };
    assert!(listing().is_empty());
    let cli = Core::open_as(Actor::Cli, f.dir.path(), f.vault.clone(), f.clock.clone()).unwrap();
    assert_eq!(cli.environments().unwrap().len(), 1);
    assert!(cli.apps(&sandbox.id).unwrap().is_empty());
    assert!(listing().is_empty(), "reads take no lock");

    let app = cli.create_app(app_input(&sandbox, "Billing sync")).unwrap();
    assert_eq!(listing(), [format!("writer-{}.lock", cli.writer_id())]);
    // its intents carry the id of the lock it holds
    *cli.crash_at.lock().unwrap() = Some("add: keychain written");
    assert!(
        cli.add_secret(SecretInput {
            app_id: app.id.clone(),
            label: String::new(),
            value: Secret::new("held-by-a-live-writer"),
            provider_created_at: None,
        })
        .is_err()
    );
    assert_eq!(
        store::intents::of_owner(&cli.store().unwrap().conn, cli.writer_id())
            .unwrap()
            .len(),
        1
    );
    drop(cli);
    assert!(listing().is_empty());
}

//! DPoP proof keys and the two stores: the key only in the keychain, written by the secrets'
//! protocol, and gone with its app.

use super::*;

fn dpop_account(app: &ClientApp) -> String {
    format!("dpop-key:{}", app.id)
}

#[test]
fn a_proof_key_is_in_the_keychain_only_and_goes_with_its_app() {
    let f = Fixture::new();
    let sandbox = f.environment("Sandbox", EnvironmentKind::Sandbox);
    let app = f.app_in(&sandbox);
    let binding = f.core.set_dpop(&app.id, true).unwrap();
    assert!(f.vault.accounts().unwrap().contains(&dpop_account(&app)));
    f.assert_stores_agree();
    // off and on again: the same key
    assert!(!f.core.set_dpop(&app.id, false).unwrap().bound);
    assert_eq!(f.core.set_dpop(&app.id, true).unwrap(), binding);

    f.core.delete_app(&app.id).unwrap();
    assert_eq!(f.vault.accounts().unwrap(), Vec::<String>::new());
    f.assert_stores_agree();
}

#[test]
fn a_locked_keychain_leaves_the_app_unmarked_and_nothing_behind() {
    let f = Fixture::new();
    let sandbox = f.environment("Sandbox", EnvironmentKind::Sandbox);
    let app = f.app_in(&sandbox);
    f.vault.refuse_put.store(true, Ordering::SeqCst);

    let error = f.core.set_dpop(&app.id, true).unwrap_err();
    assert_eq!(error.code(), ErrorCode::KeychainLocked);
    assert_eq!(
        f.core.dpop_binding(&app.id).unwrap(),
        DpopBinding {
            bound: false,
            jkt: None
        }
    );
    f.assert_stores_agree();
}

#[test]
fn a_crash_between_the_keychain_and_the_row_is_undone_at_the_next_start() {
    let mut f = Fixture::new();
    let sandbox = f.environment("Sandbox", EnvironmentKind::Sandbox);
    let app = f.app_in(&sandbox);
    f.crash_at("dpop key: keychain written");
    assert!(f.core.set_dpop(&app.id, true).is_err());
    assert!(f.vault.accounts().unwrap().contains(&dpop_account(&app)));

    let reconciled = f.restart_after(RECONCILE_AFTER_SECONDS + 1);
    assert_eq!(reconciled.undone_puts, 1);
    assert!(!f.vault.accounts().unwrap().contains(&dpop_account(&app)));
    assert!(!f.core.dpop_binding(&app.id).unwrap().bound);
    f.assert_stores_agree();
}

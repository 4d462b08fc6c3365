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
            jkt: None,
            alg: None
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

#[tokio::test]
async fn a_crash_while_replacing_the_key_keeps_the_new_key_and_its_first_use_mends_the_row() {
    let mut f = Fixture::new();
    let sandbox = f.environment("Sandbox", EnvironmentKind::Sandbox);
    let app = f.app_in(&sandbox);
    let before = f.core.set_dpop(&app.id, true).unwrap();
    assert_eq!(before.alg, Some(KeyAlg::Es256));
    f.crash_at("dpop key: keychain written");
    assert!(f.core.set_dpop_alg(&app.id, KeyAlg::EdDsa).await.is_err());

    // the keychain holds the new key, the row still the old one's thumbprint; nothing undone
    let reconciled = f.restart_after(RECONCILE_AFTER_SECONDS + 1);
    assert_eq!(reconciled.undone_puts, 0);
    assert_eq!(f.core.dpop_binding(&app.id).unwrap(), before);
    let key = f
        .core
        .dpop_key(&f.core.app(&app.id).unwrap())
        .unwrap()
        .unwrap();
    assert_eq!(key.alg(), KeyAlg::EdDsa);
    let mended = f.core.dpop_binding(&app.id).unwrap();
    assert_eq!(mended.alg, Some(KeyAlg::EdDsa));
    assert_eq!(mended.jkt, Some(key.thumbprint().unwrap()));
    assert_ne!(mended.jkt, before.jkt);
    f.assert_stores_agree();
}

#[tokio::test]
async fn another_algorithm_is_a_new_key_in_the_same_keychain_entry() {
    let f = Fixture::new();
    let sandbox = f.environment("Sandbox", EnvironmentKind::Sandbox);
    let app = f.app_in(&sandbox);
    let first = f.core.set_dpop(&app.id, true).unwrap();
    let rsa = f.core.set_dpop_alg(&app.id, KeyAlg::Ps256).await.unwrap();
    assert_eq!(rsa.alg, Some(KeyAlg::Ps256));
    assert_ne!(rsa.jkt, first.jkt);
    let keys: Vec<String> = f
        .vault
        .accounts()
        .unwrap()
        .into_iter()
        .filter(|account| account.starts_with("dpop-key:"))
        .collect();
    assert_eq!(keys, [dpop_account(&app)]);
    // PS256 and RS256 keys look alike in the keychain: the row tells them apart
    let key = f
        .core
        .dpop_key(&f.core.app(&app.id).unwrap())
        .unwrap()
        .unwrap();
    assert_eq!(key.alg(), KeyAlg::Ps256);
    f.assert_stores_agree();
}

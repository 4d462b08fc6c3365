//! An import that moves an environment's token endpoint, against the real keychain and two
//! real test authorization servers (the second stands for wherever the file points): automatic
//! renewal sends nothing to the new URL until the user gets a token by hand.

mod support;

use authdeck_core::model::*;
use authdeck_core::{ErrorCode, Fetch, portable};
use std::sync::atomic::Ordering;
use support::authserver::AuthServer;
use support::fixture::Fixture;

#[tokio::test(flavor = "multi_thread")]
async fn after_an_import_moves_the_token_endpoint_renewal_sends_nothing_until_a_token_by_hand() {
    let f = Fixture::new("import-pause", &["--token-ttl", "3600"]);
    let app = f.basic_app();
    f.new_token(&app).await.unwrap();
    assert_eq!(f.requests().len(), 1);

    let elsewhere = tokio::task::block_in_place(|| AuthServer::start(&["--token-ttl", "3600"]));
    let moved = format!("{}/token", elsewhere.issuer);
    let mut file = f.core.export().unwrap();
    file.environments[0].endpoints.token_url = Some(moved.clone());
    let report = f
        .core
        .apply_import(&portable::render(&file).unwrap(), &[])
        .unwrap();
    assert_eq!(
        (
            report.endpoint_changes[0].field.as_str(),
            report.endpoint_changes[0].after.as_str()
        ),
        ("endpoints.token_url", moved.as_str())
    );

    // inside the renewal window: nothing is due, and a renewal picked just before is refused
    f.clock.0.store(3600 - 100, Ordering::SeqCst);
    assert_eq!(f.core.renewals_due().unwrap(), Vec::<AppId>::new());
    let refused = f
        .core
        .fetch_token(&app.id, TokenRequestInput::default(), Fetch::Renew)
        .await
        .unwrap_err();
    assert_eq!(refused.code(), ErrorCode::RenewalPaused);
    assert!(f.core.token_status(&app.id).unwrap().renewal_paused);
    let seen_elsewhere = tokio::task::block_in_place(|| elsewhere.token_requests());
    assert_eq!(
        seen_elsewhere,
        Vec::<serde_json::Value>::new(),
        "no secret went there"
    );
    assert_eq!(f.requests().len(), 1, "nor to the old endpoint");

    // the user gets a token by hand: it goes where the environment now points, and renewal
    // follows again
    let got = f.new_token(&app).await.unwrap();
    assert!(!got.renewal_paused);
    let seen_elsewhere = tokio::task::block_in_place(|| elsewhere.token_requests());
    assert_eq!(seen_elsewhere.len(), 1);
    f.clock.0.store(2 * 3600 - 200, Ordering::SeqCst);
    assert_eq!(f.core.renewals_due().unwrap(), vec![app.id.clone()]);
    f.core
        .fetch_token(&app.id, TokenRequestInput::default(), Fetch::Renew)
        .await
        .unwrap();
    let seen_elsewhere = tokio::task::block_in_place(|| elsewhere.token_requests());
    assert_eq!(seen_elsewhere.len(), 2);
}

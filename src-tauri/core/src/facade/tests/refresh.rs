//! A refresh token is sent at most once: once the request has left, only the provider's own
//! refusal (RFC 6749 §5.2) says it was not spent; every other failure counts as lost.

use super::*;
use crate::test_server::{Reply, TestServer};

/// An app signed in (with a refresh token) whose environment's token endpoint is `token_url`.
fn signed_in_at(f: &Fixture, token_url: &str) -> (ClientApp, TokenMeta) {
    let environment = f.environment_at(Endpoints {
        token_url: Some(token_url.to_owned()),
        ..Endpoints::default()
    });
    let app = f.app_in(&environment);
    let token = f.core.store_token(&app.id, signed_in("one")).unwrap();
    (app, token)
}

async fn refresh(f: &Fixture, app: &ClientApp) -> Error {
    let Err(error) = f
        .core
        .fetch_token(&app.id, TokenRequestInput::default(), Fetch::New)
        .await
    else {
        panic!("the refresh succeeded");
    };
    error
}

#[tokio::test]
async fn a_refresh_whose_connection_breaks_after_sending_is_never_sent_again() {
    let provider = TestServer::start(|_| Reply::HangUp).await;
    let f = Fixture::new();
    let (app, token) = signed_in_at(&f, &format!("{}/token", provider.url));

    let lost = refresh(&f, &app).await;
    assert_eq!(lost.code(), ErrorCode::LoginRequired, "{lost}");
    assert!(lost.to_string().contains("not sent again"), "{lost}");
    let again = refresh(&f, &app).await;
    assert_eq!(again.code(), ErrorCode::LoginRequired, "{again}");
    let sent: Vec<_> = provider
        .seen()
        .into_iter()
        .map(|r| r.method + " " + &r.path)
        .collect();
    assert_eq!(sent, ["POST /token"], "the refresh token was sent once");
    assert!(
        f.vault.get(&super::refresh_account(&token.id)).is_err(),
        "retired"
    );
    f.assert_stores_agree();
}

#[tokio::test]
async fn only_an_oauth_refusal_or_a_request_never_sent_keeps_the_refresh_token() {
    let cases = [
        (
            Reply::Answer(500, "text/html", "<h1>Oops</h1>".into()),
            ErrorCode::LoginRequired,
        ),
        (
            Reply::Answer(200, "text/html", "<h1>Welcome</h1>".into()),
            ErrorCode::LoginRequired,
        ),
        (
            Reply::Answer(200, "application/json", r#"{"token_type":"Bearer"}"#.into()),
            ErrorCode::LoginRequired,
        ),
        (
            Reply::Answer(
                400,
                "application/json",
                r#"{"error":"invalid_scope"}"#.into(),
            ),
            ErrorCode::Provider,
        ),
    ];
    for (reply, code) in cases {
        let reply = std::sync::Mutex::new(Some(reply));
        let provider =
            TestServer::start(move |_| reply.lock().unwrap().take().unwrap_or(Reply::HangUp)).await;
        let f = Fixture::new();
        let (app, token) = signed_in_at(&f, &format!("{}/token", provider.url));
        let failed = refresh(&f, &app).await;
        assert_eq!(failed.code(), code, "{failed}");
        let kept = f.vault.get(&super::refresh_account(&token.id)).is_ok();
        assert_eq!(kept, code == ErrorCode::Provider, "{failed}");
        f.assert_stores_agree();
    }

    // Nothing listens: the request never left, so the refresh token may be sent later.
    let gone = TestServer::start(|_| Reply::HangUp).await;
    let token_url = format!("{}/token", gone.url);
    gone.stop().await;
    let f = Fixture::new();
    let (app, token) = signed_in_at(&f, &token_url);
    let unsent = refresh(&f, &app).await;
    assert_eq!(unsent.code(), ErrorCode::Network, "{unsent}");
    assert!(
        f.vault.get(&super::refresh_account(&token.id)).is_ok(),
        "kept"
    );
}

//! A browser sign-in's callback rules (RFC 9207) against scripted local servers: what the
//! listener accepts decides whether a token request is made at all. The same flows against the
//! real provider are in tests/login.rs.

use super::*;
use crate::test_server::{Reply, TestServer};
use std::future::Future;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

/// An authorization endpoint nobody calls here (the browser would go there), and its origin.
const AUTHORIZE: &str = "http://127.0.0.1:9/authorize";
const AUTHORIZE_ORIGIN: &str = "http%3A%2F%2F127.0.0.1%3A9";

/// A token endpoint that refuses every code, recording each request.
async fn refusing_token_endpoint() -> TestServer {
    TestServer::start(|_| {
        Reply::Answer(
            400,
            "application/json",
            r#"{"error":"invalid_grant","error_description":"unknown code"}"#.into(),
        )
    })
    .await
}

/// An issuer whose metadata says whether it sends `iss` (it names itself by the Host asked).
async fn metadata_server(iss_parameter_supported: bool) -> TestServer {
    TestServer::start(move |seen| {
        let host = seen.header("host").unwrap();
        let metadata = serde_json::json!({
            "issuer": format!("http://{host}"),
            "authorization_endpoint": AUTHORIZE,
            "authorization_response_iss_parameter_supported": iss_parameter_supported,
        });
        Reply::Answer(200, "application/json", metadata.to_string())
    })
    .await
}

fn endpoints(issuer: Option<&str>, tokens: &TestServer) -> Endpoints {
    Endpoints {
        issuer_url: issuer.map(str::to_owned),
        authorization_url: Some(AUTHORIZE.into()),
        token_url: Some(format!("{}/token", tokens.url)),
        ..Endpoints::default()
    }
}

async fn start(f: &Fixture, app: &ClientApp) -> Result<PendingLogin> {
    f.core
        .start_login(
            &app.id,
            LoginOptions {
                scopes: Some(vec!["read".into()]),
                timeout: None,
            },
        )
        .await
}

/// The login's port and `state`, for a callback.
fn port_and_state(login: &PendingLogin) -> (u16, String) {
    let url = url::Url::parse(&login.started.url).unwrap();
    let state = url
        .query_pairs()
        .find(|(name, _)| name == "state")
        .map(|(_, value)| value.into_owned())
        .unwrap();
    (login.started.port, state)
}

/// One GET to the listener; the status code of its answer.
async fn get(port: u16, target: &str) -> u16 {
    let mut stream = tokio::net::TcpStream::connect(("127.0.0.1", port))
        .await
        .unwrap();
    let request =
        format!("GET {target} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nConnection: close\r\n\r\n");
    stream.write_all(request.as_bytes()).await.unwrap();
    let mut answer = String::new();
    let _ = stream.read_to_string(&mut answer).await;
    answer[9..12].parse().unwrap()
}

/// The browser bringing back `query`; an accepted callback's result page is fetched too, as a
/// browser does, so the listener closes at once.
async fn callback(port: u16, query: String) -> u16 {
    let status = get(port, &format!("/callback?{query}")).await;
    if status == 303 {
        get(port, crate::loopback::RESULT_PATH).await;
    }
    status
}

/// Runs the login beside `browser`, and cancels it once the browser is done (a login whose
/// callback was accepted has finished by itself by then).
async fn finish_beside<T>(
    f: &Fixture,
    login: PendingLogin,
    browser: impl Future<Output = T>,
) -> (Result<Option<TokenStatus>>, T) {
    let (cancel, cancelled) = tokio::sync::oneshot::channel::<()>();
    let finishing = f.core.finish_login(login, async {
        let _ = cancelled.await;
    });
    let browsing = async {
        let done = browser.await;
        let _ = cancel.send(());
        done
    };
    tokio::join!(finishing, browsing)
}

#[tokio::test]
async fn an_iss_of_another_origin_is_refused_when_the_environment_names_no_issuer() {
    let tokens = refusing_token_endpoint().await;
    let f = Fixture::new();
    let app = f.app_in(&f.environment_at(endpoints(None, &tokens)));
    let login = start(&f, &app).await.unwrap();
    let (port, state) = port_and_state(&login);
    let forged = format!("code=forged&state={state}&iss=https%3A%2F%2Fevil.example");
    let (finished, status) = finish_beside(&f, login, callback(port, forged)).await;
    assert_eq!(status, 400, "the callback is refused");
    assert!(matches!(finished, Ok(None)), "{finished:?}");
    assert_eq!(tokens.seen().len(), 0, "no token request was made");
}

#[tokio::test]
async fn an_iss_naming_the_authorization_endpoints_origin_is_accepted_without_an_issuer() {
    let tokens = refusing_token_endpoint().await;
    let f = Fixture::new();
    let app = f.app_in(&f.environment_at(endpoints(None, &tokens)));
    let login = start(&f, &app).await.unwrap();
    let (port, state) = port_and_state(&login);
    let query = format!("code=c&state={state}&iss={AUTHORIZE_ORIGIN}");
    let (finished, status) = finish_beside(&f, login, callback(port, query)).await;
    assert_eq!(status, 303, "the callback is accepted");
    let refused = finished.unwrap_err();
    assert_eq!(refused.code(), ErrorCode::Provider, "{refused}");
    assert_eq!(tokens.seen().len(), 1, "the code was exchanged");
}

#[tokio::test]
async fn a_sign_in_whose_metadata_cannot_be_read_uses_the_last_metadata_seen() {
    let metadata = metadata_server(true).await;
    let tokens = refusing_token_endpoint().await;
    let mut f = Fixture::new();
    let environment = f.environment_at(endpoints(Some(&metadata.url), &tokens));
    let app = f.app_in(&environment);
    drop(start(&f, &app).await.unwrap()); // the metadata is seen once
    metadata.stop().await;
    f.restart_after(0); // a later run, which has not read the metadata itself

    let login = start(&f, &app).await.unwrap();
    let (port, state) = port_and_state(&login);
    let without_iss = format!("code=c&state={state}");
    let (finished, status) = finish_beside(&f, login, callback(port, without_iss)).await;
    assert_eq!(
        status, 400,
        "the metadata seen says this provider always sends iss"
    );
    assert!(matches!(finished, Ok(None)), "{finished:?}");
    assert_eq!(tokens.seen().len(), 0, "no token request was made");
}

#[tokio::test]
async fn a_sign_in_whose_metadata_was_never_read_is_refused_with_the_reason() {
    let gone = TestServer::start(|_| Reply::HangUp).await;
    let issuer = gone.url.clone();
    gone.stop().await;
    let tokens = refusing_token_endpoint().await;
    let f = Fixture::new();
    let app = f.app_in(&f.environment_at(endpoints(Some(&issuer), &tokens)));
    let Err(refused) = start(&f, &app).await else {
        panic!("a sign-in started without knowing whether the provider sends iss");
    };
    assert_eq!(refused.code(), ErrorCode::Network, "{refused}");
    let said = refused.to_string();
    assert!(
        said.starts_with(&format!("The metadata of {issuer} could not be read")),
        "{said}"
    );
    assert!(said.contains("“iss”"), "{said}");
}

#[test]
fn only_a_web_address_is_opened_in_the_browser() {
    for address in [
        "javascript:alert(document.cookie)",
        "file:///etc/passwd",
        "http://id.example.com/device",
    ] {
        let refused = super::super::open_in_browser(address).unwrap_err();
        assert_eq!(refused.code(), ErrorCode::NotConfigured, "{address}");
        assert!(
            refused
                .to_string()
                .starts_with("Authdeck opens only web addresses")
        );
    }
}

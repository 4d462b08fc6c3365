//! Signing in as a user against the real test authorization server (oidc-provider) with the
//! real keychain: browser logins for a public and a confidential client, every forged or wrong
//! callback (proven by the server's record: no token request), ID token validation, refresh
//! rotation without reuse, single-flight refresh, "sign in again", and the device login.

mod support;

use authdeck_core::audit::AuditAction;
use authdeck_core::flows::{IdTokenCheck, fetch_jwks, validate_id_token};
use authdeck_core::http::{HttpClient, HttpLimits};
use authdeck_core::loopback::RESULT_PATH;
use authdeck_core::model::*;
use authdeck_core::vault::SecretStore;
use authdeck_core::{Core, ErrorCode, Fetch, LoginOptions, PendingLogin};
use serde_json::{Value, json};
use std::io::{Read, Write};
use std::net::TcpStream;
use std::sync::Arc;
use std::time::Duration;
use support::browser;
use support::fixture::Fixture;

const SCOPES: &[&str] = &["openid", "profile", "offline_access", "read"];

fn query(url: &str, name: &str) -> Option<String> {
    url::Url::parse(url)
        .unwrap()
        .query_pairs()
        .find(|(key, _)| key == name)
        .map(|(_, value)| value.into_owned())
}

/// The grant and outcome of each token request the server received.
fn grants(f: &Fixture) -> Vec<(String, u64)> {
    f.requests()
        .iter()
        .map(|r| {
            (
                r["grant_type"].as_str().unwrap_or_default().to_owned(),
                r["status"].as_u64().unwrap_or_default(),
            )
        })
        .collect()
}

async fn start(f: &Fixture, app: &ClientApp) -> PendingLogin {
    f.core
        .start_login(&app.id, LoginOptions::default())
        .await
        .expect("start the login")
}

/// A confidential app for a client registered just now, signing in on a fixed localhost port
/// (as providers that match redirect URIs exactly need); its secret and that port.
async fn registered_app(f: &Fixture) -> (ClientApp, String, u16) {
    let port = support::free_port();
    let redirect = format!("http://localhost:{port}/callback");
    let issuer = f.server.issuer.clone();
    let registered = redirect.clone();
    let (client_id, secret) =
        tokio::task::spawn_blocking(move || browser::register_client(&issuer, &registered))
            .await
            .unwrap();
    let app = f.app_with(
        &client_id,
        Some((AuthMethod::ClientSecretBasic, &secret)),
        &[&redirect],
        SCOPES,
    );
    (app, secret, port)
}

/// Runs the stand-in browser on the login's URL beside `finish_login`.
async fn sign_in(core: &Arc<Core>, login: PendingLogin) -> authdeck_core::Result<TokenStatus> {
    browser::sign_in_beside(core, login).await
}

/// One raw HTTP request to the listener; the status line and headers of its answer.
fn raw(port: u16, request: &str) -> String {
    let mut stream = TcpStream::connect(("127.0.0.1", port)).unwrap();
    stream.write_all(request.as_bytes()).unwrap();
    let mut answer = String::new();
    let _ = stream.read_to_string(&mut answer);
    answer
}

fn get(port: u16, target: &str) -> String {
    raw(
        port,
        &format!("GET {target} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nConnection: close\r\n\r\n"),
    )
}

fn listening(port: u16) -> bool {
    TcpStream::connect(("127.0.0.1", port)).is_ok()
}

#[tokio::test(flavor = "multi_thread")]
async fn a_public_client_signs_in_and_its_refresh_token_rotates_without_reuse() {
    let f = Fixture::new("login-public", &[]);
    let app = f.public_app("native-client", SCOPES);
    let login = start(&f, &app).await;
    let url = login.started.url.clone();
    assert_eq!(
        query(&url, "code_challenge_method").as_deref(),
        Some("S256")
    );
    assert_eq!(query(&url, "client_id").as_deref(), Some("native-client"));
    assert_eq!(query(&url, "prompt").as_deref(), Some("consent"));
    assert!(query(&url, "state").unwrap().len() >= 43, "32 random bytes");
    assert!(query(&url, "nonce").unwrap().len() >= 43);
    assert_eq!(
        query(&url, "redirect_uri").unwrap(),
        format!("http://127.0.0.1:{}/callback", login.started.port)
    );
    assert_eq!(
        login.started.redirect_uri,
        query(&url, "redirect_uri").unwrap()
    );
    let port = login.started.port;

    let signed_in = sign_in(&f.core, login).await.unwrap();
    assert!(!listening(port), "nothing listens after the sign-in");
    let token = signed_in.token.unwrap();
    assert_eq!(signed_in.state, TokenState::Valid);
    assert_eq!(token.source, TokenSource::AuthorizationCode);
    assert!(token.has_refresh_token && token.has_id_token);
    assert_eq!(token.requested_scopes, SCOPES);
    let claims = f.core.token_details(&app.id).unwrap().id_claims.unwrap();
    let claim = |name: &str| {
        claims
            .iter()
            .find(|c| c.name == name)
            .map(|c| c.value.clone())
    };
    assert_eq!(claim("sub").as_deref(), Some("alice"));
    assert_eq!(claim("aud").as_deref(), Some(r#"["native-client"]"#));
    assert_eq!(claim("iss"), Some(f.server.issuer.clone()));
    assert_eq!(claim("nonce"), query(&url, "nonce"));

    let vault = support::keychain(&f.namespace);
    let refresh_1 = vault.get(&format!("refresh:{}", token.id)).unwrap();
    let first = f.new_token(&app).await.unwrap().token.unwrap();
    assert_eq!(
        first.source,
        TokenSource::AuthorizationCode,
        "a refresh keeps the kind"
    );
    let refresh_2 = vault.get(&format!("refresh:{}", first.id)).unwrap();
    assert_ne!(
        refresh_2, refresh_1,
        "rotated, and the rotated one is what is kept"
    );
    assert!(
        vault.get(&format!("refresh:{}", token.id)).is_err(),
        "the used refresh token is gone from the keychain"
    );
    // A reused refresh token would make this server revoke the grant: the second refresh
    // succeeding proves the first one was not sent again.
    let second = f.new_token(&app).await.unwrap().token.unwrap();
    assert!(second.has_refresh_token && second.has_id_token);
    assert_eq!(
        grants(&f),
        [
            ("authorization_code".to_owned(), 200),
            ("refresh_token".to_owned(), 200),
            ("refresh_token".to_owned(), 200)
        ]
    );
    let auth_methods: Vec<Value> = f
        .requests()
        .iter()
        .map(|r| r["auth_method"].clone())
        .collect();
    assert_eq!(auth_methods, [json!("none"), json!("none"), json!("none")]);
    // the audit log tells the sign-in from its refreshes
    let log = f
        .core
        .audit_log(&authdeck_core::audit::AuditQuery::default())
        .unwrap();
    let actions: Vec<&str> = log
        .iter()
        .rev()
        .map(|entry| entry.action.as_str())
        .filter(|action| action.starts_with("token_"))
        .collect();
    assert_eq!(
        actions,
        ["token_minted", "token_refreshed", "token_refreshed"]
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_confidential_client_signs_in_on_its_registered_fixed_port_with_its_secret() {
    let f = Fixture::new("login-confidential", &[]);
    let (app, _, port) = registered_app(&f).await;
    let redirect = format!("http://localhost:{port}/callback");
    let client_id = app.client_id.clone();
    let login = start(&f, &app).await;
    assert_eq!(login.started.port, port);
    assert_eq!(login.started.redirect_uri, redirect);
    let token = sign_in(&f.core, login).await.unwrap().token.unwrap();
    assert!(token.secret_id.is_some(), "minted with the app's secret");
    let record = &f.requests()[0];
    assert_eq!(record["grant_type"], "authorization_code");
    assert_eq!(record["auth_method"], "client_secret_basic");
    assert_eq!(record["client_id"], client_id.as_str());
    assert_eq!(record["status"], 200);
}

#[tokio::test(flavor = "multi_thread")]
async fn forged_and_wrong_callbacks_make_no_token_request_and_the_login_keeps_waiting() {
    let f = Fixture::new("login-forged", &[]);
    let app = f.public_app("native-client", SCOPES);
    // a finished login's state, replayed to the next one
    let old = start(&f, &app).await;
    let old_state = query(&old.started.url, "state").unwrap();
    let old_port = old.started.port;
    sign_in(&f.core, old).await.unwrap();
    tokio::task::block_in_place(|| {
        support::http_client()
            .build()
            .unwrap()
            .post(format!("{}/test/token-requests/clear", f.server.issuer))
            .send()
            .unwrap()
    });

    let login = start(&f, &app).await;
    let port = login.started.port;
    assert_ne!(port, old_port, "each attempt gets its own port");
    let state = query(&login.started.url, "state").unwrap();
    let iss = url::form_urlencoded::byte_serialize(f.server.issuer.as_bytes()).collect::<String>();
    let url = login.started.url.clone();
    let finishing = {
        let core = f.core.clone();
        tokio::spawn(async move { core.finish_login(login, std::future::pending()).await })
    };
    tokio::task::block_in_place(|| {
        // a client that connects and stalls does not hold the login up
        let _stalled = TcpStream::connect(("127.0.0.1", port)).unwrap();
        let refusals = [
            get(
                port,
                &format!("/callback?code=c&state={old_state}&iss={iss}"),
            ),
            get(port, &format!("/callback?code=c&iss={iss}")),
            get(port, &format!("/callback?code=c&state=wrong&iss={iss}")),
            get(
                port,
                &format!("/callback?code=c&code=d&state={state}&iss={iss}"),
            ),
            get(
                port,
                &format!("/callback?code=c&state={state}&state={state}&iss={iss}"),
            ),
            get(
                port,
                &format!("/callback?code=c&state={state}&iss={iss}&iss={iss}"),
            ),
            get(
                port,
                &format!("/callback?code=c&state={state}&iss=http%3A%2F%2Fevil.test"),
            ),
            get(port, &format!("/callback?code=c&state={state}")),
            get(port, &format!("/other?code=c&state={state}&iss={iss}")),
            raw(
                port,
                &format!(
                    "POST /callback?code=c&state={state}&iss={iss} HTTP/1.1\r\nHost: \
                     127.0.0.1:{port}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
                ),
            ),
            raw(
                port,
                &format!(
                    "GET /callback?code=c&state={state}&iss={iss} HTTP/1.1\r\nHost: \
                     evil.test\r\nConnection: close\r\n\r\n"
                ),
            ),
            get(
                port,
                &format!("/callback?code=c&state={state}&pad={}", "x".repeat(40_000)),
            ),
        ];
        for (i, answer) in refusals.iter().enumerate() {
            let status_line = answer.lines().next().unwrap_or_default();
            assert!(
                ["400", "404", "405", "431"]
                    .iter()
                    .any(|code| status_line.contains(code)),
                "request {i} should be refused: {status_line}"
            );
        }
        assert!(
            f.server.token_requests().is_empty(),
            "no token request for any of them"
        );
    });
    let (status, _) = tokio::task::spawn_blocking(move || browser::sign_in(&url))
        .await
        .unwrap();
    assert_eq!(status, 200);
    let done = finishing.await.unwrap().unwrap().unwrap();
    assert_eq!(done.token.unwrap().source, TokenSource::AuthorizationCode);
    assert_eq!(grants(&f), [("authorization_code".to_owned(), 200)]);
    assert!(!listening(port));
}

#[tokio::test(flavor = "multi_thread")]
async fn the_callback_page_is_self_contained_private_and_escapes_what_it_shows() {
    let f = Fixture::new("login-page", &[]);
    let app = f.public_app("native-client", SCOPES);
    let login = start(&f, &app).await;
    let port = login.started.port;
    let state = query(&login.started.url, "state").unwrap();
    let iss = url::form_urlencoded::byte_serialize(f.server.issuer.as_bytes()).collect::<String>();
    let finishing = {
        let core = f.core.clone();
        tokio::spawn(async move { core.finish_login(login, std::future::pending()).await })
    };
    let answer = tokio::task::block_in_place(|| {
        get(
            port,
            &format!(
                "/callback?error=access_denied&error_description=%3Cscript%3Ex%3C%2Fscript%3E\
                 &state={state}&iss={iss}"
            ),
        )
    });
    let lower = answer.to_ascii_lowercase();
    assert!(lower.starts_with("http/1.1 303"), "{answer}");
    assert!(
        lower.contains(&format!("location: {RESULT_PATH}\r\n")),
        "the browser moves on to an address without the callback's parameters: {answer}"
    );
    let page = tokio::task::block_in_place(|| get(port, RESULT_PATH));
    let lower = page.to_ascii_lowercase();
    assert!(lower.starts_with("http/1.1 200"), "{page}");
    assert!(lower.contains("cache-control: no-store"));
    assert!(lower.contains("referrer-policy: no-referrer"));
    assert!(lower.contains("content-security-policy: default-src 'none'"));
    assert!(page.contains("&lt;script&gt;x&lt;/script&gt;"), "{page}");
    assert!(
        !page.contains("<script"),
        "no script, and the provider's text escaped"
    );
    assert!(
        !lower.contains("http://") && !lower.contains("https://"),
        "no external resource"
    );

    let refused = finishing.await.unwrap().unwrap_err();
    match &refused {
        authdeck_core::Error::Provider { error, .. } => assert_eq!(error, "access_denied"),
        other => panic!("{other:?}"),
    }
    assert!(refused.to_string().contains("allow access"), "{refused}");
    assert!(tokio::task::block_in_place(|| f
        .server
        .token_requests()
        .is_empty()));
    assert!(!listening(port));
    assert_eq!(
        f.core.token_status(&app.id).unwrap().state,
        TokenState::None
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn cancel_and_timeout_end_the_login_and_nothing_listens() {
    let f = Fixture::new("login-cancel", &[]);
    let app = f.public_app("native-client", SCOPES);
    let login = start(&f, &app).await;
    let port = login.started.port;
    assert!(listening(port));
    let (cancel, cancelled) = tokio::sync::oneshot::channel::<()>();
    let finishing = {
        let core = f.core.clone();
        tokio::spawn(async move {
            core.finish_login(login, async {
                let _ = cancelled.await;
            })
            .await
        })
    };
    cancel.send(()).unwrap();
    assert!(finishing.await.unwrap().unwrap().is_none());
    assert!(!listening(port));

    let login = f
        .core
        .start_login(
            &app.id,
            LoginOptions {
                timeout: Some(Duration::from_secs(1)),
                ..LoginOptions::default()
            },
        )
        .await
        .unwrap();
    let port = login.started.port;
    let timed_out = f
        .core
        .finish_login(login, std::future::pending())
        .await
        .unwrap_err();
    assert_eq!(timed_out.code(), ErrorCode::Timeout);
    assert!(!listening(port));
}

#[tokio::test(flavor = "multi_thread")]
async fn the_id_token_is_checked_against_issuer_audience_nonce_and_keys() {
    let f = Fixture::new("login-idtoken", &[]);
    let other = support::authserver::AuthServer::start(&[]);
    let app = f.public_app("native-client", SCOPES);
    let login = start(&f, &app).await;
    let nonce = query(&login.started.url, "nonce").unwrap();
    let token = sign_in(&f.core, login).await.unwrap().token.unwrap();
    let raw = support::keychain(&f.namespace)
        .get(&format!("idtoken:{}", token.id))
        .unwrap();
    let http = HttpClient::new(HttpLimits::default()).unwrap();
    let keys = |issuer: String| {
        let http = &http;
        async move { fetch_jwks(http, &format!("{issuer}/jwks")).await.unwrap() }
    };
    let issuer = f.server.issuer.clone();
    let check = |client_id: &'static str, nonce: &str, issuer: &str| IdTokenCheck {
        issuer: Box::leak(issuer.to_owned().into_boxed_str()),
        client_id,
        client_secret: None,
        nonce: Some(Box::leak(nonce.to_owned().into_boxed_str())),
    };
    let valid = validate_id_token(
        &raw,
        &check("native-client", &nonce, &issuer),
        keys(issuer.clone()).await,
    )
    .unwrap();
    assert_eq!(valid["sub"], "alice");
    for (why, check, keys) in [
        (
            "nonce",
            check("native-client", "another-nonce", &issuer),
            keys(issuer.clone()).await,
        ),
        (
            "audience",
            check("another-client", &nonce, &issuer),
            keys(issuer.clone()).await,
        ),
        (
            "issuer",
            check("native-client", &nonce, &other.issuer),
            keys(issuer.clone()).await,
        ),
        (
            "signature",
            check("native-client", &nonce, &issuer),
            keys(other.issuer.clone()).await,
        ),
    ] {
        let refused = validate_id_token(&raw, &check, keys).unwrap_err();
        assert_eq!(refused.code(), ErrorCode::BadResponse, "{why}");
        assert!(
            refused.to_string().contains("did not pass validation"),
            "{why}: {refused}"
        );
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn a_hundred_concurrent_refreshes_make_one_request() {
    let f = Fixture::new("login-flight", &[]);
    let app = f.public_app("native-client", SCOPES);
    let login = start(&f, &app).await;
    sign_in(&f.core, login).await.unwrap();
    let mut calls = Vec::new();
    for _ in 0..100 {
        let core = f.core.clone();
        let id = app.id.clone();
        calls.push(tokio::spawn(async move {
            core.fetch_token(&id, TokenRequestInput::default(), Fetch::New)
                .await
        }));
    }
    let mut ids = std::collections::HashSet::new();
    for call in calls {
        ids.insert(call.await.unwrap().unwrap().token.unwrap().id);
    }
    assert_eq!(ids.len(), 1, "every caller got the one refreshed token");
    assert_eq!(
        grants(&f),
        [
            ("authorization_code".to_owned(), 200),
            ("refresh_token".to_owned(), 200)
        ]
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_refused_refresh_token_asks_to_sign_in_again_and_is_deleted() {
    let f = Fixture::new("login-invalid-grant", &[]);
    let app = f.public_app("native-client", SCOPES);
    let login = start(&f, &app).await;
    let token = sign_in(&f.core, login).await.unwrap().token.unwrap();
    // Someone else uses the refresh token (a copy in a script): the one Authdeck holds is
    // now a reused one, and the server revokes the grant when it sees it.
    let vault = support::keychain(&f.namespace);
    let stolen = vault.get(&format!("refresh:{}", token.id)).unwrap();
    let issuer = f.server.issuer.clone();
    let status = tokio::task::block_in_place(|| {
        support::http_client()
            .build()
            .unwrap()
            .post(format!("{issuer}/token"))
            .form(&[
                ("grant_type", "refresh_token"),
                ("refresh_token", stolen.expose()),
                ("client_id", "native-client"),
            ])
            .send()
            .unwrap()
            .status()
    });
    assert_eq!(status, 200);

    let refused = f.new_token(&app).await.unwrap_err();
    assert_eq!(refused.code(), ErrorCode::LoginRequired);
    assert!(refused.to_string().contains("invalid_grant"), "{refused}");
    assert!(refused.to_string().contains("sign in again"), "{refused}");
    assert!(
        vault.get(&format!("refresh:{}", token.id)).is_err(),
        "deleted"
    );
    let now = f.core.token_status(&app.id).unwrap();
    let kept = now.token.unwrap();
    assert!(!kept.has_refresh_token);
    assert!(kept.renew_error.unwrap().contains("sign in again"));
    let requests_before = f.requests().len();
    // no retry loop: asking again makes no request
    let again = f.new_token(&app).await.unwrap_err();
    assert_eq!(again.code(), ErrorCode::LoginRequired);
    assert_eq!(f.requests().len(), requests_before);
    let (expected, held) = f.core.consistency().unwrap();
    assert_eq!(expected, held);
}

#[tokio::test(flavor = "multi_thread")]
async fn an_ended_sign_in_hands_out_no_token_but_is_still_introspected_revoked_and_forgotten() {
    let f = Fixture::new("login-ended", &[]);
    let (app, secret, _) = registered_app(&f).await;
    let token = sign_in(&f.core, start(&f, &app).await)
        .await
        .unwrap()
        .token
        .unwrap();
    // The provider ends the grant (the user revoked the app there): its refresh token is
    // revoked (RFC 7009), and with it the grant's access token.
    let vault = support::keychain(&f.namespace);
    let refresh = vault.get(&format!("refresh:{}", token.id)).unwrap();
    let issuer = f.server.issuer.clone();
    let client_id = app.client_id.clone();
    let revoked = tokio::task::block_in_place(|| {
        support::http_client()
            .build()
            .unwrap()
            .post(format!("{issuer}/token/revocation"))
            .basic_auth(&client_id, Some(&secret))
            .form(&[
                ("token", refresh.expose()),
                ("token_type_hint", "refresh_token"),
            ])
            .send()
            .unwrap()
            .status()
    });
    assert_eq!(revoked, 200);

    // "Refresh now" is refused: the sign-in has ended
    let refused = f.new_token(&app).await.unwrap_err();
    assert_eq!(refused.code(), ErrorCode::LoginRequired);
    assert!(refused.to_string().contains("invalid_grant"), "{refused}");
    let status = f.core.token_status(&app.id).unwrap();
    assert_eq!(status.state, TokenState::SignInEnded);
    assert!(
        status.seconds_left.unwrap() > 3000,
        "unexpired by the clock"
    );
    let kept = status.token.unwrap();
    assert_eq!(kept.id, token.id);
    assert!(kept.sign_in_ended_at.is_some() && !kept.has_refresh_token);
    assert_eq!(
        f.core.token_statuses(&f.environment.id).unwrap()[0].state,
        TokenState::SignInEnded,
        "the token overview says so too"
    );

    // Copy token, the value the CLI and "Try it" use, Get token, "if needed": none hands out
    // the dead token, none sends anything, and nothing is recorded as copied.
    let ended = format!(
        "The sign-in to “{}” has ended: the provider refused its refresh token, so its access \
         token, most likely revoked with it, is not handed out. Sign in again, or forget the \
         token to use the app's own credentials.",
        app.display_name
    );
    let copied = f.core.token_to_copy(&app.id).unwrap_err();
    assert_eq!(
        (copied.code(), copied.to_string()),
        (ErrorCode::LoginRequired, ended.clone())
    );
    assert_eq!(f.core.token_value(&app.id).unwrap_err().to_string(), ended);
    assert_eq!(f.new_token(&app).await.unwrap_err().to_string(), ended);
    let if_needed = f
        .core
        .fetch_token(
            &app.id,
            TokenRequestInput::default(),
            Fetch::IfNeeded {
                min_valid_seconds: 0,
            },
        )
        .await
        .unwrap_err();
    assert_eq!(if_needed.to_string(), ended);
    assert_eq!(
        grants(&f),
        [
            ("authorization_code".to_owned(), 200),
            ("refresh_token".to_owned(), 400)
        ]
    );
    let log = f
        .core
        .audit_log(&authdeck_core::audit::AuditQuery::default())
        .unwrap();
    assert!(
        log.iter()
            .all(|entry| entry.action != AuditAction::TokenCopied),
        "{log:#?}"
    );

    // the value is kept for the provider to judge, and it calls it inactive
    let introspection = f.core.introspect_token(&app.id).await.unwrap();
    assert!(!introspection.active);
    // revoking it (RFC 7009 §2.2: a dead token is accepted) and forgetting it still work
    let revoked = f.core.revoke_token(&app.id).await.unwrap();
    assert_eq!(revoked.state, TokenState::Revoked);
    let forgotten = f.core.forget_token(&app.id).unwrap();
    assert_eq!(forgotten.state, TokenState::None);
    assert_eq!(
        f.accounts()
            .iter()
            .filter(|account| !account.starts_with("secret:"))
            .count(),
        0,
        "{:?}",
        f.accounts()
    );

    // a new sign-in starts afresh and its token is handed out
    let again = sign_in(&f.core, start(&f, &app).await).await.unwrap();
    assert_eq!(again.state, TokenState::Valid);
    let again = again.token.unwrap();
    assert_eq!(again.sign_in_ended_at, None);
    assert_eq!(
        f.core.token_to_copy(&app.id).unwrap(),
        vault.get(&format!("token:{}", again.id)).unwrap()
    );
    assert_eq!(
        grants(&f),
        [
            ("authorization_code".to_owned(), 200),
            ("refresh_token".to_owned(), 400),
            ("authorization_code".to_owned(), 200)
        ]
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_refresh_whose_answer_is_lost_is_never_sent_again() {
    let limits = HttpLimits {
        timeout: Duration::from_millis(800),
        ..HttpLimits::default()
    };
    let f = Fixture::with_limits("login-lost", &[], limits);
    let app = f.public_app("native-client", SCOPES);
    let login = start(&f, &app).await;
    sign_in(&f.core, login).await.unwrap();
    f.configure(json!({ "delay_ms": 1500 }));
    let lost = f.new_token(&app).await.unwrap_err();
    assert_eq!(lost.code(), ErrorCode::LoginRequired);
    assert!(lost.to_string().contains("not sent again"), "{lost}");
    f.configure(json!({ "delay_ms": 0 }));
    tokio::time::sleep(Duration::from_millis(1000)).await;
    let count = f.requests().len();
    assert_eq!(
        f.new_token(&app).await.unwrap_err().code(),
        ErrorCode::LoginRequired
    );
    assert_eq!(
        f.requests().len(),
        count,
        "the refresh token was not sent a second time"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_device_login_polls_at_the_interval_and_slows_down_when_told() {
    let f = Fixture::new("login-device", &[]);
    let app = f.public_app("native-client", SCOPES);
    f.configure(json!({ "device_interval": 1, "device_slow_down": [2] }));
    let login = f
        .core
        .start_device_login(&app.id, LoginOptions::default())
        .await
        .unwrap();
    let started = login.started.clone();
    assert_eq!(started.interval_seconds, 1);
    assert!(started.verification_uri.starts_with(&f.server.issuer));
    let complete = started.verification_uri_complete.clone().unwrap();
    assert!(
        complete.contains(&started.user_code.replace('-', "")) || complete.contains("user_code=")
    );
    assert!(started.qr_svg.contains("<svg"), "a QR code");
    let finishing = {
        let core = f.core.clone();
        tokio::spawn(async move {
            core.finish_device_login(login, std::future::pending())
                .await
        })
    };
    // the first poll finds the login pending; then the person approves on "another device"
    tokio::time::sleep(Duration::from_millis(300)).await;
    let page = tokio::task::spawn_blocking(move || browser::approve_device(&complete))
        .await
        .unwrap();
    assert!(
        page.contains("Sign-in Success") || page.contains("success"),
        "{page}"
    );
    let done = finishing.await.unwrap().unwrap().unwrap();
    let token = done.token.unwrap();
    assert_eq!(token.source, TokenSource::DeviceCode);
    assert!(token.has_refresh_token && token.has_id_token);

    let records = f.requests();
    let polls: Vec<(String, Option<String>, i64)> = records
        .iter()
        .map(|r| {
            (
                r["grant_type"].as_str().unwrap().to_owned(),
                r["error"].as_str().map(str::to_owned),
                r["at"].as_i64().unwrap(),
            )
        })
        .collect();
    let device = "urn:ietf:params:oauth:grant-type:device_code";
    assert!(
        polls.iter().all(|(grant, _, _)| grant == device),
        "{polls:?}"
    );
    assert_eq!(polls[0].1.as_deref(), Some("authorization_pending"));
    assert_eq!(polls[1].1.as_deref(), Some("slow_down"));
    assert_eq!(
        polls.last().unwrap().1,
        None,
        "the last poll got the tokens"
    );
    let gap = polls[2].2 - polls[1].2;
    assert!(
        gap >= 5_500,
        "after slow_down the interval grows by 5 s (waited {gap} ms)"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_sign_in_is_renewed_automatically_by_refresh_inside_its_window() {
    let f = Fixture::new("login-renew", &["--token-ttl", "40"]);
    let app = f.public_app("native-client", SCOPES);
    let login = start(&f, &app).await;
    let first = sign_in(&f.core, login).await.unwrap().token.unwrap();
    assert!(
        f.core.renewals_due().unwrap().is_empty(),
        "fresh: nothing due"
    );
    // 40 s tokens have a 10 s renewal window (a quarter of their life)
    f.clock.0.store(32, std::sync::atomic::Ordering::SeqCst);
    assert_eq!(
        f.core.renewals_due().unwrap(),
        std::slice::from_ref(&app.id)
    );
    let renewed = f
        .core
        .fetch_token(&app.id, TokenRequestInput::default(), Fetch::Renew)
        .await
        .unwrap()
        .token
        .unwrap();
    assert_ne!(renewed.id, first.id);
    assert_eq!(renewed.source, TokenSource::AuthorizationCode);
    assert_eq!(
        grants(&f),
        [
            ("authorization_code".to_owned(), 200),
            ("refresh_token".to_owned(), 200)
        ]
    );

    // Turned off, a sign-in is not renewed.
    f.core.set_auto_renew(&app.id, false).unwrap();
    f.clock
        .0
        .store(32 + 32, std::sync::atomic::Ordering::SeqCst);
    assert!(f.core.renewals_due().unwrap().is_empty());
}

#[tokio::test(flavor = "multi_thread")]
async fn a_cancelled_device_login_stops_polling_and_stores_nothing() {
    let f = Fixture::new("login-device-cancel", &[]);
    let app = f.public_app("native-client", SCOPES);
    f.configure(json!({ "device_interval": 1 }));
    let login = f
        .core
        .start_device_login(&app.id, LoginOptions::default())
        .await
        .unwrap();
    let (cancel, cancelled) = tokio::sync::oneshot::channel::<()>();
    let finishing = {
        let core = f.core.clone();
        tokio::spawn(async move {
            core.finish_device_login(login, async {
                let _ = cancelled.await;
            })
            .await
        })
    };
    tokio::time::sleep(Duration::from_millis(1500)).await;
    cancel.send(()).unwrap();
    assert!(finishing.await.unwrap().unwrap().is_none());
    let polls = f.requests().len();
    assert!(polls >= 1, "it polled while waiting");
    tokio::time::sleep(Duration::from_millis(2500)).await;
    assert_eq!(f.requests().len(), polls, "no poll after cancel");
    assert_eq!(
        f.core.token_status(&app.id).unwrap().state,
        TokenState::None
    );
}

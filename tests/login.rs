//! Browser sign-in against the real test authorization server (issue #4 groundwork): the
//! authorization request, the loopback listener, a stand-in browser that logs in and consents
//! through oidc-provider's own pages (plain HTTP with a cookie jar), the code exchange with
//! PKCE, and refresh-token rotation.

mod support;

use authdeck_core::ErrorCode;
use authdeck_core::flows::{Authorize, ClientAuth, authorization_request, exchange_code, refresh};
use authdeck_core::http::{HttpClient, HttpLimits};
use authdeck_core::loopback::{Callback, Expected, ListenOptions, Listener};
use authdeck_core::model::{AuthMethod, Secret};
use std::time::Duration;
use support::authserver::AuthServer;

/// The stand-in browser: opens the URL, signs in as alice, consents, and follows the redirect
/// to the app's listener. Returns the last page's status.
fn browse(url: &str) -> u16 {
    let browser = reqwest::blocking::Client::builder()
        .cookie_store(true)
        .build()
        .unwrap();
    let login = browser.get(url).send().unwrap();
    let interaction = login.url().to_string();
    assert!(interaction.contains("/interaction/"), "{interaction}");
    let consent = browser
        .post(&interaction)
        .form(&[("prompt", "login"), ("login", "alice"), ("password", "x")])
        .send()
        .unwrap();
    let consent_url = consent.url().to_string();
    assert!(consent_url.contains("/interaction/"), "{consent_url}");
    let done = browser
        .post(&consent_url)
        .form(&[("prompt", "consent")])
        .send()
        .unwrap();
    done.status().as_u16()
}

fn query(url: &str, name: &str) -> Option<String> {
    url::Url::parse(url)
        .unwrap()
        .query_pairs()
        .find(|(key, _)| key == name)
        .map(|(_, value)| value.into_owned())
}

async fn sign_in(
    server: &AuthServer,
    client_id: &str,
    scopes: &[&str],
) -> (String, Secret, Secret) {
    let listener = Listener::bind(ListenOptions {
        port: 0,
        host: "127.0.0.1".into(),
        path: "/callback".into(),
        timeout: Duration::from_secs(30),
    })
    .await
    .unwrap();
    let redirect_uri = listener.redirect_uri();
    let scopes: Vec<String> = scopes.iter().map(|s| s.to_string()).collect();
    let authorize_url = format!("{}/auth", server.issuer);
    let request = authorization_request(&Authorize {
        authorize_url: &authorize_url,
        client_id,
        redirect_uri: &redirect_uri,
        scopes: &scopes,
        extra: &[("prompt", "consent")],
    })
    .unwrap();
    assert_eq!(
        query(&request.url, "code_challenge_method").as_deref(),
        Some("S256")
    );
    assert_eq!(
        query(&request.url, "state").as_deref(),
        Some(request.state.as_str())
    );
    assert_eq!(query(&request.url, "nonce"), request.nonce.clone());
    assert!(request.state.len() >= 43, "32 random bytes");
    assert!(request.verifier.expose().len() >= 43);
    assert!(!request.url.contains(request.verifier.expose()));

    let waiting = tokio::spawn(listener.wait(
        Expected {
            state: request.state.clone(),
            issuer: Some(server.issuer.clone()),
            iss_required: true,
        },
        std::future::pending(),
    ));
    let url = request.url.clone();
    let status = tokio::task::spawn_blocking(move || browse(&url))
        .await
        .unwrap();
    assert_eq!(
        status, 200,
        "the browser ends on the listener's success page"
    );
    let Some(Callback::Code(code)) = waiting.await.unwrap().unwrap() else {
        panic!("no code");
    };
    (redirect_uri, code, request.verifier)
}

#[tokio::test(flavor = "multi_thread")]
async fn a_public_client_signs_in_with_pkce_and_refresh_tokens_rotate() {
    let server = AuthServer::start(&[]);
    let http = HttpClient::new(HttpLimits::default()).unwrap();
    let token_url = format!("{}/token", server.issuer);
    let (redirect_uri, code, verifier) = sign_in(
        &server,
        "native-client",
        &["openid", "offline_access", "read"],
    )
    .await;
    let public = ClientAuth {
        client_id: "native-client",
        secret: None,
        method: AuthMethod::None,
    };
    let first = exchange_code(&http, &token_url, public, &redirect_uri, &code, &verifier)
        .await
        .unwrap();
    assert!(first.id_token.is_some());
    let refresh_1 = first
        .refresh_token
        .expect("offline_access gives a refresh token");

    let second = refresh(&http, &token_url, public, &refresh_1, &[])
        .await
        .unwrap();
    let refresh_2 = second.refresh_token.expect("a rotated refresh token");
    assert_ne!(refresh_2, refresh_1);
    assert_ne!(second.access_token, first.access_token);

    // the old refresh token is dead (and reusing it revokes the grant at this server)
    let reused = refresh(&http, &token_url, public, &refresh_1, &[])
        .await
        .unwrap_err();
    match reused {
        authdeck_core::Error::Provider { error, .. } => assert_eq!(error, "invalid_grant"),
        other => panic!("{other:?}"),
    }

    // the code was used once; a second exchange is refused
    let again = exchange_code(&http, &token_url, public, &redirect_uri, &code, &verifier).await;
    assert_eq!(again.unwrap_err().code(), ErrorCode::Provider);

    let records = tokio::task::block_in_place(|| server.token_requests());
    let grants: Vec<(String, String)> = records
        .iter()
        .map(|r| {
            (
                r["grant_type"].as_str().unwrap_or_default().to_owned(),
                r["auth_method"].as_str().unwrap_or_default().to_owned(),
            )
        })
        .collect();
    let expected: Vec<(String, String)> = [
        ("authorization_code", "none"),
        ("refresh_token", "none"),
        ("refresh_token", "none"),
        ("authorization_code", "none"),
    ]
    .iter()
    .map(|(g, m)| (g.to_string(), m.to_string()))
    .collect();
    assert_eq!(grants, expected);
}

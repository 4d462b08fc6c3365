//! One fixture test per profile: the real HTTP client and flows against a local server that
//! answers as the provider documents, the request's shape asserted from the server's record,
//! the answer read into the fields the token panel shows.

use super::*;
use crate::flows::{self, ClientAuth, ClientCredentials, Minted};
use crate::http::{HttpClient, HttpLimits};
use crate::model::{Secret, Timestamp};
use crate::test_server::{Reply, Seen, TestServer};

fn http() -> HttpClient {
    HttpClient::new(HttpLimits::default()).unwrap()
}

/// The profile's endpoint for `pick`, filled with `values`, moved to the test server (same
/// path, the server's origin).
fn at(
    server: &TestServer,
    profile: ProviderProfile,
    values: &[(&str, &str)],
    pick: fn(&Endpoints) -> &Option<String>,
) -> String {
    let values: Vec<(String, String)> = values
        .iter()
        .map(|(key, value)| ((*key).to_owned(), (*value).to_owned()))
        .collect();
    let endpoints = endpoints_of(profile, &values).unwrap();
    let url = url::Url::parse(pick(&endpoints).as_deref().expect("the profile has it")).unwrap();
    format!("{}{}", server.url, url.path())
}

fn token_url(endpoints: &Endpoints) -> &Option<String> {
    &endpoints.token_url
}

fn secret() -> Secret {
    Secret::new("s3cret")
}

fn auth<'a>(profile: ProviderProfile, method: AuthMethod, secret: &'a Secret) -> ClientAuth<'a> {
    ClientAuth {
        client_id: "client-1",
        secret: Some(secret),
        method,
        profile,
        assertion: None,
        dpop: None,
    }
}

/// A server answering every request with one JSON body.
async fn answering(status: u16, body: &str) -> TestServer {
    let body = body.to_owned();
    TestServer::start(move |_| Reply::Answer(status, "application/json", body.clone())).await
}

async fn client_credentials(
    server: &TestServer,
    profile: ProviderProfile,
    values: &[(&str, &str)],
    scopes: &[&str],
    audience: Option<&str>,
    resource: Option<&str>,
) -> crate::Result<Minted> {
    let url = at(server, profile, values, token_url);
    let secret = secret();
    let scopes: Vec<String> = scopes.iter().map(|scope| (*scope).to_owned()).collect();
    flows::client_credentials(
        &http(),
        &ClientCredentials {
            token_url: &url,
            auth: auth(profile, rules(profile).auth_method, &secret),
            scopes: &scopes,
            audience,
            resource,
        },
    )
    .await
}

fn form(seen: &Seen) -> Vec<(String, String)> {
    url::form_urlencoded::parse(seen.body.as_bytes())
        .into_owned()
        .collect()
}

fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
    list.iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect()
}

#[test]
fn every_profile_has_a_unique_key_that_reads_back_and_fills_its_templates() {
    let all = profiles();
    assert_eq!(all.len(), 11);
    for description in &all {
        let profile = description.profile;
        assert_eq!(ProviderProfile::parse(profile.as_str()), Some(profile));
        let values: Vec<(String, String)> = description
            .parameters
            .iter()
            .map(|parameter| (parameter.key.clone(), parameter.example.clone()))
            .collect();
        let filled = endpoints_of(profile, &values).unwrap();
        for url in [
            &filled.issuer_url,
            &filled.authorization_url,
            &filled.token_url,
            &filled.token_info_url,
            &filled.introspection_url,
            &filled.revocation_url,
            &filled.api_base_url,
            &filled.device_authorization_url,
        ]
        .into_iter()
        .flatten()
        {
            assert!(!url.contains('{'), "{profile:?} left a placeholder: {url}");
            url::Url::parse(url).unwrap();
        }
    }
    assert_eq!(
        endpoints_of(
            ProviderProfile::Okta,
            &pairs(&[("domain", "dev-1.okta.com")])
        )
        .unwrap()
        .token_url
        .as_deref(),
        Some("https://dev-1.okta.com/oauth2/default/v1/token"),
        "the server ID takes its default"
    );
    let missing = endpoints_of(ProviderProfile::Entra, &[]).unwrap_err();
    assert_eq!(
        missing.to_string(),
        "Microsoft Entra ID needs the tenant ID or domain (tenant), such as \
         contoso.onmicrosoft.com."
    );
    let smuggled = endpoints_of(
        ProviderProfile::Auth0,
        &pairs(&[("domain", "evil.example/x?y=")]),
    )
    .unwrap_err();
    assert!(
        smuggled.to_string().contains("would change the URL's path"),
        "{smuggled}"
    );
    let unknown = endpoints_of(ProviderProfile::Google, &pairs(&[("tenant", "x")])).unwrap_err();
    assert_eq!(
        unknown.to_string(),
        "Google takes no “tenant”; it takes no values."
    );
}

#[tokio::test]
async fn entra_asks_for_the_resources_default_scope_without_a_resource_parameter() {
    let server = answering(
        200,
        r#"{"token_type":"Bearer","expires_in":3599,"ext_expires_in":3599,"access_token":"eyJ0eXAiOiJKV1Qi.e30.sig"}"#,
    )
    .await;
    let tenant = [("tenant", "contoso.onmicrosoft.com")];
    let minted = client_credentials(
        &server,
        ProviderProfile::Entra,
        &tenant,
        &[],
        None,
        Some("https://graph.microsoft.com/"),
    )
    .await
    .unwrap();
    assert_eq!(
        minted.expires_in,
        Some(std::time::Duration::from_secs(3599))
    );
    let seen = server.seen();
    assert_eq!(seen[0].path, "/contoso.onmicrosoft.com/oauth2/v2.0/token");
    assert_eq!(
        form(&seen[0]),
        pairs(&[
            ("grant_type", "client_credentials"),
            ("scope", "https://graph.microsoft.com/.default"),
        ])
    );
    assert!(
        seen[0]
            .header("authorization")
            .unwrap()
            .starts_with("Basic ")
    );
    let refused = client_credentials(
        &server,
        ProviderProfile::Entra,
        &tenant,
        &["read"],
        None,
        None,
    )
    .await
    .unwrap_err();
    assert!(
        refused
            .to_string()
            .contains("only for one scope “<resource>/.default”"),
        "{refused}"
    );
    assert_eq!(server.seen().len(), 1, "a refused request is never sent");
}

#[tokio::test]
async fn auth0_sends_the_audience_in_the_form_and_refuses_without_one() {
    let server = answering(
        200,
        r#"{"access_token":"eyJz93a.e30.sig","scope":"read:users","expires_in":86400,"token_type":"Bearer"}"#,
    )
    .await;
    let domain = [("domain", "dev-abc123.us.auth0.com")];
    let minted = client_credentials(
        &server,
        ProviderProfile::Auth0,
        &domain,
        &[],
        Some("https://api.example.com/"),
        None,
    )
    .await
    .unwrap();
    assert_eq!(minted.scopes, Some(vec!["read:users".to_owned()]));
    let seen = server.seen();
    assert_eq!(seen[0].path, "/oauth/token");
    assert_eq!(
        form(&seen[0]),
        pairs(&[
            ("grant_type", "client_credentials"),
            ("client_id", "client-1"),
            ("client_secret", "s3cret"),
            ("audience", "https://api.example.com/"),
        ])
    );
    let refused = client_credentials(&server, ProviderProfile::Auth0, &domain, &[], None, None)
        .await
        .unwrap_err();
    assert!(
        refused
            .to_string()
            .starts_with("Auth0 gives a client-credentials token only for an API")
    );
    assert_eq!(server.seen().len(), 1);
}

#[tokio::test]
async fn okta_uses_the_custom_servers_v1_path_and_needs_a_scope() {
    let server = answering(
        200,
        r#"{"token_type":"Bearer","expires_in":3600,"access_token":"eyJraWQ.e30.sig","scope":"orders:read"}"#,
    )
    .await;
    let values = [("domain", "dev-123456.okta.com"), ("server", "aus1abc")];
    client_credentials(
        &server,
        ProviderProfile::Okta,
        &values,
        &["orders:read"],
        None,
        None,
    )
    .await
    .unwrap();
    let seen = server.seen();
    assert_eq!(seen[0].path, "/oauth2/aus1abc/v1/token");
    assert_eq!(
        form(&seen[0]),
        pairs(&[
            ("grant_type", "client_credentials"),
            ("scope", "orders:read")
        ])
    );
    let refused = client_credentials(&server, ProviderProfile::Okta, &values, &[], None, None)
        .await
        .unwrap_err();
    assert!(
        refused.to_string().contains("at least one custom scope"),
        "{refused}"
    );
    assert_eq!(server.seen().len(), 1);
}

#[tokio::test]
async fn google_reads_its_device_answer_and_token_info_and_offers_no_client_credentials() {
    let server = TestServer::start(|seen| {
        let body = match seen.path.as_str() {
            "/device/code" => r#"{"device_code":"AH-1Ng","user_code":"GQVQ-JKEC","verification_url":"https://www.google.com/device","expires_in":1800,"interval":5}"#,
            _ => r#"{"azp":"client-1","aud":"client-1","scope":"openid https://www.googleapis.com/auth/drive.readonly","exp":"1790003600","expires_in":"3599","access_type":"offline"}"#,
        };
        Reply::Answer(200, "application/json; charset=utf-8", body.to_owned())
    })
    .await;
    let google = ProviderProfile::Google;
    let pick_device: fn(&Endpoints) -> &Option<String> = |e| &e.device_authorization_url;
    let device_url = at(&server, google, &[], pick_device);
    let public = ClientAuth {
        client_id: "client-1",
        secret: None,
        method: AuthMethod::None,
        profile: google,
        assertion: None,
        dpop: None,
    };
    let device = flows::device_authorization(&http(), &device_url, public, &[])
        .await
        .unwrap();
    assert_eq!(device.verification_uri, "https://www.google.com/device");
    assert_eq!(device.user_code, "GQVQ-JKEC");
    let pick_info: fn(&Endpoints) -> &Option<String> = |e| &e.token_info_url;
    let info_url = at(&server, google, &[], pick_info);
    let token = Secret::new("ya29.a0Af");
    let now = Timestamp::from_unix(1_790_000_000).unwrap();
    let info = flows::token_info(&http(), &info_url, google, "Bearer", &token, now)
        .await
        .unwrap();
    assert_eq!(info.expires_in_seconds, Some(3599));
    assert_eq!(
        info.scopes,
        ["openid", "https://www.googleapis.com/auth/drive.readonly"]
    );
    let seen = server.seen();
    assert_eq!(
        (seen[1].method.as_str(), seen[1].path.as_str()),
        ("POST", "/tokeninfo")
    );
    assert_eq!(form(&seen[1]), pairs(&[("access_token", "ya29.a0Af")]));
    assert!(
        seen[1].header("authorization").is_none(),
        "the token goes only in the form"
    );
    let refused = client_credentials(&server, google, &[], &[], None, None)
        .await
        .unwrap_err();
    assert!(refused.to_string().contains("service account"), "{refused}");
    assert_eq!(server.seen().len(), 2);
    assert_eq!(
        rules(google).authorize_params,
        &[("access_type", "offline")]
    );
}

#[tokio::test]
async fn keycloak_paths_are_under_the_realm_and_its_answer_is_read() {
    let server = answering(
        200,
        r#"{"access_token":"eyJhbGci.e30.sig","expires_in":300,"refresh_expires_in":0,"token_type":"Bearer","not-before-policy":0,"scope":"profile email"}"#,
    )
    .await;
    let values = [("server", server.url.as_str()), ("realm", "acme")];
    let minted = client_credentials(&server, ProviderProfile::Keycloak, &values, &[], None, None)
        .await
        .unwrap();
    assert_eq!(minted.expires_in, Some(std::time::Duration::from_secs(300)));
    assert_eq!(
        server.seen()[0].path,
        "/realms/acme/protocol/openid-connect/token"
    );
    assert!(rules(ProviderProfile::Keycloak).introspection_needs_secret);
}

/// A GitHub token endpoint: form-encoded unless asked for JSON; a refusal with HTTP 200.
async fn github_server(refuse: bool) -> TestServer {
    TestServer::start(move |seen| {
        let json = seen.header("accept").is_some_and(|accept| accept.contains("application/json"));
        match (refuse, json) {
            (true, _) => Reply::Answer(
                200,
                "application/json; charset=utf-8",
                r#"{"error":"bad_verification_code","error_description":"The code passed is incorrect or expired.","error_uri":"https://docs.github.com/apps/troubleshooting"}"#.to_owned(),
            ),
            (false, true) => Reply::Answer(
                200,
                "application/json; charset=utf-8",
                r#"{"access_token":"gho_16C7e42F292c6912E7710c838347Ae178B4a","scope":"repo,gist","token_type":"bearer"}"#.to_owned(),
            ),
            (false, false) => Reply::Answer(
                200,
                "application/x-www-form-urlencoded; charset=utf-8",
                "access_token=gho_16C7e42F292c6912E7710c838347Ae178B4a&scope=repo%2Cgist&token_type=bearer".to_owned(),
            ),
        }
    })
    .await
}

async fn exchange(server: &TestServer, profile: ProviderProfile) -> crate::Result<Minted> {
    // A profile without templates asks GitHub's path.
    let templated = if rules(profile).templates.token.is_some() {
        profile
    } else {
        ProviderProfile::Github
    };
    let url = at(server, templated, &[], token_url);
    let secret = secret();
    flows::exchange_code(
        &http(),
        &url,
        auth(profile, AuthMethod::ClientSecretPost, &secret),
        "http://127.0.0.1:53682/callback",
        &Secret::new("code-1"),
        &Secret::new("verifier-verifier-verifier-verifier-verifier-1"),
    )
    .await
}

#[tokio::test]
async fn github_is_asked_for_json_and_its_classic_tokens_never_expire() {
    let server = github_server(false).await;
    let minted = exchange(&server, ProviderProfile::Github).await.unwrap();
    assert_eq!(
        minted.access_token.expose(),
        "gho_16C7e42F292c6912E7710c838347Ae178B4a"
    );
    assert_eq!(
        (minted.expires_in, minted.refresh_token.is_none()),
        (None, true)
    );
    let seen = server.seen();
    assert_eq!(seen[0].path, "/login/oauth/access_token");
    assert_eq!(seen[0].header("accept"), Some("application/json"));
    assert!(form(&seen[0]).contains(&("client_secret".to_owned(), "s3cret".to_owned())));
}

#[tokio::test]
async fn github_form_answers_are_read_and_its_200_refusals_are_refusals() {
    // A server that ignores Accept (GitHub Enterprise proxies have done so) still works.
    let form_only = TestServer::start(|_| {
        Reply::Answer(
            200,
            "application/x-www-form-urlencoded",
            "access_token=ghu_abc&expires_in=28800&refresh_token=ghr_def&refresh_token_expires_in=15811200&scope=&token_type=bearer".to_owned(),
        )
    })
    .await;
    let minted = exchange(&form_only, ProviderProfile::Github).await.unwrap();
    assert_eq!(
        minted.expires_in,
        Some(std::time::Duration::from_secs(28800))
    );
    assert_eq!(minted.refresh_token.unwrap().expose(), "ghr_def");
    assert_eq!(
        minted.refresh_expires_in,
        Some(std::time::Duration::from_secs(15_811_200))
    );
    let refusing = github_server(true).await;
    let error = exchange(&refusing, ProviderProfile::Github)
        .await
        .unwrap_err();
    assert_eq!(error.code(), crate::ErrorCode::Provider);
    assert!(
        error.to_string().starts_with(&format!(
            "The code exchange was refused by 127.0.0.1:{} (HTTP 200, bad_verification_code: \
             The code passed is incorrect or expired.)",
            refusing.url.rsplit(':').next().unwrap()
        )),
        "{error}"
    );
    let standard = exchange(&form_only, ProviderProfile::Standard)
        .await
        .unwrap_err();
    assert!(
        standard
            .to_string()
            .contains("as GitHub sends: choose the GitHub profile"),
        "{standard}"
    );
}

#[tokio::test]
async fn salesforce_answers_name_their_instance_and_no_lifetime() {
    let server = answering(
        200,
        r#"{"access_token":"00Dxx0000001gPL!AR8AQJXg","signature":"d7Zb+rM9DCnnM=","scope":"api","instance_url":"https://acme.my.salesforce.com","id":"https://login.salesforce.com/id/00Dxx0000001gPLEAY/005xx000001SwiUAAS","token_type":"Bearer","issued_at":"1790000000000"}"#,
    )
    .await;
    let values = [("host", "acme.my.salesforce.com")];
    let minted = client_credentials(
        &server,
        ProviderProfile::Salesforce,
        &values,
        &[],
        None,
        None,
    )
    .await
    .unwrap();
    assert_eq!(minted.expires_in, None);
    assert_eq!(
        minted.created_at, None,
        "issued_at (milliseconds) is not created_at"
    );
    assert_eq!(
        minted.instance_url.as_deref(),
        Some("https://acme.my.salesforce.com")
    );
    assert_eq!(server.seen()[0].path, "/services/oauth2/token");
    let forged = answering(
        200,
        r#"{"access_token":"00D!x","token_type":"Bearer","instance_url":"http://evil.example.com"}"#,
    )
    .await;
    let minted = client_credentials(
        &forged,
        ProviderProfile::Salesforce,
        &values,
        &[],
        None,
        None,
    )
    .await
    .unwrap();
    assert_eq!(
        minted.instance_url, None,
        "plain http off loopback is never a base"
    );
}

#[tokio::test]
async fn slack_user_tokens_and_ok_false_refusals_are_read() {
    let server = TestServer::start(|seen| {
        let body = if form(seen).iter().any(|(k, v)| k == "code" && v == "bad") {
            r#"{"ok":false,"error":"invalid_code"}"#
        } else {
            r#"{"ok":true,"app_id":"A0KRD7HC3","authed_user":{"id":"U1234","scope":"chat:write","access_token":"xoxp-1234","token_type":"user"},"team":{"name":"Acme","id":"T9TK3CUKW"},"enterprise":null,"is_enterprise_install":false}"#
        };
        Reply::Answer(200, "application/json; charset=utf-8", body.to_owned())
    })
    .await;
    let minted = exchange(&server, ProviderProfile::Slack).await.unwrap();
    assert_eq!(minted.access_token.expose(), "xoxp-1234");
    assert_eq!(minted.token_type, "Bearer");
    assert_eq!(minted.scopes, Some(vec!["chat:write".to_owned()]));
    assert_eq!(server.seen()[0].path, "/api/oauth.v2.access");
    let url = at(&server, ProviderProfile::Slack, &[], token_url);
    let secret = secret();
    let refused = flows::exchange_code(
        &http(),
        &url,
        auth(
            ProviderProfile::Slack,
            AuthMethod::ClientSecretPost,
            &secret,
        ),
        "http://127.0.0.1:53682/callback",
        &Secret::new("bad"),
        &Secret::new("verifier-verifier-verifier-verifier-verifier-1"),
    )
    .await
    .unwrap_err();
    assert!(
        refused
            .to_string()
            .contains("(HTTP 200, invalid_code: Slack answered ok: false)"),
        "{refused}"
    );
}

#[tokio::test]
async fn proof_tokens_start_at_created_at_and_token_info_is_at_its_own_path() {
    let server = TestServer::start(|seen| {
        let form_body = seen.header("content-type") == Some("application/x-www-form-urlencoded");
        let (status, body) = match seen.path.as_str() {
            "/oauth/v2/token" if !form_body => (415, ""),
            "/oauth/v2/token" => (
                200,
                r#"{"access_token":"your_token","token_type":"Bearer","expires_in":7200,"scope":"read write","created_at":1790000000}"#,
            ),
            _ => (
                200,
                r#"{"resource_owner_id":null,"scope":["read","write"],"expires_in":5179,"application":{"uid":"client-1"},"created_at":1790000000}"#,
            ),
        };
        Reply::Answer(status, "application/json", body.to_owned())
    })
    .await;
    let values = [("host", "api.fairfax.proof.com")];
    let minted = client_credentials(&server, ProviderProfile::Proof, &values, &[], None, None)
        .await
        .unwrap();
    assert_eq!(minted.created_at, Some(1_790_000_000));
    assert_eq!(
        minted.expires_in,
        Some(std::time::Duration::from_secs(7200))
    );
    let seen = server.seen();
    assert_eq!(
        form(&seen[0]),
        pairs(&[("grant_type", "client_credentials")])
    );
    assert!(
        seen[0]
            .header("authorization")
            .unwrap()
            .starts_with("Basic ")
    );
    let pick_info: fn(&Endpoints) -> &Option<String> = |e| &e.token_info_url;
    let info_url = at(&server, ProviderProfile::Proof, &values, pick_info);
    let now = Timestamp::from_unix(1_790_002_021).unwrap();
    let info = flows::token_info(
        &http(),
        &info_url,
        ProviderProfile::Proof,
        "Bearer",
        &minted.access_token,
        now,
    )
    .await
    .unwrap();
    assert_eq!(
        (info.expires_in_seconds, info.application_uid.as_deref()),
        (Some(5179), Some("client-1"))
    );
    let seen = server.seen();
    assert_eq!(
        (seen[1].method.as_str(), seen[1].path.as_str()),
        ("GET", "/oauth/v2/token/info")
    );
    assert_eq!(seen[1].header("authorization"), Some("Bearer your_token"));
}

#[tokio::test]
async fn propper_takes_credentials_and_scopes_in_the_form() {
    let server = answering(
        200,
        r#"{"access_token":"eyJhbGciOiJSUzI1NiIsInR5cCI6IkpXVCJ9.e30.sig","token_type":"Bearer","expires_in":3600,"scope":"sign:read sign:write"}"#,
    )
    .await;
    let minted = client_credentials(
        &server,
        ProviderProfile::Propper,
        &[],
        &["sign:read", "sign:write"],
        None,
        None,
    )
    .await
    .unwrap();
    assert_eq!(
        minted.scopes,
        Some(vec!["sign:read".to_owned(), "sign:write".to_owned()])
    );
    let seen = server.seen();
    assert_eq!(seen[0].path, "/oauth2/token");
    assert_eq!(
        form(&seen[0]),
        pairs(&[
            ("grant_type", "client_credentials"),
            ("scope", "sign:read sign:write"),
            ("client_id", "client-1"),
            ("client_secret", "s3cret"),
        ])
    );
}

#[tokio::test]
async fn a_standard_environment_meeting_slacks_shape_is_told_which_profile_reads_it() {
    let server = answering(200, r#"{"ok":false,"error":"invalid_client_id"}"#).await;
    let secret = secret();
    let url = format!("{}/api/oauth.v2.access", server.url);
    let error = flows::client_credentials(
        &http(),
        &ClientCredentials {
            token_url: &url,
            auth: auth(
                ProviderProfile::Standard,
                AuthMethod::ClientSecretPost,
                &secret,
            ),
            scopes: &[],
            audience: None,
            resource: None,
        },
    )
    .await
    .unwrap_err();
    assert!(
        error
            .to_string()
            .ends_with("got Slack's answer shape (ok, authed_user): choose the Slack profile for this environment."),
        "{error}"
    );
}

//! DPoP sender-constrained tokens (RFC 9449) against the real test authorization server
//! (oidc-provider, which verifies every proof and binds the tokens it issues) and the real
//! keychain: the token is DPoP and bound to the app's key (introspection's `cnf.jkt`), a refresh
//! keeps the binding, the server's nonce is used on one retry, a Bearer answer is refused, and
//! a resource request's proof holds for an independent verifier (`jose`) and no other key's does.

mod support;

use authdeck_core::ErrorCode;
use authdeck_core::model::*;
use serde_json::{Value, json};
use support::fixture::Fixture;

const DPOP_CLIENT: &str = "dpop-client";

/// The server's client whose tokens must be DPoP-bound, marked DPoP-bound here; and its
/// proof key's thumbprint.
fn dpop_app(f: &Fixture) -> (ClientApp, String) {
    let app = f.app_with(
        DPOP_CLIENT,
        Some((AuthMethod::ClientSecretBasic, "dpop-secret")),
        &[DEFAULT_REDIRECT_URI],
        &["openid", "offline_access", "read"],
    );
    let binding = f.core.set_dpop(&app.id, true).unwrap();
    assert!(binding.bound);
    let jkt = binding.jkt.expect("the key is made when the app is marked");
    assert_eq!(jkt.len(), 43, "a base64url SHA-256: {jkt}");
    (app, jkt)
}

fn now() -> i64 {
    time::OffsetDateTime::now_utc().unix_timestamp()
}

/// Checks a recorded token request's proof: made now for POST to the token endpoint, with the
/// public key in its header and no `ath`; returns its claims.
fn assert_token_proof(record: &Value, f: &Fixture) -> Value {
    let header = &record["dpop"]["header"];
    assert_eq!(header["typ"], "dpop+jwt", "{record}");
    assert_eq!(header["alg"], "ES256");
    assert_eq!(header["jwk"]["kty"], "EC");
    assert!(
        header["jwk"].get("d").is_none(),
        "no private part: {header}"
    );
    let claims = record["dpop"]["claims"].clone();
    assert_eq!(claims["htm"], "POST");
    assert_eq!(claims["htu"], format!("{}/token", f.server.issuer));
    let iat = claims["iat"].as_i64().unwrap();
    assert!((now() - 5..=now() + 5).contains(&iat), "iat {iat} is now");
    assert_eq!(claims["jti"].as_str().unwrap().len(), 36);
    assert!(claims.get("ath").is_none(), "ath only on resource requests");
    claims
}

/// The `cnf` the provider's introspection gives for the app's token.
async fn introspected_cnf(f: &Fixture, app: &ClientApp) -> Value {
    let answer = f.core.introspect_token(&app.id).await.unwrap();
    assert!(answer.active);
    let cnf = answer
        .fields
        .iter()
        .find(|field| field.name == "cnf")
        .expect("introspection names the binding");
    serde_json::from_str(&cnf.value).unwrap()
}

#[tokio::test(flavor = "multi_thread")]
async fn a_dpop_bound_app_gets_a_dpop_token_bound_to_its_key() {
    let f = Fixture::new("dpop-token", &[]);
    let (app, jkt) = dpop_app(&f);

    let status = f.new_token(&app).await.unwrap();
    let token = status.token.unwrap();
    assert_eq!(token.token_type, "DPoP");
    assert_eq!(introspected_cnf(&f, &app).await, json!({ "jkt": jkt }));
    let requests = f.requests();
    assert_eq!(requests.len(), 1, "{requests:?}");
    assert_eq!(requests[0]["status"], 200);
    assert_token_proof(&requests[0], &f);
    // the key's private part is only in the keychain
    assert!(f.accounts().contains(&format!("dpop-key:{}", app.id)));
}

#[tokio::test(flavor = "multi_thread")]
async fn a_refresh_keeps_the_binding_with_a_proof_of_its_own() {
    let f = Fixture::new("dpop-refresh", &[]);
    let (app, jkt) = dpop_app(&f);
    let signed_in = f.sign_in(&app).await.unwrap();
    assert_eq!(signed_in.token.unwrap().token_type, "DPoP");

    let refreshed = f.new_token(&app).await.unwrap();
    assert_eq!(refreshed.token.unwrap().token_type, "DPoP");
    assert_eq!(introspected_cnf(&f, &app).await, json!({ "jkt": jkt }));
    let requests = f.requests();
    let grants: Vec<&str> = requests
        .iter()
        .map(|r| r["grant_type"].as_str().unwrap())
        .collect();
    assert_eq!(grants, ["authorization_code", "refresh_token"]);
    let jtis: Vec<Value> = requests
        .iter()
        .map(|record| assert_token_proof(record, &f)["jti"].clone())
        .collect();
    assert_ne!(jtis[0], jtis[1], "each proof has its own jti");
}

#[tokio::test(flavor = "multi_thread")]
async fn the_authorization_request_binds_the_code_to_the_apps_key() {
    let f = Fixture::new("dpop-jkt", &[]);
    let (app, jkt) = dpop_app(&f);
    let login = f
        .core
        .start_login(&app.id, authdeck_core::LoginOptions::default())
        .await
        .unwrap();
    let url = url::Url::parse(&login.started.url).unwrap();
    let sent: Vec<String> = url
        .query_pairs()
        .filter(|(name, _)| name == "dpop_jkt")
        .map(|(_, value)| value.into_owned())
        .collect();
    assert_eq!(sent, [jkt]);

    // the sign-in of the refresh test above proves the server redeems such a code with a
    // proof by this key; an app that is not DPoP-bound sends no dpop_jkt
    let plain = f.public_app("native-client", &["openid"]);
    let login = f
        .core
        .start_login(&plain.id, authdeck_core::LoginOptions::default())
        .await
        .unwrap();
    assert!(!login.started.url.contains("dpop_jkt"), "an app not bound");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_device_login_polls_with_a_proof_each_and_gets_a_bound_token() {
    let f = Fixture::new("dpop-device", &[]);
    let (app, jkt) = dpop_app(&f);
    // the first poll finds the login pending; then the person approves on "another device"
    let done = f
        .device_login_approved_after(&app.id, std::time::Duration::from_millis(300))
        .await
        .unwrap();
    assert_eq!(done.token.unwrap().token_type, "DPoP");
    assert_eq!(introspected_cnf(&f, &app).await, json!({ "jkt": jkt }));
    let polls = f.requests();
    assert!(polls.len() >= 2, "pending, then approved: {polls:?}");
    let jtis: std::collections::HashSet<Value> = polls
        .iter()
        .map(|poll| {
            assert_eq!(
                poll["grant_type"],
                "urn:ietf:params:oauth:grant-type:device_code"
            );
            assert_token_proof(poll, &f)["jti"].clone()
        })
        .collect();
    assert_eq!(jtis.len(), polls.len(), "each poll has its own proof");
}

#[tokio::test(flavor = "multi_thread")]
async fn the_servers_nonce_is_used_on_one_retry_and_remembered() {
    let f = Fixture::new("dpop-nonce", &[]);
    let (app, _) = dpop_app(&f);
    f.configure(json!({"dpop_require_nonce": true}));

    let status = f.new_token(&app).await.unwrap();
    assert_eq!(status.token.unwrap().token_type, "DPoP");
    let requests = f.requests();
    assert_eq!(requests.len(), 2, "{requests:?}");
    assert_eq!(requests[0]["error"], "use_dpop_nonce");
    assert!(assert_token_proof(&requests[0], &f).get("nonce").is_none());
    assert_eq!(requests[1]["status"], 200);
    let nonce = assert_token_proof(&requests[1], &f)["nonce"].clone();
    assert!(nonce.is_string(), "the retry carries the nonce: {nonce}");

    // the next request starts with the nonce it was given
    f.new_token(&app).await.unwrap();
    let requests = f.requests();
    assert_eq!(requests.len(), 3, "no second retry: {requests:?}");
    assert_eq!(requests[2]["status"], 200);
    assert!(assert_token_proof(&requests[2], &f)["nonce"].is_string());
}

#[tokio::test(flavor = "multi_thread")]
async fn a_second_nonce_refusal_is_a_clear_error_and_nothing_is_stored() {
    let f = Fixture::new("dpop-nonce-refused", &[]);
    let (app, _) = dpop_app(&f);
    f.configure(json!({"dpop_refuse_nonce": true}));

    let error = f.new_token(&app).await.unwrap_err();
    assert_eq!(error.code(), ErrorCode::Provider, "{error}");
    let message = error.to_string();
    assert!(
        message.contains("(HTTP 400, use_dpop_nonce: nonce is required in the DPoP proof)"),
        "{message}"
    );
    assert!(
        message.contains("refused Authdeck's one retry with the nonce it sent"),
        "{message}"
    );
    let requests = f.requests();
    assert_eq!(requests.len(), 2, "one retry only: {requests:?}");
    assert_eq!(
        assert_token_proof(&requests[1], &f)["nonce"],
        "refused-1",
        "the retry used the nonce the refusal brought"
    );
    assert!(f.core.token_status(&app.id).unwrap().token.is_none());
}

#[tokio::test(flavor = "multi_thread")]
async fn a_bearer_answer_to_a_dpop_request_is_refused_as_unbound() {
    let f = Fixture::new("dpop-bearer", &[]);
    let (app, _) = dpop_app(&f);
    f.configure(json!({"fault": {"status": 200, "body":
        {"access_token": "unbound-token", "token_type": "Bearer", "expires_in": 300}}}));

    let error = f.new_token(&app).await.unwrap_err();
    assert_eq!(error.code(), ErrorCode::BadResponse, "{error}");
    let message = error.to_string();
    assert!(
        message.contains(
            "carried a DPoP proof and got token_type “Bearer”: the provider did not bind the \
             token to the app's DPoP key, so it was not stored"
        ),
        "{message}"
    );
    assert!(!message.contains("unbound-token"));
    assert!(f.core.token_status(&app.id).unwrap().token.is_none());
}

/// What tests/authserver/verify-dpop.js (panva's `jose`) says of a proof.
fn verify_independently(input: &Value) -> Result<Value, String> {
    use std::io::Write;
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/authserver");
    let mut child = std::process::Command::new("node")
        .arg("verify-dpop.js")
        .current_dir(dir)
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("node runs");
    let mut stdin = child.stdin.take().unwrap();
    stdin.write_all(input.to_string().as_bytes()).unwrap();
    drop(stdin);
    let output = child.wait_with_output().unwrap();
    if output.status.success() {
        Ok(serde_json::from_slice(&output.stdout).expect("JSON"))
    } else {
        Err(String::from_utf8_lossy(&output.stderr).trim().to_owned())
    }
}

/// Calls the server's DPoP resource with `token` and `proof`: its status and answer.
fn call_resource(url: &str, token: &str, proof: &str) -> (u16, Value) {
    tokio::task::block_in_place(|| {
        let response = support::http_client()
            .build()
            .unwrap()
            .get(url)
            .header("Authorization", format!("DPoP {token}"))
            .header("DPoP", proof)
            .send()
            .unwrap();
        (response.status().as_u16(), response.json().unwrap())
    })
}

#[tokio::test(flavor = "multi_thread")]
async fn a_resource_proof_holds_for_an_independent_verifier_and_no_other_key_does() {
    let f = Fixture::new("dpop-resource", &[]);
    let (app, jkt) = dpop_app(&f);
    f.new_token(&app).await.unwrap();
    let (_, token) = f.core.token_value(&app.id).unwrap();
    let url = format!("{}/test/dpop-resource?page=2#top", f.server.issuer);

    let proof = f.core.resource_proof(&app.id, "get", &url, &token).unwrap();
    let checked = verify_independently(&json!({
        "proof": proof, "method": "GET", "url": url,
        "access_token": token.expose(), "jkt": jkt,
    }))
    .unwrap();
    assert_eq!(checked["jkt"], jkt);
    assert_eq!(
        checked["claims"]["htu"],
        format!("{}/test/dpop-resource", f.server.issuer)
    );
    let (status, answer) = call_resource(&url, token.expose(), &proof);
    assert_eq!(status, 200, "{answer}");
    assert_eq!(answer["client_id"], DPOP_CLIENT);
    assert_eq!(answer["jkt"], jkt);

    // another app's key: a valid proof, but not by the key the token is bound to
    let other = f.app_with(
        "basic-client",
        Some((AuthMethod::ClientSecretBasic, "basic-secret")),
        &[],
        &["read"],
    );
    let other_jkt = f.core.set_dpop(&other.id, true).unwrap().jkt.unwrap();
    assert_ne!(other_jkt, jkt);
    let foreign = f
        .core
        .resource_proof(&other.id, "GET", &url, &token)
        .unwrap();
    let refused = verify_independently(&json!({
        "proof": foreign, "method": "GET", "url": url,
        "access_token": token.expose(), "jkt": jkt,
    }))
    .unwrap_err();
    assert_eq!(
        refused,
        format!("ERR_DPOP: the proof's key {other_jkt} is not the token's {jkt}")
    );
    let (status, answer) = call_resource(&url, token.expose(), &foreign);
    assert_eq!(status, 401, "{answer}");
    assert_eq!(answer["error"], "invalid_token");
    // a proof for another method is refused too
    let post = f
        .core
        .resource_proof(&app.id, "POST", &url, &token)
        .unwrap();
    let (status, answer) = call_resource(&url, token.expose(), &post);
    assert_eq!(status, 401);
    assert_eq!(
        answer["error_description"],
        "the DPoP proof is invalid: htm POST is not GET"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn try_it_sends_a_proof_with_a_dpop_token() {
    let f = Fixture::new("dpop-try-it", &[]);
    let (app, jkt) = dpop_app(&f);
    let request = |method: &str| ApiRequest {
        app_id: app.id.clone(),
        method: method.into(),
        path: "/test/dpop-resource?x=1".into(),
        headers: vec![],
        body: String::new(),
    };

    let response = f.core.call_api(&request("GET")).await.unwrap();
    assert_eq!(response.status, 200, "{}", response.body);
    let answer: Value = serde_json::from_str(&response.body).unwrap();
    assert_eq!(answer["client_id"], DPOP_CLIENT);
    assert_eq!(answer["jkt"], jkt);
    assert_eq!(
        answer["htu"],
        format!("{}/test/dpop-resource", f.server.issuer)
    );
    let response = f.core.call_api(&request("DELETE")).await.unwrap();
    assert_eq!(response.status, 200, "{}", response.body);

    // "copy as curl": authdeck makes the headers, so no token (nor a proof soon stale) is in it
    let (_, token) = f.core.token_value(&app.id).unwrap();
    let command = f.core.curl_command(&request("GET"), true).unwrap();
    assert_eq!(
        command.expose(),
        format!(
            "authdeck curl 'App dpop-client' --env 'Local' -- -sS \
             '{}/test/dpop-resource?x=1'",
            f.server.issuer
        )
    );
    assert!(!command.expose().contains(token.expose()));
}

#[tokio::test(flavor = "multi_thread")]
async fn an_app_that_is_not_dpop_bound_sends_no_proof_and_gets_no_resource_proof() {
    let f = Fixture::new("dpop-off", &[]);
    let app = f.basic_app();
    let status = f.new_token(&app).await.unwrap();
    assert_eq!(status.token.unwrap().token_type, "Bearer");
    assert_eq!(f.requests()[0]["dpop"], Value::Null);
    let (_, token) = f.core.token_value(&app.id).unwrap();
    let error = f
        .core
        .resource_proof(&app.id, "GET", "https://api.example.com/", &token)
        .unwrap_err();
    assert_eq!(error.code(), ErrorCode::NotConfigured);
    assert!(error.to_string().contains("is not DPoP-bound"), "{error}");
    assert_eq!(
        f.core.dpop_binding(&app.id).unwrap(),
        authdeck_core::facade::DpopBinding {
            bound: false,
            jkt: None,
            alg: None
        }
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn try_it_retries_once_with_a_resource_servers_nonce_and_then_sends_it_at_once() {
    let f = Fixture::new("dpop-resource-nonce", &[]);
    let (app, _) = dpop_app(&f);
    f.configure(json!({"dpop_resource_nonce": true}));
    let request = ApiRequest {
        app_id: app.id.clone(),
        method: "GET".into(),
        path: "/test/dpop-resource".into(),
        headers: vec![],
        body: String::new(),
    };
    let seen = || tokio::task::block_in_place(|| f.server.dpop_resource_requests());

    let response = f.core.call_api(&request).await.unwrap();
    assert_eq!(response.status, 200, "{}", response.body);
    let first = seen();
    assert_eq!(first.len(), 2, "a refusal, then the retry: {first:?}");
    // the first proof has no nonce or the token endpoint's (same origin here), not this one's
    assert_eq!(first[0]["status"], 401);
    let nonce = first[1]["nonce"]
        .as_str()
        .expect("the retry carries the nonce");
    assert_ne!(first[0]["nonce"], nonce);
    assert_eq!(first[1]["status"], 200);

    // remembered for the origin: the next request carries it at once
    let response = f.core.call_api(&request).await.unwrap();
    assert_eq!(response.status, 200, "{}", response.body);
    let all = seen();
    assert_eq!(all.len(), 3, "{all:?}");
    assert_eq!(all[2], json!({"nonce": nonce, "status": 200}));
}

#[tokio::test(flavor = "multi_thread")]
async fn an_authorization_and_a_resource_servers_nonces_on_one_origin_keep_their_own_slots() {
    let f = Fixture::new("dpop-nonce-slots", &[]);
    let (app, _) = dpop_app(&f);
    // one origin serves both, each wanting its own nonce
    f.configure(json!({"dpop_require_nonce": true, "dpop_resource_nonce": true}));
    let request = ApiRequest {
        app_id: app.id.clone(),
        method: "GET".into(),
        path: "/test/dpop-resource".into(),
        headers: vec![],
        body: String::new(),
    };
    let resource_requests = || tokio::task::block_in_place(|| f.server.dpop_resource_requests());

    // each server's first request is refused once for its nonce
    f.new_token(&app).await.unwrap();
    assert_eq!(f.requests().len(), 2, "{:?}", f.requests());
    assert_eq!(f.core.call_api(&request).await.unwrap().status, 200);
    assert_eq!(resource_requests().len(), 2, "{:?}", resource_requests());

    // then neither is: the resource server's nonce did not take the token endpoint's slot
    f.new_token(&app).await.unwrap();
    let token_requests = f.requests();
    assert_eq!(token_requests.len(), 3, "no retry: {token_requests:?}");
    assert_eq!(token_requests[2]["status"], 200);
    assert_eq!(f.core.call_api(&request).await.unwrap().status, 200);
    let seen = resource_requests();
    assert_eq!(seen.len(), 3, "no retry: {seen:?}");
    assert_eq!(seen[2]["status"], 200);
    assert_eq!(seen[2]["nonce"], seen[1]["nonce"]);
    assert_ne!(
        token_requests[2]["dpop"]["claims"]["nonce"], seen[2]["nonce"],
        "two servers, two nonces"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_proof_key_of_each_algorithm_binds_the_token_and_holds_for_an_independent_verifier() {
    let f = Fixture::new("dpop-algs", &[]);
    let (app, first_jkt) = dpop_app(&f);
    assert_eq!(
        f.core.dpop_binding(&app.id).unwrap().alg,
        Some(KeyAlg::Es256)
    );
    let url = format!("{}/test/dpop-resource", f.server.issuer);
    let mut jkts = std::collections::HashSet::new();
    for alg in KeyAlg::ALL {
        let binding = f.core.set_dpop_alg(&app.id, alg).await.unwrap();
        assert_eq!((binding.bound, binding.alg), (true, Some(alg)));
        let jkt = binding.jkt.unwrap();
        assert_eq!(jkt == first_jkt, alg == KeyAlg::Es256, "a new key: {alg:?}");
        assert!(jkts.insert(jkt.clone()), "a key of its own: {alg:?}");
        // none yet (ES256), or the one bound to the key replaced, forgotten with it
        let held = f.core.token_status(&app.id).unwrap().token;
        assert!(held.is_none(), "{alg:?}: {held:?}");

        let status = f.new_token(&app).await.unwrap();
        assert_eq!(status.token.unwrap().token_type, "DPoP");
        let record = f.requests().pop().unwrap();
        assert_eq!(record["status"], 200, "{record}");
        assert_eq!(record["dpop"]["header"]["alg"], alg.as_str());
        assert!(record["dpop"]["header"]["jwk"].get("d").is_none());
        assert_eq!(introspected_cnf(&f, &app).await, json!({ "jkt": jkt }));

        let (_, token) = f.core.token_value(&app.id).unwrap();
        let proof = f.core.resource_proof(&app.id, "GET", &url, &token).unwrap();
        let checked = verify_independently(&json!({
            "proof": proof, "method": "GET", "url": url,
            "access_token": token.expose(), "jkt": jkt,
        }))
        .unwrap();
        assert_eq!(checked["header"]["alg"], alg.as_str());
        assert_eq!(checked["jkt"], jkt);
        let (status, answer) = call_resource(&url, token.expose(), &proof);
        assert_eq!(status, 200, "{alg:?}: {answer}");
        assert_eq!(answer["jkt"], jkt);
    }
    // the same algorithm again: the same key, the token kept
    let again = f.core.set_dpop_alg(&app.id, KeyAlg::Rs256).await.unwrap();
    assert!(jkts.contains(again.jkt.as_deref().unwrap()));
    assert!(f.core.token_status(&app.id).unwrap().token.is_some());
}

#[tokio::test(flavor = "multi_thread")]
async fn an_algorithm_the_providers_metadata_does_not_list_is_refused_and_nothing_changes() {
    let f = Fixture::new("dpop-alg-refused", &[]);
    let (app, jkt) = dpop_app(&f);
    f.configure(json!({"dpop_algs_listed": ["ES256", "EdDSA"]}));
    f.new_token(&app).await.unwrap();

    let error = f
        .core
        .set_dpop_alg(&app.id, KeyAlg::Ps256)
        .await
        .unwrap_err();
    assert_eq!(error.code(), ErrorCode::Validation, "{error}");
    assert_eq!(error.field(), Some("dpop_alg"));
    assert_eq!(
        error.to_string(),
        "The provider of “Local” takes DPoP proofs signed with ES256, EdDSA (its metadata's \
         dpop_signing_alg_values_supported), not PS256; choose one of those."
    );
    let binding = f.core.dpop_binding(&app.id).unwrap();
    assert_eq!((binding.alg, binding.jkt), (Some(KeyAlg::Es256), Some(jkt)));
    assert!(f.core.token_status(&app.id).unwrap().token.is_some());
    // one it lists is taken
    let binding = f.core.set_dpop_alg(&app.id, KeyAlg::EdDsa).await.unwrap();
    assert_eq!(binding.alg, Some(KeyAlg::EdDsa));
}

//! Which node a request goes to, against scripted nodes: a redirect followed only to a
//! configured address, a sealed node passed over, the replication index carried. The real
//! 3-node cluster is exercised in the CLI's tests (`team_cluster.rs`).

use super::super::{SignIn, TeamVault};
use super::*;
use crate::http::{HttpClient, HttpLimits};
use crate::model::{Secret, Timestamp};
use crate::test_server::{Reply, Seen, TestServer};
use serde_json::json;

const TOKEN: &str = "s.member-token";
const SETUP: &str = "/v1/secret/data/authdeck/acme/local/setup";

fn vault(addresses: &[&str]) -> TeamVault {
    TeamVault {
        name: "acme".into(),
        addresses: addresses.iter().map(|a| a.to_string()).collect(),
        namespace: None,
        mount: "secret".into(),
        path: "authdeck/acme".into(),
        sign_in: SignIn::Token,
        created_at: Timestamp::from_unix(1_790_000_000).unwrap(),
    }
}

/// A node that holds the entry `local/setup` at version 3.
async fn holding_node() -> TestServer {
    TestServer::start(|_: &Seen| {
        let body = json!({ "data": { "data": { "a": "1" }, "metadata": { "version": 3 } } });
        Reply::Answer(200, "application/json", body.to_string())
    })
    .await
}

/// A standby that redirects everything to `active`'s address.
async fn redirecting_to(active: &str) -> TestServer {
    let active = active.to_owned();
    TestServer::start(move |seen: &Seen| {
        let location = format!("{active}{}", seen.path);
        Reply::AnswerWith(307, vec![("Location", location)], String::new())
    })
    .await
}

async fn read(vault: &TeamVault) -> Result<u64> {
    let http = HttpClient::new(HttpLimits::default()).unwrap();
    let token = Secret::new(TOKEN);
    let kv = Kv::new(&http, vault, &token);
    Ok(kv.read("local/setup").await?.expect("an entry").version)
}

#[tokio::test]
async fn a_redirect_to_a_configured_address_is_followed_with_the_token() {
    let active = holding_node().await;
    let standby = redirecting_to(&active.url).await;
    let vault = vault(&[&standby.url, &active.url]);
    assert_eq!(read(&vault).await.unwrap(), 3);
    let seen = active.seen();
    assert_eq!(seen.len(), 1, "the active node was asked once: {seen:?}");
    assert_eq!(seen[0].path, SETUP);
    assert_eq!(seen[0].header("X-Vault-Token"), Some(TOKEN));
}

#[tokio::test]
async fn a_redirect_to_an_address_not_configured_is_refused_and_gets_no_token() {
    let elsewhere = holding_node().await;
    let standby = redirecting_to(&elsewhere.url).await;
    let vault = vault(&[&standby.url]);
    let error = read(&vault).await.unwrap_err();
    assert_eq!(
        error.to_string(),
        format!(
            "The team vault “acme” at {standby} redirected to {elsewhere}, which is not one of \
             its addresses ({standby}); the vault token was not sent there. Connect the team \
             vault again with every node's address (--address for each).",
            standby = standby.url,
            elsewhere = elsewhere.url
        )
    );
    assert!(matches!(error, Error::NotConfigured(_)), "{error:?}");
    assert!(elsewhere.seen().is_empty(), "{:?}", elsewhere.seen());
}

#[tokio::test]
async fn a_sealed_node_is_passed_over_and_named_when_no_node_answers() {
    let sealed = TestServer::start(|_: &Seen| {
        let body = json!({ "errors": ["Vault is sealed"] }).to_string();
        Reply::Answer(503, "application/json", body)
    })
    .await;
    let active = holding_node().await;
    assert_eq!(read(&vault(&[&sealed.url, &active.url])).await.unwrap(), 3);

    let gone = holding_node().await;
    let gone_url = gone.url.clone();
    gone.stop().await;
    let error = read(&vault(&[&sealed.url, &gone_url])).await.unwrap_err();
    let message = error.to_string();
    assert!(
        message.starts_with(&format!(
            "The team vault “acme” could not be reached; tried {}: HTTP 503: Vault is sealed; \
             {gone_url}: Could not connect to 127.0.0.1",
            sealed.url
        )),
        "{message}"
    );
}

#[tokio::test]
async fn the_replication_index_of_an_answer_goes_with_the_next_request() {
    let node = TestServer::start(|seen: &Seen| {
        let index = format!("index-after-{}", seen.method);
        let body = json!({ "data": { "version": 4 } }).to_string();
        Reply::AnswerWith(200, vec![(INDEX, index)], body)
    })
    .await;
    let vault = vault(&[&node.url]);
    let http = HttpClient::new(HttpLimits::default()).unwrap();
    let token = Secret::new(TOKEN);
    let kv = Kv::new(&http, &vault, &token);
    kv.write("local/setup", json!({ "a": "1" }), 3)
        .await
        .unwrap();
    kv.read("local/setup").await.unwrap();
    let seen = node.seen();
    assert_eq!(seen[0].header(INDEX), None);
    assert_eq!(seen[1].header(INDEX), Some("index-after-POST"));
    assert_eq!(seen[1].header(INCONSISTENT), Some(FORWARD));
}

//! DPoP for scripts — `app add|edit --dpop`, `proof`, `curl` — run as the real binary against
//! the real keychain and the real test authorization server, whose DPoP resource route takes
//! only a DPoP-bound token with a proof made for that request by the key it is bound to
//! (checked with `jose`, tests/authserver/verify-dpop.js).

mod common;

use common::{Home, Server};
use serde_json::Value;

/// A server and a home with "Local" and "Orders", the server's dpop-client (whose tokens must
/// be DPoP-bound), added with --dpop; and the thumbprint `app add` printed.
fn orders(test: &str) -> (Server, Home, String) {
    let server = Server::start(&[]);
    let home = Home::new(test);
    home.local_environment(&server);
    let added = home.run(&[
        "app",
        "add",
        "Orders",
        "--env",
        "Local",
        "--client-id",
        "dpop-client",
        "--scope",
        "read",
        "--dpop",
    ]);
    let line = added
        .ok()
        .lines()
        .find(|line| line.starts_with("DPoP-bound"))
        .unwrap_or_else(|| panic!("the binding is shown: {added:#?}"))
        .to_owned();
    let jkt = line
        .strip_prefix("DPoP-bound: its tokens are bound to its proof key, thumbprint (jkt) ")
        .and_then(|rest| rest.strip_suffix('.'))
        .unwrap_or_else(|| panic!("{line}"))
        .to_owned();
    assert_eq!(jkt.len(), 43, "{jkt}");
    home.run_with_stdin(&["secret", "add", "Orders"], "dpop-secret\n")
        .ok();
    (server, home, jkt)
}

/// Calls the server's DPoP resource with curl, the token and a proof from `authdeck proof`.
fn curl_with(url: &str, method: &str, token: &str, proof: &str) -> (String, Value) {
    let output = std::process::Command::new("curl")
        .args(["-s", "-w", "\n%{http_code}", "-X", method, url])
        .args(["-H", &format!("Authorization: DPoP {token}")])
        .args(["-H", &format!("DPoP: {proof}")])
        .output()
        .expect("curl runs");
    let text = String::from_utf8(output.stdout).unwrap();
    let (body, status) = text.rsplit_once('\n').unwrap();
    (status.to_owned(), serde_json::from_str(body).unwrap())
}

#[test]
fn proof_prints_a_proof_the_resource_server_accepts_for_that_request_only() {
    let (server, home, jkt) = orders("dpop-proof");
    let url = format!("{}/test/dpop-resource?page=1", server.issuer);

    let proof = home.run(&["proof", "Orders", "--method", "GET", "--url", &url]);
    let proof = proof.ok().trim_end().to_owned();
    assert_eq!(proof.split('.').count(), 3, "a JWS: {proof}");
    let token = home.run(&["token", "Orders"]).ok().trim_end().to_owned();
    let status = home.run(&["status", "--json"]).json()["apps"][0].clone();
    assert_eq!(status["token_type"], "DPoP", "{status:#}");
    assert_eq!(status["dpop_jkt"], jkt.as_str(), "{status:#}");

    let (code, answer) = curl_with(&url, "GET", &token, &proof);
    assert_eq!(code, "200", "{answer}");
    assert_eq!(answer["client_id"], "dpop-client");
    assert_eq!(answer["jkt"], jkt);
    // made for GET: refused for DELETE
    let (code, answer) = curl_with(&url, "DELETE", &token, &proof);
    assert_eq!(code, "401");
    assert_eq!(
        answer["error_description"],
        "the DPoP proof is invalid: htm GET is not DELETE"
    );
}

#[test]
fn curl_runs_curl_with_the_token_and_a_proof_for_its_method_and_url() {
    let (server, home, jkt) = orders("dpop-curl");
    let url = format!("{}/test/dpop-resource", server.issuer);

    let run = home.run(&["curl", "Orders", "--", "-s", "-X", "PATCH", &url]);
    let answer: Value = serde_json::from_str(run.ok()).unwrap();
    assert_eq!(answer["client_id"], "dpop-client");
    assert_eq!(answer["jkt"], jkt);
    assert_eq!(answer["htm"], "PATCH");
    assert_eq!(answer["htu"], url);

    // curl's own exit code comes back (22: HTTP error with --fail)
    let refused = home.run(&["curl", "Orders", "--", "-s", "--fail", &format!("{url}x")]);
    assert_eq!(refused.code, 22, "{refused:#?}");

    let message = home
        .run(&["curl", "Orders", "--", "-s", "-d", "@-", &url])
        .failed(2)
        .to_owned();
    assert_eq!(
        message,
        "authdeck curl gives curl its headers on stdin, so it cannot pass on a body read from \
         stdin (@-); put the body in a file (@file) or run curl yourself with authdeck proof."
    );
    let message = home
        .run(&["curl", "Orders", "--", "-s"])
        .failed(2)
        .to_owned();
    assert_eq!(
        message,
        "No http:// or https:// URL among curl's arguments: the proof is made for one."
    );
}

#[test]
fn proof_is_refused_for_an_app_whose_tokens_are_not_bound() {
    let server = Server::start(&[]);
    let home = Home::new("dpop-unbound");
    home.local_environment(&server);
    home.app("Local", "Billing sync", "basic-client", "basic-secret");
    let url = format!("{}/test/dpop-resource", server.issuer);

    let message = home
        .run(&["proof", "Billing sync", "--method", "GET", "--url", &url])
        .failed(8)
        .to_owned();
    assert_eq!(
        message,
        "The token of “Billing sync” is a Bearer token, not bound to a DPoP key, so a proof \
         would not help. Mark the app with: authdeck app edit \"Billing sync\" --dpop, then \
         get a new token (authdeck token --new)."
    );
    let edited = home.run(&["app", "edit", "Billing sync", "--dpop"]);
    assert!(
        edited
            .ok()
            .contains("DPoP-bound: its tokens are bound to its proof key"),
        "{edited:#?}"
    );
    home.run(&["token", "--new"]).ok();
    let status = home.run(&["status", "--json"]).json()["apps"][0].clone();
    assert_eq!(status["token_type"], "DPoP", "{status:#}");
    let undone = home.run(&["app", "edit", "Billing sync", "--no-dpop"]);
    assert!(
        undone
            .ok()
            .contains("Not DPoP-bound: its tokens are Bearer tokens."),
        "{undone:#?}"
    );
}

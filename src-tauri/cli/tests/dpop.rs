//! DPoP for scripts — `app add|edit --dpop`, `proof`, `curl` — run as the real binary against
//! the real keychain and the real test authorization server, whose DPoP resource route takes
//! only a DPoP-bound token with a proof made for that request by the key it is bound to
//! (checked with `jose`, tests/authserver/verify-dpop.js).

mod common;

use common::{Home, Server};
use serde_json::{Value, json};

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
fn curl_sends_again_with_the_apis_nonce_shows_only_that_answer_and_keeps_the_nonce() {
    let (server, home, jkt) = orders("dpop-curl-nonce");
    server.configure(json!({"dpop_resource_nonce": true}));
    let url = format!("{}/test/dpop-resource", server.issuer);
    let dumped = home.path().join("headers.txt");
    let dumped_arg = dumped.to_str().unwrap();

    // -i, -w and -D see the answer to the retry only
    let run = home.run(&[
        "curl",
        "Orders",
        "--",
        "-s",
        "-i",
        "-w",
        "\n%{http_code}",
        "-D",
        dumped_arg,
        &url,
    ]);
    let out = run.ok();
    assert!(out.starts_with("HTTP/1.1 200 OK\r\n"), "{run:#?}");
    assert!(
        !out.contains("401") && !out.contains("use_dpop_nonce"),
        "{run:#?}"
    );
    let (head_and_body, code) = out.rsplit_once('\n').unwrap();
    assert_eq!(code, "200");
    let body = head_and_body.split("\r\n\r\n").nth(1).unwrap();
    let answer: Value = serde_json::from_str(body).unwrap();
    assert_eq!(answer["client_id"], "dpop-client");
    assert_eq!(answer["jkt"], jkt);
    let headers = std::fs::read_to_string(&dumped).unwrap();
    assert!(headers.starts_with("HTTP/1.1 200 OK\r\n"), "{headers}");
    assert!(!headers.contains("401"), "{headers}");
    assert_eq!(run.stderr, "", "{run:#?}");
    let seen = server.dpop_resource_requests();
    assert_eq!(seen.len(), 2, "a refusal, then the retry: {seen:?}");
    assert_eq!(seen[0], json!({"nonce": null, "status": 401}));
    let nonce = seen[1]["nonce"]
        .as_str()
        .expect("the retry carries the nonce");
    assert_eq!(seen[1]["status"], 200);

    // the next call (another process) sends the nonce at once
    let run = home.run(&["curl", "Orders", "--", "-s", "-X", "DELETE", &url]);
    let answer: Value = serde_json::from_str(run.ok()).unwrap();
    assert_eq!(answer["htm"], "DELETE");
    let seen = server.dpop_resource_requests();
    assert_eq!(seen.len(), 3, "no refusal this time: {seen:?}");
    assert_eq!(seen[2], json!({"nonce": nonce, "status": 200}));
    // the nonce is kept as a setting, never with the token or the key
    let db = rusqlite::Connection::open(home.path().join("authdeck.db")).unwrap();
    let kept: Vec<(String, String)> = db
        .prepare("SELECT key, value FROM settings WHERE key LIKE 'dpop-nonce:%'")
        .unwrap()
        .query_map([], |row| Ok((row.get(0)?, row.get(1)?)))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    assert_eq!(kept.len(), 1, "{kept:?}");
    assert_eq!(kept[0].0, format!("dpop-nonce:{}", server.issuer));
    assert!(kept[0].1.ends_with(&format!(" {nonce}")), "{kept:?}");
}

#[test]
fn curl_refuses_headers_to_stdout_and_no_clobber_which_a_retry_would_break() {
    let (server, home, _) = orders("dpop-curl-refusals");
    let url = format!("{}/test/dpop-resource", server.issuer);
    let message = home
        .run(&["curl", "Orders", "--", "-s", "-D", "-", &url])
        .failed(2)
        .to_owned();
    assert_eq!(
        message,
        "authdeck curl reads the answer's headers itself (to see a resource server's DPoP \
         nonce), so it cannot pass on -D - (headers to stdout); use -i to have them before the \
         body."
    );
    let message = home
        .run(&["curl", "Orders", "--", "--no-clobber", "-o", "x", &url])
        .failed(2)
        .to_owned();
    assert!(message.ends_with("leave --no-clobber out."), "{message}");
    assert_eq!(server.dpop_resource_requests(), Vec::<Value>::new());
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

#[test]
fn dpop_alg_chooses_the_proof_keys_algorithm_and_one_the_provider_lacks_is_refused() {
    let server = Server::start(&[]);
    let home = Home::new("dpop-alg");
    home.local_environment(&server);
    server.configure(json!({"dpop_algs_listed": ["ES256", "PS256"]}));
    let add = |alg: &str| {
        home.run(&[
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
            "--dpop-alg",
            alg,
        ])
    };

    // refused before anything is added
    let message = add("EdDSA").failed(7).to_owned();
    assert_eq!(
        message,
        "--dpop-alg: The provider of “Local” takes DPoP proofs signed with ES256, PS256 (its \
         metadata's dpop_signing_alg_values_supported), not EdDSA; choose one of those."
    );
    let status = home.run(&["status", "--json"]).json();
    assert_eq!(status["apps"], json!([]), "{status:#}");

    let added = add("PS256");
    let text = added.ok();
    assert!(
        text.contains("\nIts proofs are signed PS256.\n"),
        "{added:#?}"
    );
    let jkt = text
        .lines()
        .find_map(|line| {
            line.strip_prefix(
                "DPoP-bound: its tokens are bound to its proof key, thumbprint (jkt) ",
            )
        })
        .and_then(|rest| rest.strip_suffix('.'))
        .unwrap_or_else(|| panic!("{added:#?}"))
        .to_owned();
    home.run_with_stdin(&["secret", "add", "Orders"], "dpop-secret\n")
        .ok();
    let url = format!("{}/test/dpop-resource", server.issuer);
    let answer: Value =
        serde_json::from_str(home.run(&["curl", "Orders", "--", "-s", &url]).ok()).unwrap();
    assert_eq!(answer["client_id"], "dpop-client");
    assert_eq!(answer["jkt"], jkt);
    let token_proof = &server.token_requests().pop().unwrap()["dpop"]["header"];
    assert_eq!(token_proof["alg"], "PS256", "{token_proof}");

    // a name that is no algorithm, and the choice without --dpop, are usage errors
    let unknown = home.run(&["app", "edit", "Orders", "--dpop", "--dpop-alg", "HS256"]);
    assert_eq!(unknown.code, 2, "{unknown:#?}");
    assert!(
        unknown
            .stderr
            .contains("“HS256” is not one of ES256, EdDSA, PS256, RS256"),
        "{unknown:#?}"
    );
    let alone = home.run(&["app", "edit", "Orders", "--dpop-alg", "ES256"]);
    assert_eq!(alone.code, 2, "{alone:#?}");
    assert!(alone.stderr.contains("--dpop"), "{alone:#?}");
}

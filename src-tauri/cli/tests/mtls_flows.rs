//! Mutual TLS (RFC 8705) beyond client credentials, as the real binary against the real keychain
//! and the real test authorization server behind TLS, which records the certificate each
//! request's TLS connection presented and the path it arrived at: a device login and its
//! refresh, a pushed sign-in (PAR) and its code exchange, and a token exchange each present the
//! app's certificate at the metadata's `mtls_endpoint_aliases`, and the refreshed token keeps
//! its binding; the aliases are discovered once across CLI runs; `status` shows a token's
//! binding without asking the provider; an expired certificate is never presented.

mod common;

use authdeck_core::client_cert::{ClientIdentity, moment_of};
use authdeck_core::model::Timestamp;
use common::mtls::{Setup, import_ca_signed};
use serde_json::{Value, json};
use std::io::{BufRead, BufReader};
use std::process::{Child, Stdio};

const DEVICE_GRANT: &str = "urn:ietf:params:oauth:grant-type:device_code";
const EXCHANGE_GRANT: &str = "urn:ietf:params:oauth:grant-type:token-exchange";

/// A client of the server authenticating by tls_client_auth with the CA-signed certificate,
/// its tokens bound to it, with these grants and metadata besides.
fn register_ca_signed(setup: &Setup, metadata: Value) -> String {
    let mut full = json!({
        "token_endpoint_auth_method": "tls_client_auth",
        "tls_client_auth_subject_dn": "CN=authdeck-mtls-client",
    });
    full.as_object_mut()
        .unwrap()
        .extend(metadata.as_object().unwrap().clone());
    setup.register(full)
}

/// Reads a child's stderr until a line starting with `prefix`; returns every line so far.
fn read_until(reader: &mut impl BufRead, prefix: &str) -> Vec<String> {
    let mut lines = Vec::new();
    loop {
        let mut line = String::new();
        let read = reader.read_line(&mut line).expect("read stderr");
        assert!(read > 0, "stderr ended before “{prefix}”: {lines:#?}");
        let done = line.starts_with(prefix);
        lines.push(line.trim_end_matches('\n').to_owned());
        if done {
            return lines;
        }
    }
}

/// Waits for a child; its exit code and the rest of its stderr.
fn finish(child: Child, mut stderr: impl BufRead) -> (i32, String) {
    let mut rest = String::new();
    stderr.read_to_string(&mut rest).unwrap();
    let output = child.wait_with_output().unwrap();
    (output.status.code().expect("exited, not killed"), rest)
}

/// Checks that a recorded request presented the certificate `x5t` at the alias `path`.
#[track_caller]
fn presented_at(record: &Value, path: &str, x5t: &str) {
    assert_eq!(record["arrived_at"], path, "{record}");
    assert_eq!(record["certificate"]["x5t_s256"], x5t, "{record}");
}

#[test]
fn a_device_login_and_its_refresh_present_the_certificate_at_the_aliases_and_keep_the_binding() {
    let setup = Setup::new("mtls-device");
    setup
        .server
        .configure(json!({"mtls_aliases": true, "device_interval": 1}));
    let client_id = register_ca_signed(
        &setup,
        json!({
            "grant_types": [DEVICE_GRANT, "refresh_token"],
            "scope": "openid offline_access read",
        }),
    );
    setup.app_with(
        &client_id,
        "tls_client_auth",
        &["--scope", "openid offline_access read"],
    );
    let x5t = import_ca_signed(&setup);

    let mut child = setup
        .command(&["login", "Mtls", "--device"])
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stderr = BufReader::new(child.stderr.take().unwrap());
    let shown = read_until(&mut stderr, "authdeck: waiting up to ");
    assert_eq!(
        shown[2], "authdeck: or open this address, which holds the code:",
        "{shown:#?}"
    );
    let page =
        common::support::browser::approve_device_trusting(shown[3].trim(), &setup.ca.certificate());
    assert!(page.contains("Sign-in Success"), "{page}");
    let (code, rest) = finish(child, stderr);
    assert_eq!(code, 0, "{rest}");
    assert!(
        rest.starts_with("authdeck: signed in as alice; stored for “Mtls” in “Local”:"),
        "{rest}"
    );

    // the token lives 3600 s: asking for 3601 more refreshes it
    let refreshed = setup.run(&["token", "Mtls", "--min-valid", "3601", "-v"]);
    refreshed.ok();
    assert!(
        refreshed.stderr.starts_with("authdeck: refreshed token"),
        "{refreshed:#?}"
    );
    let said = setup.run(&["introspect", "Mtls"]);
    assert!(
        said.ok().contains(&format!(
            "Bound to a client certificate (cnf x5t#S256 {x5t}): it matches the app's active \
             certificate “Certificate 1” (CN=authdeck-mtls-client)."
        )),
        "the refreshed token keeps the binding: {said:?}"
    );

    let grants: Vec<(String, u64)> = setup
        .server
        .token_requests()
        .iter()
        .map(|record| {
            presented_at(record, "/mtls/token", &x5t);
            (
                record["grant_type"].as_str().unwrap().to_owned(),
                record["status"].as_u64().unwrap(),
            )
        })
        .collect();
    let (refresh, polls) = grants.split_last().unwrap();
    assert_eq!(refresh, &("refresh_token".to_owned(), 200), "{grants:?}");
    assert_eq!(
        polls.last(),
        Some(&(DEVICE_GRANT.to_owned(), 200)),
        "{grants:?}"
    );
    assert!(
        polls.iter().all(|(grant, _)| grant == DEVICE_GRANT),
        "{grants:?}"
    );
    let records = setup.server.client_auth_requests();
    assert_eq!(
        records[0]["endpoint"], "device_authorization",
        "{records:?}"
    );
    presented_at(&records[0], "/mtls/device/auth", &x5t);
    let last = records.last().unwrap();
    assert_eq!(last["endpoint"], "introspection", "{last}");
    presented_at(last, "/mtls/token/introspection", &x5t);
    for record in &records {
        assert_eq!(record["auth_method"], "tls_client_auth", "{record}");
        assert_eq!(record["client_secret_sent"], false, "{record}");
    }
}

#[test]
fn a_pushed_sign_in_presents_the_certificate_at_the_par_and_token_aliases() {
    let setup = Setup::new("mtls-par");
    setup.server.configure(json!({"mtls_aliases": true}));
    // the client takes authorization requests only pushed (RFC 9126 §6)
    let client_id = register_ca_signed(
        &setup,
        json!({
            "application_type": "native",
            "grant_types": ["authorization_code", "refresh_token"],
            "response_types": ["code"],
            "redirect_uris": ["http://127.0.0.1/callback"],
            "scope": "openid read",
            "require_pushed_authorization_requests": true,
        }),
    );
    setup.app_with(
        &client_id,
        "tls_client_auth",
        &["--scope", "openid read", "--par"],
    );
    let x5t = import_ca_signed(&setup);

    let mut child = setup
        .command(&["login", "Mtls", "--no-browser", "--timeout", "60"])
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stderr = BufReader::new(child.stderr.take().unwrap());
    let shown = read_until(&mut stderr, "  https://");
    let url = shown.last().unwrap().trim();
    assert_eq!(
        url,
        format!(
            "{}/auth?client_id={client_id}&request_uri={}",
            setup.server.issuer,
            // the one parameter left to check: the reference the push got
            url.split("request_uri=").nth(1).unwrap()
        )
    );
    let (status, landed) = common::support::browser::sign_in_trusting(url, &setup.ca.certificate());
    assert_eq!(status, 200, "{landed}");
    let (code, rest) = finish(child, stderr);
    assert_eq!(code, 0, "{rest}");

    let pushes = setup.server.par_requests();
    assert_eq!(pushes.len(), 1, "{pushes:?}");
    assert_eq!(pushes[0]["status"], 201, "{pushes:?}");
    let records = setup.server.client_auth_requests();
    let endpoints: Vec<&str> = records
        .iter()
        .map(|r| r["endpoint"].as_str().unwrap())
        .collect();
    assert_eq!(endpoints, ["pushed_authorization", "token"]);
    presented_at(&records[0], "/mtls/request", &x5t);
    presented_at(&records[1], "/mtls/token", &x5t);
    for record in &records {
        assert_eq!(record["auth_method"], "tls_client_auth", "{record}");
        assert_eq!(record["client_id"], client_id.as_str(), "{record}");
        assert_eq!(record["client_secret_sent"], false, "{record}");
    }
    assert_eq!(records[1]["status"], 200);
    let token = setup.server.token_requests();
    assert_eq!(token[0]["grant_type"], "authorization_code", "{token:?}");
}

#[test]
fn a_token_exchange_presents_the_certificate_at_the_token_alias() {
    let setup = Setup::new("mtls-exchange");
    setup.server.configure(json!({"mtls_aliases": true}));
    let client_id = register_ca_signed(
        &setup,
        json!({"grant_types": ["client_credentials", EXCHANGE_GRANT]}),
    );
    setup.app(&client_id, "tls_client_auth");
    let x5t = import_ca_signed(&setup);
    setup
        .home
        .app("Local", "Billing sync", "basic-client", "basic-secret");

    setup
        .run(&[
            "exchange",
            "Mtls",
            "--subject-token-from",
            "Billing sync",
            "--scope",
            "read",
        ])
        .ok();

    let exchanges = setup.server.exchange_requests();
    assert_eq!(exchanges.len(), 1, "{exchanges:?}");
    assert_eq!(exchanges[0]["client_id"], client_id.as_str());
    assert_eq!(exchanges[0]["subject_client_id"], "basic-client");
    assert_eq!(exchanges[0]["status"], 200);
    let requests = setup.server.token_requests();
    let grants: Vec<(&str, &str)> = requests
        .iter()
        .map(|r| {
            (
                r["grant_type"].as_str().unwrap(),
                r["arrived_at"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        grants,
        [
            ("client_credentials", "/token"),
            (EXCHANGE_GRANT, "/mtls/token")
        ]
    );
    assert_eq!(requests[0]["certificate"], Value::Null, "the subject's own");
    presented_at(&requests[1], "/mtls/token", &x5t);
    assert_eq!(requests[1]["auth_method"], "tls_client_auth");
}

#[test]
fn an_mtls_app_discovers_its_aliases_once_across_cli_runs() {
    let setup = Setup::new("mtls-discovery");
    setup.server.configure(json!({"mtls_aliases": true}));
    let client_id = register_ca_signed(&setup, json!({}));
    setup.app(&client_id, "tls_client_auth");
    import_ca_signed(&setup);
    let before = setup.server.metadata_requests().len();

    setup.run(&["token", "Mtls", "--new"]).ok();
    let first: Vec<String> = setup.server.metadata_requests()[before..]
        .iter()
        .map(|r| r["path"].as_str().unwrap().to_owned())
        .collect();
    let mut documents = first.clone();
    documents.sort();
    assert_eq!(
        documents,
        [
            "/.well-known/oauth-authorization-server",
            "/.well-known/openid-configuration"
        ],
        "the first run reads the metadata"
    );
    setup.run(&["token", "Mtls", "--new"]).ok();
    assert_eq!(
        setup.server.metadata_requests().len(),
        before + first.len(),
        "the second run reads it no more"
    );
    let arrived: Vec<Value> = setup
        .server
        .token_requests()
        .iter()
        .map(|r| r["arrived_at"].clone())
        .collect();
    assert_eq!(arrived, [json!("/mtls/token"), json!("/mtls/token")]);
}

/// The `status --json` entry of the app named `name`.
fn status_of(setup: &Setup, name: &str) -> Value {
    let status = setup.run(&["status", "--json"]).json();
    status["apps"]
        .as_array()
        .unwrap()
        .iter()
        .find(|app| app["name"] == name)
        .unwrap_or_else(|| panic!("{name} in {status}"))
        .clone()
}

/// Everything the server recorded, to see that nothing more was asked of it.
fn server_records(setup: &Setup) -> Vec<Vec<Value>> {
    vec![
        setup.server.token_requests(),
        setup.server.client_auth_requests(),
        setup.server.metadata_requests(),
        setup.server.revocation_requests(),
    ]
}

#[test]
fn status_shows_a_jwt_tokens_certificate_binding_without_asking_the_provider() {
    let setup = Setup::new("mtls-status");
    let client_id = register_ca_signed(&setup, json!({}));
    // this resource's tokens are JWTs: the binding is in the token's own claims
    setup.app_with(
        &client_id,
        "tls_client_auth",
        &[
            "--scope",
            "read",
            "--resource",
            "https://jwt-api.authdeck.test/",
        ],
    );
    let x5t = import_ca_signed(&setup);
    setup
        .home
        .app("Local", "Billing sync", "basic-client", "basic-secret");
    setup.run(&["token", "Mtls", "--new"]).ok();
    setup.run(&["token", "Billing sync", "--new"]).ok();
    let asked = server_records(&setup);

    assert_eq!(
        status_of(&setup, "Mtls")["cert_binding"],
        json!({
            "state": "bound",
            "x5t_s256": x5t,
            "matches_active_certificate": true,
            "certificate": "Certificate 1",
        })
    );
    assert_eq!(
        status_of(&setup, "Billing sync").get("cert_binding"),
        None,
        "an app without certificates"
    );
    let table = setup.run(&["status"]);
    let short: String = x5t.chars().take(8).collect();
    let row = table
        .ok()
        .lines()
        .find(|line| line.starts_with("Mtls "))
        .unwrap()
        .to_owned();
    assert!(
        row.ends_with(&format!("{short}… “Certificate 1”, presented")),
        "{table:?}"
    );
    let billing = table.ok().lines().find(|l| l.starts_with("Billing sync "));
    assert!(billing.unwrap().ends_with(" -"), "{table:?}");

    // a newer certificate is presented from now on: the token is bound to the older one
    setup.run(&["cert", "generate", "Mtls"]).ok();
    let binding = &status_of(&setup, "Mtls")["cert_binding"];
    assert_eq!(binding["x5t_s256"], x5t.as_str());
    assert_eq!(binding["matches_active_certificate"], false, "{binding}");
    assert_eq!(binding["certificate"], "Certificate 1", "{binding}");
    assert_eq!(server_records(&setup), asked, "status asked the provider");
}

/// A self-signed certificate and key, as files, valid for `seconds` more from now; with its
/// public JWK (x5c, x5t#S256) to register. Made by core's own generator (rcgen) dated so that
/// its year of validity ends `seconds` from now.
fn short_lived(dir: &std::path::Path, seconds: i64) -> (Value, Timestamp) {
    let now = time::OffsetDateTime::now_utc().unix_timestamp();
    let year = authdeck_core::client_cert::GENERATED_VALID_DAYS * 86_400;
    let made_at = Timestamp::from_unix(now - year + seconds).unwrap();
    let (identity, facts) = ClientIdentity::generate("short-lived", made_at).unwrap();
    std::fs::write(dir.join("short.pem"), identity.chain_pem()).unwrap();
    std::fs::write(dir.join("short-key.pem"), identity.key_pem().expose()).unwrap();
    let jwk = serde_json::from_str(&identity.public_jwk().unwrap().unwrap()).unwrap();
    (jwk, facts.not_after)
}

#[test]
fn an_expired_certificate_is_never_presented_and_says_what_to_do() {
    let setup = Setup::new("mtls-expired");
    setup.app("pending", "self_signed_tls_client_auth");
    let generated = setup.run(&["cert", "generate", "Mtls", "--json"]).json();
    let lasting = generated["certificate"]["x5t_s256"]
        .as_str()
        .unwrap()
        .to_owned();
    // the newest certificate, valid a few seconds more when it is added
    let files = tempfile::tempdir().unwrap();
    let (short_jwk, not_after) = short_lived(files.path(), 4);
    let cert = files.path().join("short.pem");
    let key = files.path().join("short-key.pem");
    let added = setup.run(&[
        "cert",
        "add",
        "Mtls",
        "--cert",
        cert.to_str().unwrap(),
        "--key",
        key.to_str().unwrap(),
    ]);
    assert!(
        added
            .ok()
            .starts_with("Stored certificate “Certificate 2” (CN=short-lived"),
        "{added:?}"
    );
    // the provider holds both: were the expired one sent, it would take it
    let client_id = setup.register(json!({
        "token_endpoint_auth_method": "self_signed_tls_client_auth",
        "jwks": {"keys": [generated["public_jwk"], short_jwk]},
    }));
    setup
        .run(&["app", "edit", "Mtls", "--client-id", &client_id])
        .ok();
    let wait = not_after.unix() + 1 - time::OffsetDateTime::now_utc().unix_timestamp();
    std::thread::sleep(std::time::Duration::from_secs(wait.max(0).unsigned_abs()));

    // expired: the older certificate, still valid, is presented instead
    setup.run(&["token", "Mtls", "--new"]).ok();
    let records = setup.server.client_auth_requests();
    assert_eq!(records.len(), 1, "{records:?}");
    assert_eq!(records[0]["status"], 200, "{records:?}");
    assert_eq!(records[0]["certificate"]["x5t_s256"], lasting.as_str());
    let list = setup.run(&["cert", "list", "Mtls"]);
    let row = list
        .ok()
        .lines()
        .find(|line| line.starts_with("Certificate 2 "))
        .unwrap()
        .to_owned();
    assert!(row.contains(" active, expired "), "{list:?}");

    // with only the expired one active, nothing is sent
    setup.run(&["cert", "retire", "Mtls", &lasting]).ok();
    let refused = setup.run(&["token", "Mtls", "--new"]);
    assert_eq!(
        refused.failed(8),
        format!(
            "The client certificate “Certificate 2” of “Mtls” (CN=short-lived) expired \
             on {}, and “Mtls” has no other active certificate that is still valid, so nothing \
             was sent. Add a new one (authdeck cert generate, or cert add with the certificate \
             your provider issues), register it at the provider, then retire the expired one.",
            moment_of(not_after)
        )
    );
    assert_eq!(setup.server.client_auth_requests().len(), 1, "none sent");
}

//! Mutual-TLS client authentication and certificate-bound tokens (RFC 8705) as the real binary
//! against the real keychain and the real test authorization server behind TLS, which asks
//! every client for a certificate and records the one it saw: tls_client_auth with a
//! certificate its CA signed, self_signed_tls_client_auth with one Authdeck generated and the
//! provider registered by its printed JWK, the token's `cnf.x5t#S256`, the metadata's
//! `mtls_endpoint_aliases`, and each refusal.

mod common;

use common::mtls::{Setup, assert_mtls, import_ca_signed, import_ca_signed_output};
use common::support;
use serde_json::{Value, json};

#[test]
fn tls_client_auth_gets_a_token_bound_to_the_certificate_the_server_verified() {
    let setup = Setup::new("mtls-ca-signed");
    let client_id = setup.register(json!({
        "token_endpoint_auth_method": "tls_client_auth",
        "tls_client_auth_subject_dn": "CN=authdeck-mtls-client",
    }));
    setup.app(&client_id, "tls_client_auth");
    let x5t = import_ca_signed(&setup);

    let token = setup.run(&["token", "Mtls", "--new"]);
    assert!(token.ok().trim().len() >= 20, "{token:?}");
    let introspected = setup.run(&["introspect", "Mtls"]);
    let said = introspected.ok();
    assert!(said.contains("is active"), "{said}");
    assert!(
        said.contains(&format!(
            "Bound to a client certificate (cnf x5t#S256 {x5t}): it matches the app's active \
             certificate “Certificate 1” (CN=authdeck-mtls-client)."
        )),
        "{said}"
    );
    setup.run(&["revoke", "Mtls"]).ok();

    let records = setup.server.client_auth_requests();
    let endpoints: Vec<&str> = records
        .iter()
        .map(|r| r["endpoint"].as_str().unwrap())
        .collect();
    assert_eq!(endpoints, ["token", "introspection", "revocation"]);
    for record in &records {
        let endpoint = record["endpoint"].as_str().unwrap();
        assert_mtls(record, endpoint, "tls_client_auth", &x5t);
        assert_eq!(record["certificate"]["authorized"], true, "{record}");
        assert_eq!(
            record["certificate"]["subject"], "CN=authdeck-mtls-client",
            "{record}"
        );
    }
}

#[test]
fn self_signed_tls_client_auth_registered_by_the_printed_jwk_gets_a_bound_token() {
    let setup = Setup::new("mtls-self-signed");
    setup.app("pending", "self_signed_tls_client_auth");
    let generated = setup.run(&["cert", "generate", "Mtls", "--json"]).json();
    let jwk = &generated["public_jwk"];
    let x5t = generated["certificate"]["x5t_s256"].as_str().unwrap();
    assert_eq!(jwk["x5t#S256"], x5t);
    assert_eq!(jwk["kty"], "EC");
    assert!(jwk.get("d").is_none(), "public only: {jwk}");
    assert_eq!(
        generated["certificate"]["subject"], "CN=Authdeck pending",
        "{generated}"
    );
    let client_id = setup.register(json!({
        "token_endpoint_auth_method": "self_signed_tls_client_auth",
        "jwks": {"keys": [jwk]},
    }));
    setup
        .run(&["app", "edit", "Mtls", "--client-id", &client_id])
        .ok();

    setup.run(&["token", "Mtls", "--new"]).ok();
    let said = setup.run(&["introspect", "Mtls"]);
    assert!(
        said.ok().contains(&format!(
            "(cnf x5t#S256 {x5t}): it matches the app's active"
        )),
        "{said:?}"
    );

    let records = setup.server.client_auth_requests();
    assert_eq!(records.len(), 2, "{records:?}");
    assert_mtls(&records[0], "token", "self_signed_tls_client_auth", x5t);
    assert_eq!(
        records[0]["certificate"]["authorized"], false,
        "self-signed"
    );
    assert_mtls(
        &records[1],
        "introspection",
        "self_signed_tls_client_auth",
        x5t,
    );
}

#[test]
fn requests_go_to_the_mtls_endpoint_aliases_the_metadata_names() {
    let setup = Setup::new("mtls-aliases");
    setup.server.configure(json!({"mtls_aliases": true}));
    let client_id = setup.register(json!({
        "token_endpoint_auth_method": "tls_client_auth",
        "tls_client_auth_subject_dn": "CN=authdeck-mtls-client",
    }));
    setup.app(&client_id, "tls_client_auth");
    let x5t = import_ca_signed(&setup);
    // a secret-based app of the same environment keeps the plain endpoints
    setup
        .home
        .app("Local", "Billing sync", "basic-client", "basic-secret");

    setup.run(&["token", "Mtls", "--new"]).ok();
    setup.run(&["introspect", "Mtls"]).ok();
    setup.run(&["revoke", "Mtls"]).ok();
    setup.run(&["token", "Billing sync", "--new"]).ok();

    let records = setup.server.client_auth_requests();
    let arrived: Vec<(&str, &str)> = records
        .iter()
        .map(|r| {
            (
                r["client_id"].as_str().unwrap(),
                r["arrived_at"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        arrived,
        [
            (client_id.as_str(), "/mtls/token"),
            (client_id.as_str(), "/mtls/token/introspection"),
            (client_id.as_str(), "/mtls/token/revocation"),
            ("basic-client", "/token"),
        ]
    );
    for record in &records[..3] {
        let endpoint = record["endpoint"].as_str().unwrap();
        assert_mtls(record, endpoint, "tls_client_auth", &x5t);
    }
    assert_eq!(records[3]["certificate"], Value::Null, "no certificate");
}

#[test]
fn a_certificate_the_provider_does_not_hold_is_refused_as_unregistered() {
    let setup = Setup::new("mtls-unregistered");
    setup.app("pending", "self_signed_tls_client_auth");
    setup.run(&["cert", "generate", "Mtls"]).ok();
    // the provider holds another certificate's JWK
    let other = Setup::new("mtls-unregistered-other");
    other.app("pending", "self_signed_tls_client_auth");
    let elsewhere = other.run(&["cert", "generate", "Mtls", "--json"]).json();
    let client_id = setup.register(json!({
        "token_endpoint_auth_method": "self_signed_tls_client_auth",
        "jwks": {"keys": [elsewhere["public_jwk"]]},
    }));
    setup
        .run(&["app", "edit", "Mtls", "--client-id", &client_id])
        .ok();

    let refused = setup.run(&["token", "Mtls", "--new"]);
    let message = refused.failed(4);
    assert!(message.contains("invalid_client"), "{message}");
    let record = setup.server.client_auth_requests().pop().unwrap();
    assert_eq!(record["status"], 401, "{record}");
    assert_eq!(
        record["error_detail"], "unregistered client certificate provided",
        "{record}"
    );
    assert_eq!(record["certificate"]["x5t_s256"], setup.thumbprint());
}

#[test]
fn an_mtls_app_without_a_certificate_sends_nothing_and_keeps_its_last_one() {
    let setup = Setup::new("mtls-no-cert");
    let client_id = setup.register(json!({
        "token_endpoint_auth_method": "tls_client_auth",
        "tls_client_auth_subject_dn": "CN=authdeck-mtls-client",
    }));
    setup.app(&client_id, "tls_client_auth");

    let refused = setup.run(&["token", "Mtls", "--new"]);
    assert!(
        refused
            .failed(8)
            .contains("authenticates with tls_client_auth and has no active client certificate"),
        "{refused:?}"
    );
    assert_eq!(setup.server.client_auth_requests(), Vec::<Value>::new());

    let x5t = import_ca_signed(&setup);
    for verb in ["retire", "rm"] {
        let kept = setup.run(&["cert", verb, "Mtls", &x5t]);
        assert!(
            kept.failed(7)
                .contains("last active client certificate of “Mtls”"),
            "{kept:?}"
        );
    }
    assert_eq!(setup.thumbprint(), x5t);
}

#[test]
fn a_key_of_another_certificate_or_an_unreadable_pem_is_refused_on_import() {
    let setup = Setup::new("mtls-import");
    setup.app("pending", "tls_client_auth");
    let cert = setup.ca.client_certificate();
    let cert = cert.to_str().unwrap();
    let other_key = setup.ca.certificate().with_file_name("server-key.pem");
    let wrong = setup.run(&[
        "cert",
        "add",
        "Mtls",
        "--cert",
        cert,
        "--key",
        other_key.to_str().unwrap(),
    ]);
    assert!(
        wrong
            .failed(7)
            .contains("This private key does not belong to the certificate"),
        "{wrong:?}"
    );
    let unreadable = setup.run(&["cert", "add", "Mtls", "--cert", cert, "--key", cert]);
    assert!(
        unreadable
            .failed(7)
            .contains("This is not a private key Authdeck can read"),
        "{unreadable:?}"
    );
    let list = setup.run(&["cert", "list", "Mtls"]);
    assert_eq!(list.ok(), "“Mtls” holds no client certificate.\n");
}

#[test]
fn no_private_key_material_is_printed_or_reaches_the_data_folder() {
    let setup = Setup::new("mtls-canary");
    setup.app("pending", "self_signed_tls_client_auth");
    let mut printed = String::new();
    printed.push_str(import_ca_signed_output(&setup).as_str());
    for args in [
        &["cert", "generate", "Mtls"][..],
        &["cert", "generate", "Mtls", "--json"],
        &["cert", "list", "Mtls"],
        &["cert", "list", "Mtls", "--json"],
    ] {
        printed.push_str(setup.run(args).ok());
    }
    // the key lines of the imported file and of every key the keychain holds
    let key_file = std::fs::read_to_string(setup.ca.client_key()).unwrap();
    let mut needles = private_lines(&key_file);
    let accounts = support::open(&setup.home.path(), &setup.home.namespace)
        .consistency()
        .unwrap()
        .1;
    let held: Vec<&String> = accounts
        .iter()
        .filter(|a| a.starts_with("client-cert:"))
        .collect();
    assert_eq!(held.len(), 3, "{accounts:?}");
    for account in held {
        let stored = support::secret_tool_lookup(&setup.home.namespace, account).unwrap();
        assert!(stored.contains("PRIVATE KEY-----"), "a PEM key");
        needles.extend(private_lines(&stored));
    }
    assert_eq!(needles.len(), 8, "two lines of each of the four keys");
    for needle in &needles {
        assert!(!printed.contains(needle.as_str()), "printed: {needle}");
        for path in common::files_under(&setup.home.path()) {
            let bytes = std::fs::read(&path).unwrap();
            let found = bytes.windows(needle.len()).any(|w| w == needle.as_bytes());
            assert!(!found, "private key material in {}", path.display());
        }
    }
}

/// The base64 lines of a P-256 key's PEM that hold its private scalar: all but the last, which
/// holds only the public point (also in the certificate, where it may show as the same text).
fn private_lines(pem: &str) -> Vec<String> {
    let mut lines: Vec<String> = pem
        .lines()
        .filter(|line| !line.starts_with("-----"))
        .map(str::to_owned)
        .collect();
    lines.pop();
    lines
}

#[test]
fn a_retired_certificate_is_reactivated_and_an_unknown_one_is_not_found() {
    let setup = Setup::new("mtls-reactivate");
    setup.app("pending", "self_signed_tls_client_auth");
    let generated = |setup: &Setup| -> String {
        let made = setup.run(&["cert", "generate", "Mtls", "--json"]).json();
        made["certificate"]["x5t_s256"].as_str().unwrap().to_owned()
    };
    let first = generated(&setup);
    let second = generated(&setup);
    let state_of = |setup: &Setup, x5t: &str| -> String {
        let list = setup.run(&["cert", "list", "Mtls", "--json"]).json();
        let cert = list
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["x5t_s256"] == x5t)
            .unwrap_or_else(|| panic!("{x5t} listed: {list}"))
            .clone();
        cert["state"].as_str().unwrap().to_owned()
    };
    setup.run(&["cert", "retire", "Mtls", &second]).ok();
    assert_eq!(state_of(&setup, &second), "retired");
    let reactivated = setup.run(&["cert", "reactivate", "Mtls", &second]);
    assert_eq!(
        reactivated.ok(),
        format!(
            "Reactivated certificate {second} of “Mtls”: active again (of its active \
             certificates, the newest is presented).\n"
        )
    );
    assert_eq!(state_of(&setup, &second), "active");
    assert_eq!(state_of(&setup, &first), "active");
    // with two active, either may be retired again
    setup.run(&["cert", "retire", "Mtls", &first]).ok();
    let unknown = setup.run(&["cert", "reactivate", "Mtls", "-no-such-thumbprint"]);
    assert_eq!(unknown.code, 3, "{unknown:?}");
}

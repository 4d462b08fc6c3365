//! `authdeck key` and `--auth-method private_key_jwt` as the real binary against the real
//! keychain and the real test authorization server: keys generated and imported, their public
//! JWKS registered at the provider, a token by private_key_jwt; and the private key material
//! never printed, never in the data folder.

mod common;

use common::{Home, Server, support};
use serde_json::{Value, json};

/// A P-256 private key made by Node's own crypto, as PKCS#8 PEM and as a private JWK.
fn node_p256_key() -> (String, Value) {
    let output = std::process::Command::new("node")
        .args([
            "-e",
            "const { generateKeyPairSync } = require('node:crypto');
             const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
             console.log(JSON.stringify({
               pem: privateKey.export({ type: 'pkcs8', format: 'pem' }),
               jwk: privateKey.export({ format: 'jwk' }),
             }));",
        ])
        .output()
        .expect("node runs");
    assert!(output.status.success());
    let made: Value = serde_json::from_slice(&output.stdout).unwrap();
    (
        made["pem"].as_str().unwrap().to_owned(),
        made["jwk"].clone(),
    )
}

/// The last line of `key add`'s output: the public JWK it says to register.
fn printed_jwk(stdout: &str) -> Value {
    serde_json::from_str(stdout.lines().last().unwrap()).unwrap()
}

#[test]
fn keys_are_generated_and_imported_printing_only_public_parts_and_sign_a_token() {
    let server = Server::start(&[]);
    let home = Home::new("keys");
    home.local_environment(&server);
    home.run(&[
        "app",
        "add",
        "Signer",
        "--env",
        "Local",
        "--client-id",
        "pending",
        "--auth-method",
        "private_key_jwt",
        "--scope",
        "read",
    ])
    .ok();
    let mut printed = String::new();

    let generated = home.run(&["key", "add", "Signer", "--alg", "EdDSA", "--label", "made"]);
    printed.push_str(generated.ok());
    let generated_jwk = printed_jwk(&generated.stdout);
    assert_eq!(generated_jwk["kty"], "OKP");
    assert!(generated_jwk.get("d").is_none(), "{generated_jwk}");

    let (pem, private_jwk) = node_p256_key();
    let imported = home.run_with_stdin(&["key", "add", "Signer", "--import", "-"], &pem);
    printed.push_str(imported.ok());
    let imported_jwk = printed_jwk(&imported.stdout);
    assert_eq!(
        (&imported_jwk["x"], &imported_jwk["y"]),
        (&private_jwk["x"], &private_jwk["y"]),
        "the public half of the key imported"
    );
    assert!(imported_jwk.get("d").is_none());
    // the same key again, as a JWK: refused, it is already there
    let again = home.run_with_stdin(
        &["key", "add", "Signer", "--import", "-"],
        &private_jwk.to_string(),
    );
    assert!(
        again.failed(7).contains("already has this key"),
        "{again:?}"
    );

    let jwks = home.run(&["key", "jwks", "Signer"]);
    printed.push_str(jwks.ok());
    let jwks = jwks.json();
    assert_eq!(jwks, json!({"keys": [imported_jwk, generated_jwk]}));
    let list = home.run(&["key", "list", "Signer", "--json"]);
    printed.push_str(list.ok());
    assert_eq!(list.json().as_array().unwrap().len(), 2);

    let registered = server.register_client(json!({
        "token_endpoint_auth_method": "private_key_jwt",
        "jwks": jwks,
        "grant_types": ["client_credentials"],
        "response_types": [],
        "redirect_uris": [],
        "scope": "read",
    }));
    let client_id = registered["client_id"].as_str().unwrap();
    home.run(&["app", "edit", "Signer", "--client-id", client_id])
        .ok();
    let token = home.run(&["token", "Signer"]);
    printed.push_str(token.ok());
    let record = server.client_auth_requests().pop().unwrap();
    assert_eq!(record["auth_method"], "private_key_jwt");
    assert_eq!(record["status"], 200);
    // the newest active key signs: the imported one
    assert_eq!(record["assertion"]["header"]["kid"], imported_jwk["kid"]);

    // nothing printed and nothing in the data folder holds private key material
    let mut needles = vec![
        private_jwk["d"].as_str().unwrap().to_owned(),
        pem.lines().nth(1).unwrap().to_owned(),
    ];
    let accounts = support::open(&home.path(), &home.namespace)
        .consistency()
        .unwrap()
        .1;
    for account in accounts.iter().filter(|a| a.starts_with("signing-key:")) {
        let stored = support::secret_tool_lookup(&home.namespace, account).unwrap();
        needles.extend(
            stored
                .lines()
                .filter(|l| !l.starts_with("-----"))
                .map(str::to_owned),
        );
    }
    assert!(needles.len() >= 4, "{}", needles.len());
    for needle in &needles {
        assert!(!printed.contains(needle.as_str()), "printed: {needle}");
        for path in common::files_under(&home.path()) {
            let bytes = std::fs::read(&path).unwrap();
            let found = bytes.windows(needle.len()).any(|w| w == needle.as_bytes());
            assert!(!found, "private key material in {}", path.display());
        }
    }
}

#[test]
fn the_last_key_of_a_private_key_jwt_app_stays_and_the_others_go() {
    let server = Server::start(&[]);
    let home = Home::new("keys-last");
    home.local_environment(&server);
    home.run(&[
        "app",
        "add",
        "Signer",
        "--env",
        "Local",
        "--client-id",
        "signer",
        "--auth-method",
        "private_key_jwt",
    ])
    .ok();
    let first = printed_jwk(home.run(&["key", "add", "Signer"]).ok());
    let second = printed_jwk(home.run(&["key", "add", "Signer"]).ok());
    let kid = |jwk: &Value| jwk["kid"].as_str().unwrap().to_owned();
    home.run(&["key", "retire", "Signer", &kid(&first)]).ok();
    let refused = home.run(&["key", "rm", "Signer", &kid(&second)]);
    assert_eq!(
        refused.failed(7),
        "This is the last active signing key of “Signer”, which authenticates with \
         private_key_jwt, so it cannot be deleted. Add the new key (and register it at the \
         provider) first."
    );
    // a retired key is put back in use; with two active keys the last one may go again
    let reactivated = home.run(&["key", "reactivate", "Signer", &kid(&first)]);
    assert_eq!(
        reactivated.ok(),
        format!(
            "Reactivated key {} of “Signer”: active again (of its active keys, the newest \
             signs).\n",
            kid(&first)
        )
    );
    let states = |home: &Home| -> Vec<(String, String)> {
        let listed = home.run(&["key", "list", "Signer", "--json"]).json();
        listed
            .as_array()
            .unwrap()
            .iter()
            .map(|k| {
                (
                    k["kid"].as_str().unwrap().to_owned(),
                    k["state"].as_str().unwrap().to_owned(),
                )
            })
            .collect()
    };
    assert_eq!(
        states(&home),
        [
            (kid(&second), "active".to_owned()),
            (kid(&first), "active".to_owned())
        ]
    );
    home.run(&["key", "retire", "Signer", &kid(&first)]).ok();
    home.run(&["key", "rm", "Signer", &kid(&first)]).ok();
    assert_eq!(states(&home), [(kid(&second), "active".to_owned())]);
}

#[test]
fn an_auth_method_the_providers_metadata_leaves_out_is_refused() {
    let server = Server::start(&[]);
    server.configure(json!({"auth_methods_listed": ["client_secret_basic", "client_secret_post"]}));
    let home = Home::new("keys-metadata");
    home.local_environment(&server);
    let refused = home.run(&[
        "app",
        "add",
        "Signer",
        "--env",
        "Local",
        "--client-id",
        "signer",
        "--auth-method",
        "private_key_jwt",
    ]);
    assert_eq!(
        refused.failed(7),
        "--auth-method: The provider of “Local” does not accept private_key_jwt at its token \
         endpoint; its metadata lists client_secret_basic, client_secret_post."
    );
    assert_eq!(home.run(&["apps", "--json"]).json(), json!([]));
}

/// A 2048-bit RSA private key made by Node's own crypto, as PKCS#1 PEM and as a private JWK.
fn node_rsa_key() -> (String, Value) {
    let output = std::process::Command::new("node")
        .args([
            "-e",
            "const { generateKeyPairSync } = require('node:crypto');
             const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
             console.log(JSON.stringify({
               pem: privateKey.export({ type: 'pkcs1', format: 'pem' }),
               jwk: privateKey.export({ format: 'jwk' }),
             }));",
        ])
        .output()
        .expect("node runs");
    assert!(output.status.success());
    let made: Value = serde_json::from_slice(&output.stdout).unwrap();
    (
        made["pem"].as_str().unwrap().to_owned(),
        made["jwk"].clone(),
    )
}

#[test]
fn rsa_keys_are_generated_by_size_and_imported_from_pkcs1_and_sign_ps256_and_rs256_tokens() {
    let server = Server::start(&[]);
    let home = Home::new("keys-rsa");
    home.local_environment(&server);
    home.run(&[
        "app",
        "add",
        "Signer",
        "--env",
        "Local",
        "--client-id",
        "pending",
        "--auth-method",
        "private_key_jwt",
        "--scope",
        "read",
    ])
    .ok();
    let mut printed = String::new();

    let generated = home.run(&["key", "add", "Signer", "--alg", "PS256", "--bits", "3072"]);
    printed.push_str(generated.ok());
    let ps = printed_jwk(&generated.stdout);
    let names: Vec<&String> = ps.as_object().unwrap().keys().collect();
    assert_eq!(names, ["alg", "e", "kid", "kty", "n", "use"], "{ps}");
    assert_eq!(
        (&ps["kty"], &ps["alg"], &ps["e"]),
        (&json!("RSA"), &json!("PS256"), &json!("AQAB"))
    );
    assert_eq!(ps["n"].as_str().unwrap().len(), 512, "3072 bits, base64url");

    let (pem, private_jwk) = node_rsa_key();
    assert!(pem.starts_with("-----BEGIN RSA PRIVATE KEY-----"));
    let imported = home.run_with_stdin(
        &["key", "add", "Signer", "--import", "-", "--alg", "RS256"],
        &pem,
    );
    printed.push_str(imported.ok());
    let rs = printed_jwk(&imported.stdout);
    assert_eq!(
        (&rs["n"], &rs["e"], &rs["alg"]),
        (&private_jwk["n"], &private_jwk["e"], &json!("RS256")),
        "exactly the public half of the key imported"
    );
    let short = home.run(&["key", "add", "Signer", "--alg", "RS256", "--bits", "1024"]);
    assert_eq!(
        short.failed(7),
        "bits: Authdeck makes RSA keys of 2048, 3072 or 4096 bits, not 1024."
    );
    let table = home.run(&["key", "list", "Signer"]);
    printed.push_str(table.ok());
    assert!(
        table.stdout.contains(" RS256 ") && table.stdout.contains(" PS256 "),
        "{}",
        table.stdout
    );

    let jwks = home.run(&["key", "jwks", "Signer"]).json();
    let registered = server.register_client(json!({
        "token_endpoint_auth_method": "private_key_jwt",
        "jwks": jwks,
        "grant_types": ["client_credentials"],
        "response_types": [],
        "redirect_uris": [],
        "scope": "read",
    }));
    let client_id = registered["client_id"].as_str().unwrap();
    home.run(&["app", "edit", "Signer", "--client-id", client_id])
        .ok();
    // the newest active key signs: the imported RS256 one, then, once it is retired, PS256
    for (alg, jwk) in [("RS256", &rs), ("PS256", &ps)] {
        printed.push_str(home.run(&["token", "Signer", "--new"]).ok());
        let record = server.client_auth_requests().pop().unwrap();
        assert_eq!(record["auth_method"], "private_key_jwt");
        assert_eq!(record["status"], 200, "{record}");
        assert_eq!(
            record["assertion"]["header"],
            json!({"alg": alg, "kid": jwk["kid"], "typ": "JWT"})
        );
        if alg == "RS256" {
            home.run(&["key", "retire", "Signer", jwk["kid"].as_str().unwrap()])
                .ok();
        }
    }

    let needles = [
        private_jwk["d"].as_str().unwrap().to_owned(),
        private_jwk["p"].as_str().unwrap().to_owned(),
        pem.lines().nth(1).unwrap().to_owned(),
    ];
    for needle in &needles {
        assert!(!printed.contains(needle.as_str()), "printed: {needle}");
        for path in common::files_under(&home.path()) {
            let bytes = std::fs::read(&path).unwrap();
            let found = bytes.windows(needle.len()).any(|w| w == needle.as_bytes());
            assert!(!found, "private key material in {}", path.display());
        }
    }
}

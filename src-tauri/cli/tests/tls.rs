//! `authdeck token` against a provider behind TLS (the test server with a throw-away CA), and
//! the rule that certificate roots are read only for https.

mod common;

use common::support::authserver::TestCa;
use common::{Home, Server};
use std::process::Command;
use std::time::{Duration, Instant};

/// "Local" with its token endpoint at `server` and "Billing sync" with its secret.
fn home_for(test: &str, server: &Server) -> Home {
    let home = Home::new(test);
    home.local_environment(server);
    home.app("Local", "Billing sync", "basic-client", "basic-secret");
    home
}

/// `authdeck token --new` trusting exactly the roots in `roots` (and an empty folder).
fn token_trusting(home: &Home, roots: &std::path::Path) -> Command {
    let empty = tempfile::tempdir().expect("an empty folder");
    let mut command = home.command(&["token", "--new"]);
    command
        .env("SSL_CERT_FILE", roots)
        .env("SSL_CERT_DIR", empty.keep());
    command
}

#[test]
fn a_token_over_https_is_got_when_the_provider_certificate_is_trusted() {
    let ca = TestCa::make();
    let server = Server::start_tls(&ca, &[]);
    assert!(server.issuer.starts_with("https://127.0.0.1:"));
    let home = home_for("tls-trusted", &server);

    let run = common::Run::from(
        token_trusting(&home, &ca.certificate())
            .output()
            .expect("run authdeck"),
    );
    let token = run.ok().trim_end().to_owned();
    assert!(token.len() >= 20, "a token: {run:?}");
    // Stored like any other: the next call serves it without a request.
    assert_eq!(home.run(&["token"]).ok().trim_end(), token);
}

#[test]
fn a_token_over_https_is_refused_with_the_tls_error_when_the_certificate_is_untrusted() {
    let ca = TestCa::make();
    let other = TestCa::make();
    let server = Server::start_tls(&ca, &[]);
    let home = home_for("tls-untrusted", &server);

    let run = common::Run::from(
        token_trusting(&home, &other.certificate())
            .output()
            .expect("run authdeck"),
    );
    let host = server.issuer.trim_start_matches("https://");
    let message = run.failed(6);
    assert!(
        message.starts_with(&format!("The secure connection to {host} failed: ")),
        "{message}"
    );
    assert!(
        message.ends_with("Check the certificate and the URL."),
        "{message}"
    );
    assert!(message.contains("UnknownIssuer"), "{message}");
    assert_eq!(
        home.run(&["status", "--json"]).json()["apps"][0]["state"],
        "none"
    );
}

#[test]
fn a_plain_http_token_request_never_reads_the_certificate_roots() {
    let server = Server::start(&[]);
    let home = home_for("tls-plain", &server);
    // A FIFO nobody writes to: whoever opens it to read roots waits for ever.
    let roots = tempfile::tempdir().expect("a temporary folder");
    let fifo = roots.path().join("roots.pem");
    let made = Command::new("mkfifo").arg(&fifo).status().expect("mkfifo");
    assert!(made.success());

    let mut child = home
        .command(&["token", "--new"])
        .env("SSL_CERT_FILE", &fifo)
        .env("SSL_CERT_DIR", roots.path())
        .spawn()
        .expect("run authdeck");
    let deadline = Instant::now() + Duration::from_secs(20);
    while child.try_wait().expect("wait").is_none() {
        if Instant::now() > deadline {
            let _ = child.kill();
            panic!("authdeck token waited on the certificate roots of a plain-http request");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    let run = common::Run::from(child.wait_with_output().expect("its output"));
    assert!(run.ok().trim_end().len() >= 20, "a token: {run:?}");
}

//! Benchmark: an uncached client-credentials token fetch through Authdeck's core (HTTP request
//! to the local test authorization server, response parsing, keychain write, store write,
//! removal of the previous token's keychain entry), next to curl making the same token
//! request as a whole process.
//!
//! Run: `bash .ci/with-keychain cargo bench --bench token_fetch` (a private D-Bus session with
//! gnome-keyring; the server is started by the benchmark). Results go in README.md.

#[path = "../support/mod.rs"]
mod support;

use authdeck_core::Fetch;
use authdeck_core::model::*;
use criterion::{Criterion, criterion_group, criterion_main};
use std::time::Duration;
use support::authserver::AuthServer;

fn token_fetch(c: &mut Criterion) {
    let server = AuthServer::start(&[]);
    let home = tempfile::tempdir().unwrap();
    let namespace = support::unique_namespace("bench");
    let core = support::open(home.path(), &namespace);
    let token_url = format!("{}/token", server.issuer);
    let environment = core
        .create_environment(EnvironmentInput {
            name: "Bench".into(),
            kind: EnvironmentKind::Sandbox,
            color: "#2f80ed".into(),
            endpoints: Endpoints {
                token_url: Some(token_url.clone()),
                ..Endpoints::default()
            },
            profile: ProviderProfile::Standard,
            rotation_days: DEFAULT_ROTATION_DAYS,
        })
        .unwrap();
    let (_, app) = {
        let app = core
            .create_app(ClientAppInput {
                default_scopes: vec!["read".into(), "write".into()],
                ..ClientAppInput::confidential(environment.id.clone(), "Bench app", "basic-client")
            })
            .unwrap();
        (support::add(&core, &app, "main", "basic-secret"), app)
    };
    let runtime = tokio::runtime::Runtime::new().unwrap();

    let mut group = c.benchmark_group("client_credentials_uncached");
    group.measurement_time(Duration::from_secs(10));
    group.bench_function("authdeck_core_fetch_token", |b| {
        b.iter(|| {
            runtime
                .block_on(core.fetch_token(&app.id, TokenRequestInput::default(), Fetch::New))
                .unwrap()
        })
    });
    group.bench_function("curl_process", |b| {
        b.iter(|| {
            let output = server
                .curl_token_request()
                .output()
                .expect("curl must be installed");
            assert!(output.status.success());
            output
        })
    });
    group.finish();
    support::clear_namespace(&namespace);
    drop(server);
}

criterion_group!(benches, token_fetch);
criterion_main!(benches);

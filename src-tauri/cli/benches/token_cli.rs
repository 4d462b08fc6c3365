//! Benchmark: `authdeck token` as a whole process — start, open the store, read the
//! keychain, print — with a cached token, with the same token handed out by `authdeck agent`
//! (no store, no keychain in the CLI's process), and with a renewed one (a token request to the
//! local test authorization server, the token written to the keychain and SQLite), next to curl
//! making the same token request as a process, and an empty process for scale.
//!
//! Run: `bash .ci/with-keychain cargo bench -p authdeck-cli --bench token_cli` (a private D-Bus
//! session with gnome-keyring; the benchmark starts the server and sets up its own data folder
//! and keychain namespace). Method and figures: README, Performance.

#[path = "../tests/common/mod.rs"]
mod common;

use common::{Home, Server};
use criterion::{Criterion, criterion_group, criterion_main};
use std::process::Command;
use std::time::Duration;

fn run(command: &mut Command) {
    let output = command.output().expect("start the process");
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
}

fn token_cli(c: &mut Criterion) {
    let server = Server::start(&[]);
    let home = Home::new("bench");
    home.local_environment(&server);
    home.app("Local", "Billing sync", "basic-client", "basic-secret");

    let mut group = c.benchmark_group("token_whole_process");
    group.sample_size(50);
    group.measurement_time(Duration::from_secs(8));
    group.bench_function("empty_process_true", |b| {
        b.iter(|| run(&mut Command::new("true")))
    });
    // The first call stores a token valid for an hour; every later one serves it.
    run(&mut home.command(&["token"]));
    group.bench_function("authdeck_cli_token_cached", |b| {
        b.iter(|| run(home.command(&["token"]).env("AUTHDECK_AGENT", "off")))
    });
    // The agent holds the same token in memory once it has served it (its socket lives in the
    // private session's XDG_RUNTIME_DIR); stopped again so the other rows never ask it.
    run(&mut home.command(&["agent", "start", "--idle", "600"]));
    run(&mut home.command(&["token"]));
    group.bench_function("authdeck_cli_token_agent", |b| {
        b.iter(|| run(&mut home.command(&["token"])))
    });
    run(&mut home.command(&["agent", "stop"]));
    // Tokens live 3600 s, so asking for 3601 renews on every call.
    group.bench_function("authdeck_cli_token_renewed", |b| {
        b.iter(|| run(&mut home.command(&["token", "--min-valid", "3601"])))
    });
    group.bench_function("curl_token_request", |b| {
        b.iter(|| run(&mut server.curl_token_request()))
    });
    group.finish();
}

criterion_group!(benches, token_cli);
criterion_main!(benches);

//! Benchmark: the `authdeck` command as whole processes, next to curl in the same run, printed
//! as one Markdown table with the machine and the date (README, Performance).
//!
//! Run `bash .ci/bench`: it builds the release binaries, makes a throw-away test CA, and runs
//! this in a private keychain (.ci/with-keychain) and a private mount namespace whose system CA
//! bundle also holds the test CA, which the rows with `SSL_CERT_*` unset need.
//!
//! Method: every figure is RUNS new processes after WARM_UPS warm-ups. Each run of Authdeck is
//! followed at once by a run of its reference (curl making the same kind of token request, or
//! one `authdeck token` for the concurrency row), so both see the same load; a row gives the
//! median and the 10th–90th percentile of each, and the ratio of the medians.

#[path = "../tests/common/mod.rs"]
mod common;
mod paired;

use common::support::authserver::TestCa;
use common::{Home, Server};
use paired::{RUNS, all_at_once, first_three, machine, paired, row, time};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

/// Importing 10,000 apps takes most of a second: fewer runs.
const IMPORT_RUNS: usize = 7;
const APPS: usize = 10_000;
const CONCURRENT: usize = 50;

/// The variable `AUTHDECK_BENCH_TLS`: the folder .ci/bench made with test-ca.sh, plus
/// `bundle.pem` (the system's roots and the test CA).
fn tls_dir() -> PathBuf {
    let dir = std::env::var_os("AUTHDECK_BENCH_TLS")
        .map(PathBuf::from)
        .expect("AUTHDECK_BENCH_TLS is not set: run this benchmark through `bash .ci/bench`");
    assert!(dir.join("bundle.pem").is_file(), "no bundle.pem in {dir:?}");
    dir
}

/// `SSL_CERT_FILE` and `SSL_CERT_DIR` set (to the system's roots plus the test CA), or unset.
#[derive(Clone, Copy)]
enum Roots<'a> {
    Set(&'a Path),
    Unset,
}

impl Roots<'_> {
    fn apply(self, command: &mut Command) -> &mut Command {
        match self {
            Roots::Set(bundle) => command
                .env("SSL_CERT_FILE", bundle)
                .env("SSL_CERT_DIR", "/etc/ssl/certs"),
            Roots::Unset => command
                .env_remove("SSL_CERT_FILE")
                .env_remove("SSL_CERT_DIR"),
        }
    }
}

/// A home with "Local" pointing at `server` and "Billing sync" holding a valid token.
fn home_for(name: &str, server: &Server, roots: Roots) -> Home {
    let home = Home::new(name);
    home.local_environment(server);
    home.app("Local", "Billing sync", "basic-client", "basic-secret");
    time(roots.apply(&mut home.command(&["token"])));
    home
}

/// An export file of "Local" with `APPS` apps, made from `home`'s own export.
fn file_of_many_apps(home: &Home) -> PathBuf {
    let mut export: serde_json::Value =
        serde_json::from_str(home.run(&["export", "-"]).ok()).expect("export JSON");
    let template = export["environments"][0]["apps"][0].clone();
    let apps: Vec<serde_json::Value> = (0..APPS)
        .map(|i| {
            let mut app = template.clone();
            app["display_name"] = format!("Imported app {i:05}").into();
            app["client_id"] = format!("imported-{i:05}").into();
            app
        })
        .collect();
    export["environments"][0]["apps"] = apps.into();
    let file = home.path().join(format!("{APPS}-apps.json"));
    std::fs::write(&file, export.to_string()).expect("write the file");
    file
}

/// CONCURRENT `authdeck ARGS` processes started at once; the time until the last one ends.
fn many_at_once(home: &Home, args: &[&str]) -> Duration {
    all_at_once((0..CONCURRENT).map(|_| home.command(args)))
}

fn main() {
    let tls = tls_dir();
    let bundle = tls.join("bundle.pem");
    let set = Roots::Set(&bundle);
    let ca = TestCa::at(&tls);
    let http = Server::start(&[]);
    let https = Server::start_tls(&ca, &[]);
    let plain = home_for("bench-http", &http, set);
    let secure = home_for("bench-https", &https, set);
    // The system's own store must trust the test CA for the "unset" rows (.ci/bench).
    time(Roots::Unset.apply(&mut https.curl_token_request()));
    let many = home_for("bench-many", &http, set);
    let file = file_of_many_apps(&plain);
    time(&mut many.command(&["import", file.to_str().expect("UTF-8 path")]));

    let load_before = std::fs::read_to_string("/proc/loadavg").unwrap_or_default();
    println!("| what | median | p10–p90 | reference | its median | p10–p90 | ratio |");
    println!("| --- | ---: | ---: | --- | ---: | ---: | ---: |");
    let curl = |server: &Server, roots: Roots| time(roots.apply(&mut server.curl_token_request()));
    let ours =
        |home: &Home, args: &[&str], roots: Roots| time(roots.apply(&mut home.command(args)));
    let cached = ["token", "Billing sync"];
    let renew = ["token", "Billing sync", "--min-valid", "3601"];
    let curl_http = "curl, token request (http)";

    row(
        "`authdeck token`, cached (1 app)",
        curl_http,
        paired(RUNS, || ours(&plain, &cached, set), || curl(&http, set)),
    );
    // The same token handed out by `authdeck agent` once it has served it (its socket is in
    // the private session's XDG_RUNTIME_DIR); stopped again, so no other row asks it.
    time(&mut plain.command(&["agent", "start", "--idle", "600"]));
    time(set.apply(&mut plain.command(&cached)));
    row(
        "`authdeck token`, cached, served by `authdeck agent`",
        curl_http,
        paired(RUNS, || ours(&plain, &cached, set), || curl(&http, set)),
    );
    // Renewed by the agent: the request made and the token stored on its open keychain
    // session, the command only asking over the socket.
    row(
        "`authdeck token`, renewed, http, by `authdeck agent`",
        curl_http,
        paired(RUNS, || ours(&plain, &renew, set), || curl(&http, set)),
    );
    time(&mut plain.command(&["agent", "stop"]));
    time(set.apply(&mut secure.command(&["agent", "start", "--idle", "600"])));
    row(
        "`authdeck token`, renewed, https (test CA), by `authdeck agent`",
        "curl (https, set)",
        paired(RUNS, || ours(&secure, &renew, set), || curl(&https, set)),
    );
    time(&mut secure.command(&["agent", "stop"]));
    row(
        "`authdeck --version` (the binary's own start, for scale)",
        curl_http,
        paired(
            RUNS,
            || ours(&plain, &["--version"], set),
            || curl(&http, set),
        ),
    );
    for (roots, label) in [(set, "set"), (Roots::Unset, "unset")] {
        row(
            &format!("`authdeck token`, renewed, http, `SSL_CERT_*` {label}"),
            &format!("curl (http, {label})"),
            paired(RUNS, || ours(&plain, &renew, roots), || curl(&http, roots)),
        );
        row(
            &format!("`authdeck token`, renewed, https (test CA), `SSL_CERT_*` {label}"),
            &format!("curl (https, {label})"),
            paired(
                RUNS,
                || ours(&secure, &renew, roots),
                || curl(&https, roots),
            ),
        );
    }
    row(
        &format!("`authdeck token`, cached, {APPS} apps in the environment"),
        curl_http,
        paired(RUNS, || ours(&many, &cached, set), || curl(&http, set)),
    );
    for args in [["status", "--json"], ["apps", "--json"]] {
        row(
            &format!("`authdeck {}`, {APPS} apps", args.join(" ")),
            curl_http,
            paired(RUNS, || ours(&many, &args, set), || curl(&http, set)),
        );
    }
    let path = file.to_str().expect("UTF-8 path");
    row(
        &format!("`authdeck import` of {APPS} new apps (empty data folder)"),
        curl_http,
        paired(
            IMPORT_RUNS,
            || time(&mut Home::new("bench-import").command(&["import", path])),
            || curl(&http, set),
        ),
    );
    row(
        &format!("{CONCURRENT} `authdeck token` at once (cached), until the last ends"),
        "one `authdeck token` (cached)",
        paired(
            RUNS,
            || many_at_once(&plain, &cached),
            || ours(&plain, &cached, set),
        ),
    );
    // The same with the agent serving them: no process opens the keychain, whose daemon
    // otherwise does one key agreement per process, one after another.
    time(&mut plain.command(&["agent", "start", "--idle", "600"]));
    time(set.apply(&mut plain.command(&cached)));
    row(
        &format!("{CONCURRENT} `authdeck token` at once, served by `authdeck agent`"),
        "one `authdeck token` (agent)",
        paired(
            RUNS,
            || many_at_once(&plain, &cached),
            || ours(&plain, &cached, set),
        ),
    );
    time(&mut plain.command(&["agent", "stop"]));
    // The floor of the two rows above on this machine: as many processes that only start and
    // print their version, against one. No `authdeck token` at once can take less.
    let version = ["--version"];
    row(
        &format!("{CONCURRENT} `authdeck --version` at once (process starts alone)"),
        "one `authdeck --version`",
        paired(
            RUNS,
            || many_at_once(&plain, &version),
            || ours(&plain, &version, set),
        ),
    );
    let load_after = std::fs::read_to_string("/proc/loadavg").unwrap_or_default();
    println!();
    println!("{}", machine());
    println!(
        "Load average (1, 5, 15 min) before: {}; after: {}.",
        first_three(&load_before),
        first_three(&load_after)
    );
    for home in [plain, secure, many] {
        common::support::clear_namespace(&home.namespace);
    }
}

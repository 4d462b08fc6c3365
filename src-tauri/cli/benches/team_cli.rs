//! Benchmark: `authdeck token` with the app's client secret held in a team vault against the
//! same with the secret in the person's own keychain, as whole processes, printed as one
//! Markdown table with the machine, the date and the load (README, Performance, "Team vaults").
//!
//! Run `bash .ci/bench team`: it builds the release binary and runs this in a private keychain
//! (.ci/with-keychain). What it starts: the test authorization server and a real OpenBao dev
//! server (`bao server -dev`, from .ci/install-deps), both on 127.0.0.1. An admin shares
//! "Local" with "Billing sync" and its secret; MEMBERS members join it, each with a data folder,
//! a keychain namespace and a vault token of their own (the member policy of the team tests);
//! as many people keep the same app and secret in their own keychains, for the reference.
//!
//! Method (the command line's, `paired/mod.rs`): RUNS runs after warm-ups, each run of the
//! team path followed at once by one of the keychain path, so both see the same load; medians,
//! 10th–90th percentiles and the ratio of the medians. "Renewed" is `--min-valid 3601`, more
//! than the server's token lifetime: every run makes a client-credentials request, and in a
//! team environment reads the set-up and the secret from the vault first. "At once": MEMBERS
//! processes, one per member, started together; the time until the last one ends.
//!
//! Then, once: what the vault was asked during one renewed mint, by one more member connected
//! through a loopback relay that notes each request's method and path.

#[path = "../tests/common/mod.rs"]
mod common;
mod paired;

use common::support::openbao::OpenBao;
use common::team::{ADMIN_POLICY, MEMBER_POLICY, add_team};
use common::{Home, Server};
use paired::{RUNS, all_at_once, first_three, machine, paired, row, time};
use std::io::{BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// Members minting at once: separate people (data folders, keychain namespaces, vault
/// tokens), as a team's members are; one person's processes would queue on that person's
/// own token lock instead and measure it, not the vault.
const MEMBERS: usize = 20;
const APP: &str = "Billing sync";
const SECRET: &str = "basic-secret";

/// A person with "Local" and "Billing sync" whose secret is in their own keychain, holding a
/// valid token.
fn keychain_person(name: &str, server: &Server) -> Home {
    let home = Home::new(name);
    home.local_environment(server);
    home.app("Local", APP, "basic-client", SECRET);
    home.run(&["token", APP]).ok();
    home
}

/// A member of `acme` who joined "Local", holding a valid token minted with the vault's secret.
fn member(name: &str, bao: &OpenBao) -> Home {
    let home = Home::new(name);
    add_team(&home, bao, &bao.token_with(&["acme-member"])).ok();
    home.run(&["env", "join", "acme", "Local"]).ok();
    home.run(&["token", APP]).ok();
    home
}

/// One `authdeck ARGS` process per home, started together; the time until the last ends.
fn each_at_once(homes: &[Home], args: &[&str]) -> Duration {
    all_at_once(homes.iter().map(|home| home.command(args)))
}

/// A loopback relay in front of the vault that notes each request's method and path: what
/// one member (connected through it) asks the vault. OpenBao 2 refuses to turn on an audit
/// device through its API, so the relay reads the request lines instead (plain http/1.1 on
/// loopback).
struct Relay {
    address: String,
    asked: Arc<Mutex<Vec<String>>>,
}

impl Relay {
    fn to(vault: &str) -> Self {
        let target = vault.trim_start_matches("http://").to_owned();
        let listener = TcpListener::bind("127.0.0.1:0").expect("a relay port");
        let address = format!("http://{}", listener.local_addr().expect("its address"));
        let asked = Arc::new(Mutex::new(Vec::new()));
        let noted = asked.clone();
        std::thread::spawn(move || {
            for client in listener.incoming().flatten() {
                let server = TcpStream::connect(&target).expect("the vault");
                let (mut from_server, mut to_client) = (
                    server.try_clone().expect("clone"),
                    client.try_clone().expect("clone"),
                );
                std::thread::spawn(move || std::io::copy(&mut from_server, &mut to_client));
                let noted = noted.clone();
                std::thread::spawn(move || {
                    let (mut reader, mut to_server) = (BufReader::new(client), server);
                    let mut line = String::new();
                    while reader.read_line(&mut line).unwrap_or(0) > 0 {
                        // A body has no line break of its own: the next request may follow
                        // it on the same line.
                        for method in ["GET ", "POST ", "PUT ", "DELETE ", "LIST "] {
                            let start = format!("{method}/v1/");
                            if let Some(at) = line.find(&start) {
                                let rest = &line[at + method.len()..];
                                let path = rest.split_whitespace().next().unwrap_or_default();
                                noted.lock().unwrap().push(format!("{method}{path}"));
                            }
                        }
                        if to_server.write_all(line.as_bytes()).is_err() {
                            break;
                        }
                        line.clear();
                    }
                });
            }
        });
        Self { address, asked }
    }

    /// The requests seen while `run` ran.
    fn during(&self, run: impl FnOnce()) -> Vec<String> {
        self.asked.lock().unwrap().clear();
        run();
        std::mem::take(&mut *self.asked.lock().unwrap())
    }
}

fn main() {
    let server = Server::start(&[]);
    let bao = OpenBao::start();
    bao.put_policy("acme-member", MEMBER_POLICY);
    bao.put_policy("acme-admin", ADMIN_POLICY);
    let admin = Home::new("bench-team-admin");
    admin.local_environment(&server);
    admin.app("Local", APP, "basic-client", SECRET);
    add_team(&admin, &bao, &bao.token_with(&["acme-admin"])).ok();
    admin.run(&["env", "share", "Local", "--team", "acme"]).ok();
    let members: Vec<Home> = (0..MEMBERS)
        .map(|i| member(&format!("bench-team-member-{i}"), &bao))
        .collect();
    let people: Vec<Home> = (0..MEMBERS)
        .map(|i| keychain_person(&format!("bench-team-local-{i}"), &server))
        .collect();

    let cached = ["token", APP];
    let renew = ["token", APP, "--min-valid", "3601"];
    let ours = |home: &Home, args: &[&str]| time(&mut home.command(args));
    let load_before = std::fs::read_to_string("/proc/loadavg").unwrap_or_default();
    println!("| what | median | p10–p90 | reference | its median | p10–p90 | ratio |");
    println!("| --- | ---: | ---: | --- | ---: | ---: | ---: |");
    row(
        "`authdeck token`, cached, team environment",
        "the same, secret in the keychain",
        paired(
            RUNS,
            || ours(&members[0], &cached),
            || ours(&people[0], &cached),
        ),
    );
    row(
        "`authdeck token`, renewed, secret read from the team vault",
        "the same, secret in the keychain",
        paired(
            RUNS,
            || ours(&members[0], &renew),
            || ours(&people[0], &renew),
        ),
    );
    row(
        &format!("{MEMBERS} members' `authdeck token` at once, renewed, team vault"),
        &format!("{MEMBERS} people at once, keychain"),
        paired(
            RUNS,
            || each_at_once(&members, &renew),
            || each_at_once(&people, &renew),
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
    // One more member, connected through the relay: what a renewed mint asks the vault.
    let relay = Relay::to(&bao.address);
    let watched = Home::new("bench-team-watched");
    watched
        .run_with_stdin(
            &[
                "team",
                "add",
                "acme",
                "--address",
                &relay.address,
                "--path",
                "authdeck/acme",
                "--token-stdin",
            ],
            &format!("{}\n", bao.token_with(&["acme-member"])),
        )
        .ok();
    watched.run(&["env", "join", "acme", "Local"]).ok();
    watched.run(&["token", APP]).ok();
    let asked = relay.during(|| {
        ours(&watched, &renew);
    });
    println!(
        "The vault was asked {} time(s) for one renewed `authdeck token`: {}.",
        asked.len(),
        asked.join(", ")
    );
    // And what each path waits for the disk: Authdeck's fsyncs per renewed mint.
    let synced = |home: &Home| fsyncs(home, &renew);
    match (synced(&watched), synced(&people[0])) {
        (Some(team), Some(local)) => println!(
            "fsync and fdatasync calls of one renewed `authdeck token` (strace -f): {team} with \
             the team vault, {local} with the keychain."
        ),
        _ => println!("fsyncs not counted: strace is not installed."),
    }
    for home in [&admin, &watched]
        .into_iter()
        .chain(&members)
        .chain(&people)
    {
        common::support::clear_namespace(&home.namespace);
    }
}

/// The fsync and fdatasync calls of one run of `args` in `home` (strace -f); `None` without
/// strace.
fn fsyncs(home: &Home, args: &[&str]) -> Option<usize> {
    let log = tempfile::NamedTempFile::new().expect("a file for strace");
    let plain = home.command(args);
    let mut traced = std::process::Command::new("strace");
    traced
        .args(["-f", "-qq", "-e", "trace=fsync,fdatasync", "-o"])
        .arg(log.path())
        .arg(plain.get_program())
        .args(plain.get_args())
        .envs(plain.get_envs().filter_map(|(k, v)| Some((k, v?))));
    let output = traced.output().ok()?;
    assert!(output.status.success(), "strace: {output:?}");
    let text = std::fs::read_to_string(log.path()).expect("the strace log");
    Some(
        text.lines()
            .filter(|line| line.contains("fsync(") || line.contains("fdatasync("))
            .count(),
    )
}

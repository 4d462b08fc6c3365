//! Tests that need processes of their own, so this binary has its own `main`:
//! - a process killed with SIGKILL in the middle of adds and deletes leaves the store and the
//!   real keychain in agreement once the next start has reconciled;
//! - with no keychain reachable (no session bus), saving a secret fails with a clear error and
//!   nothing is written anywhere.
//!
//! The binary runs itself as the child (`--child-churn`, `--child-no-bus`).

mod support;

use authdeck_core::model::*;
use authdeck_core::{Core, ErrorCode, SystemClock};
use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};
use support::*;

fn main() {
    let args: Vec<String> = std::env::args().collect();
    match args.get(1).map(String::as_str) {
        Some("--child-churn") => churn(Path::new(&args[2]), &args[3]),
        Some("--child-no-bus") => no_bus(Path::new(&args[2]), &args[3]),
        _ => {
            run(
                "sigkill_during_adds_and_deletes_leaves_both_stores_in_agreement",
                sigkill_loop,
            );
            run(
                "without_a_keychain_saving_fails_clearly_and_writes_nothing",
                without_keychain,
            );
        }
    }
}

fn run(name: &str, test: fn()) {
    print!("test {name} ... ");
    test();
    println!("ok");
}

fn child(mode: &str, home: &Path, namespace: &str) -> Command {
    let mut command = Command::new(std::env::current_exe().expect("own path"));
    command.args([mode, home.to_str().expect("utf-8 path"), namespace]);
    command
}

/// Adds and deletes secrets forever, printing a line after each finished operation.
fn churn(home: &Path, namespace: &str) {
    let core = open(home, namespace);
    let app = &core
        .apps(&core.settings().unwrap().active_environment_id.unwrap())
        .unwrap()[0];
    let app = core.app(&app.id).unwrap();
    for n in 0u64.. {
        add(
            &core,
            &app,
            &format!("churn {n}"),
            &format!("churn-value-{n}"),
        );
        println!("added {n}");
        let doomed = core
            .secrets(&app.id)
            .unwrap()
            .into_iter()
            .filter(|s| s.label.starts_with("churn "))
            .min_by_key(|s| s.label.clone());
        if n % 3 != 0
            && let Some(doomed) = doomed
        {
            core.delete_secret(&doomed.id).unwrap();
            println!("deleted");
        }
    }
}

fn sigkill_loop() {
    let namespace = unique_namespace("sigkill");
    let home = tempfile::tempdir().unwrap();
    {
        let core = open(home.path(), &namespace);
        let (_, app) = environment_and_app(&core);
        add(&core, &app, "permanent", "churn-value-permanent");
    }
    let mut operations = 0;
    let mut reconciled = 0;
    for round in 0..8u64 {
        let mut process = child("--child-churn", home.path(), &namespace)
            .stdout(Stdio::piped())
            .spawn()
            .expect("start the churn child");
        let mut lines = BufReader::new(process.stdout.take().unwrap()).lines();
        // let it get going, then kill it at a different point each round
        let started = Instant::now();
        let wanted = 3 + round as usize * 2;
        for _ in 0..wanted {
            lines.next().expect("child output").expect("utf-8");
        }
        std::thread::sleep(Duration::from_millis(round * 7 % 23));
        process.kill().expect("SIGKILL the child");
        process.wait().unwrap();
        operations += wanted;
        assert!(
            started.elapsed() < Duration::from_secs(60),
            "the child stalled"
        );

        // the next start, at once: the killed child's writer lock died with it, so every
        // intent it left is reclaimable without waiting
        let core = Core::open(home.path(), keychain(&namespace), Arc::new(SystemClock))
            .expect("reopen after the crash");
        let done = core.reconciled_at_open();
        reconciled += done.undone_puts + done.finished_deletes;
        let writer_locks: Vec<_> = std::fs::read_dir(home.path().join("locks"))
            .unwrap()
            .map(|entry| entry.unwrap().file_name().into_string().unwrap())
            .filter(|name| name.starts_with("writer-"))
            .collect();
        assert_eq!(
            writer_locks.len(),
            1,
            "round {round}: the killed child's writer lock is removed once reclaimed, only \
             this start's is left: {writer_locks:?}"
        );
        let (expected, held) = core.consistency().unwrap();
        assert_eq!(
            expected, held,
            "round {round}: store rows and keychain entries differ"
        );
        let env = core.settings().unwrap().active_environment_id.unwrap();
        let app = &core.apps(&env).unwrap()[0];
        for secret in core.secrets(&app.id).unwrap() {
            let suffix = secret.label.trim_start_matches("churn ");
            assert_eq!(
                core.secret_value(&secret.id).unwrap().expose(),
                format!("churn-value-{suffix}"),
                "round {round}: a secret's value does not match its row"
            );
        }
    }
    assert!(
        operations >= 50,
        "too few operations to prove anything: {operations}"
    );
    print!("({operations} operations, {reconciled} cut-short writes reconciled) ");
    clear_namespace(&namespace);
}

/// Tries to save a secret with no session bus and reports what happened on stdout.
fn no_bus(home: &Path, namespace: &str) {
    let core = Core::open(
        home,
        Arc::new(authdeck_core::vault::KeychainVault::new(namespace)),
        Arc::new(SystemClock),
    )
    .expect("the store opens without a keychain");
    let (_, app) = environment_and_app(&core);
    let error = core
        .add_secret(SecretInput {
            app_id: app.id.clone(),
            label: String::new(),
            value: Secret::new("no-bus-secret-value"),
            provider_created_at: None,
        })
        .expect_err("saving must fail without a keychain");
    assert_eq!(error.code(), ErrorCode::KeychainUnavailable);
    println!("{error}");
}

fn without_keychain() {
    require_keychain();
    let namespace = unique_namespace("no-bus");
    let home = tempfile::tempdir().unwrap();
    let output = child("--child-no-bus", home.path(), &namespace)
        .env(
            "DBUS_SESSION_BUS_ADDRESS",
            "unix:path=/nonexistent/authdeck-no-bus",
        )
        .output()
        .expect("start the child");
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "child failed: {stdout}{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(
        stdout.starts_with("No keychain is available: the Secret Service"),
        "unexpected message: {stdout}"
    );
    assert!(stdout.contains("nothing was saved"), "{stdout}");
    // with the keychain back: no row, no pending intent, no entry
    let core = open(home.path(), &namespace);
    let env = core.settings().unwrap().active_environment_id.unwrap();
    let app = &core.apps(&env).unwrap()[0];
    assert_eq!(app.active_secrets, 0);
    assert_eq!(core.consistency().unwrap(), (vec![], vec![]));
    for entry in std::fs::read_dir(home.path()).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            continue; // locks/: empty lock files
        }
        let bytes = std::fs::read(path).unwrap();
        assert!(!bytes.windows(19).any(|w| w == b"no-bus-secret-value"));
    }
}

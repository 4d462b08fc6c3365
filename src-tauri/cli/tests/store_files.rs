//! What `authdeck` does to the files of its data folder (README, Performance, "The command
//! line"): the WAL is kept between processes and stays bounded, and a command that only reads
//! leaves `locks/` alone.

mod common;

use common::{Home, billing};
use std::path::{Path, PathBuf};
use std::time::Duration;

/// The WAL size above which a closing process empties it (`WAL_KEPT_BYTES` in core's store).
const WAL_KEPT_BYTES: u64 = 1 << 20;

fn wal(home: &Home) -> PathBuf {
    home.path().join("authdeck.db-wal")
}

fn wal_size(home: &Home) -> u64 {
    std::fs::metadata(wal(home)).map_or(0, |m| m.len())
}

/// The names in `dir`, sorted.
fn names(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .expect("read the folder")
        .map(|entry| entry.unwrap().file_name().into_string().unwrap())
        .collect();
    names.sort();
    names
}

fn token(home: &Home, args: &[&str]) -> String {
    let mut all = vec!["token"];
    all.extend_from_slice(args);
    home.run(&all).ok().trim().to_owned()
}

#[test]
fn a_cached_token_apps_and_status_leave_the_locks_folder_untouched() {
    let (_server, home) = billing("locks-untouched", &[]);
    let first = token(&home, &[]);
    let locks = home.path().join("locks");
    let before = names(&locks);
    // what the token request left: its app's single-flight lock, no writer's
    assert_eq!(before.len(), 1, "{before:?}");
    assert!(
        before[0].starts_with("token-") && before[0].ends_with(".lock"),
        "{before:?}"
    );
    let modified = std::fs::metadata(&locks).unwrap().modified().unwrap();
    // a file created, renamed or removed now would move the folder's time past the kernel's
    // clock granularity
    std::thread::sleep(Duration::from_millis(50));

    assert_eq!(token(&home, &[]), first, "the cached token");
    home.run(&["apps", "--json"]).ok();
    home.run(&["status", "--json"]).ok();

    assert_eq!(names(&locks), before);
    assert_eq!(
        std::fs::metadata(&locks).unwrap().modified().unwrap(),
        modified,
        "nothing was created, renamed or removed in locks/"
    );
}

#[test]
fn a_cached_token_is_served_while_another_process_holds_a_writer_lock() {
    let (_server, home) = billing("locks-held", &[]);
    let first = token(&home, &[]);
    let locks = home.path().join("locks");
    // a writer at work (say, the desktop app waiting on a keychain prompt)
    let held = locks.join("writer-5f0e2b7a-3c1d-4e8f-9a6b-2d4c6e8f0a1b.lock");
    let file = std::fs::File::create(&held).unwrap();
    file.try_lock().unwrap();
    let before = names(&locks);

    assert_eq!(token(&home, &[]), first);

    assert_eq!(names(&locks), before);
    let other = std::fs::File::open(&held).unwrap();
    assert!(
        matches!(other.try_lock(), Err(std::fs::TryLockError::WouldBlock)),
        "the writer's lock is still held"
    );
}

#[test]
fn the_wal_is_kept_between_processes_and_stays_bounded_over_many_renewals() {
    let (_server, home) = billing("wal-bounded", &[]);
    let mut sizes = Vec::new();
    let mut last = String::new();
    for _ in 0..40 {
        last = token(&home, &["--min-valid", "3601"]);
        sizes.push(wal_size(&home));
    }
    assert!(
        sizes.iter().all(|&size| size <= WAL_KEPT_BYTES),
        "every process left at most {WAL_KEPT_BYTES} bytes: {sizes:?}"
    );
    assert!(
        sizes.windows(2).any(|pair| pair[1] < pair[0]),
        "a closing process emptied it at least once: {sizes:?}"
    );
    assert!(
        sizes.windows(2).filter(|pair| pair[1] > pair[0]).count() >= 30,
        "most processes left their commits in it: {sizes:?}"
    );
    assert_eq!(
        token(&home, &[]),
        last,
        "the last renewal is what is served"
    );
}

#[test]
fn an_export_made_while_the_wal_holds_the_last_commit_contains_it() {
    let (_server, home) = billing("wal-export", &[]);
    home.run(&[
        "app",
        "add",
        "Last commit",
        "--env",
        "Local",
        "--client-id",
        "-last-commit",
    ])
    .ok();
    assert!(wal_size(&home) > 0, "the WAL was kept");
    // the database file alone does not have it yet: only the WAL does
    let copy = tempfile::tempdir().unwrap();
    std::fs::copy(
        home.path().join("authdeck.db"),
        copy.path().join("authdeck.db"),
    )
    .unwrap();
    let alone = rusqlite::Connection::open(copy.path().join("authdeck.db")).unwrap();
    let in_file: i64 = alone
        .query_row(
            "SELECT count(*) FROM apps WHERE client_id = '-last-commit'",
            [],
            |row| row.get(0),
        )
        .unwrap_or(0);
    assert_eq!(in_file, 0, "the commit is in the WAL only");

    let export: serde_json::Value = serde_json::from_str(home.run(&["export", "-"]).ok()).unwrap();
    let client_ids: Vec<&str> = export["environments"][0]["apps"]
        .as_array()
        .unwrap()
        .iter()
        .map(|app| app["client_id"].as_str().unwrap())
        .collect();
    assert_eq!(client_ids, ["basic-client", "-last-commit"]);
}

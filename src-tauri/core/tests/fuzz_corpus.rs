//! Replays every fuzz target's corpus and saved crash inputs through the targets' own bodies
//! (`authdeck_core::fuzzing`), so CI on the stable toolchain re-checks in seconds what the
//! fuzzer found, and a fixed crash stays fixed. Fuzzing itself: tests/fuzz/run.

use authdeck_core::fuzzing::{self, IMPORT_TARGET, TARGETS};
use std::path::{Path, PathBuf};

fn fuzz_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz")
}

/// The files of a folder, sorted; an absent folder has none.
fn files_in(dir: &Path) -> Vec<PathBuf> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut files: Vec<PathBuf> = entries
        .map(|entry| entry.expect("a readable folder entry").path())
        .filter(|path| path.is_file())
        .collect();
    files.sort();
    files
}

/// The corpus (which must not be empty) and the regression inputs of `target`.
fn inputs_of(target: &str) -> Vec<(PathBuf, Vec<u8>)> {
    let corpus = files_in(&fuzz_dir().join("corpus").join(target));
    assert!(
        !corpus.is_empty(),
        "The fuzz corpus of {target} is missing or empty (fuzz/corpus/{target}/)."
    );
    let regressions = files_in(&fuzz_dir().join("regressions").join(target));
    corpus
        .into_iter()
        .chain(regressions)
        .map(|path| {
            let data = std::fs::read(&path).expect("a readable corpus file");
            (path, data)
        })
        .collect()
}

/// Runs `run` on each input, naming the file of the first that panics.
fn replay(target: &str, run: impl Fn(&[u8])) -> usize {
    let inputs = inputs_of(target);
    for (path, data) in &inputs {
        let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| run(data)));
        assert!(
            outcome.is_ok(),
            "{target}: {} breaks a rule (see the panic above).",
            path.display()
        );
    }
    inputs.len()
}

#[test]
fn every_targets_corpus_and_regressions_pass_its_checks() {
    for (target, run) in TARGETS {
        let count = replay(target, run);
        eprintln!("{target}: {count} inputs");
    }
}

#[test]
fn every_import_corpus_file_and_regression_passes_its_checks_against_a_small_store() {
    let home = tempfile::tempdir().unwrap();
    let core = fuzzing::import_store(home.path()).unwrap();
    let before = core.export().unwrap().environments;
    replay(IMPORT_TARGET, |data| fuzzing::import(&core, data));
    assert_eq!(
        core.export().unwrap().environments,
        before,
        "the preview changed the store"
    );
}

#[test]
fn every_target_has_a_fuzz_target_file_and_no_corpus_is_left_without_a_target() {
    let mut names: Vec<&str> = TARGETS.iter().map(|(name, _)| *name).collect();
    names.push(IMPORT_TARGET);
    for name in &names {
        let target = fuzz_dir().join("fuzz_targets").join(format!("{name}.rs"));
        assert!(target.is_file(), "{} is missing", target.display());
    }
    for folder in ["corpus", "regressions"] {
        for dir in std::fs::read_dir(fuzz_dir().join(folder))
            .into_iter()
            .flatten()
        {
            let dir = dir.unwrap().file_name();
            let dir = dir.to_string_lossy();
            assert!(
                names.contains(&dir.as_ref()),
                "fuzz/{folder}/{dir} belongs to no target"
            );
        }
    }
}

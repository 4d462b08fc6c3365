#![no_main]
use authdeck_core::{Core, fuzzing};
use std::sync::OnceLock;

// One store for the whole run: the import's preview rolls its merge back, so it stays as set up.
static STORE: OnceLock<(tempfile::TempDir, Core)> = OnceLock::new();

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let (_home, core) = STORE.get_or_init(|| {
        let home = tempfile::tempdir().expect("a temporary folder");
        let core = fuzzing::import_store(home.path()).expect("the import setup");
        (home, core)
    });
    fuzzing::import(core, data);
});

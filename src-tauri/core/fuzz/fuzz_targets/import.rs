#![no_main]
use authdeck_core::{Core, fuzzing};
use std::path::PathBuf;
use std::sync::OnceLock;

// One store for the whole run: the import's preview rolls its merge back, so it stays as set up.
// It lives in the fuzz build folder (libFuzzer exits without dropping a temporary folder).
static STORE: OnceLock<Core> = OnceLock::new();

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let core = STORE.get_or_init(|| {
        let home = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
            .join("target")
            .join(format!("import-store-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&home);
        fuzzing::import_store(&home).expect("the import setup")
    });
    fuzzing::import(core, data);
});

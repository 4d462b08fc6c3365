//! Copying a secret: written by Rust with the exclusion-from-history hint, cleared after a
//! timeout, or when the app quits, only if the clipboard still holds our value.

use crate::ipc::{CLIPBOARD_CLEARED, ClearReason, ClipboardCleared, IpcError};
use authdeck_core::ErrorCode;
use authdeck_core::model::Secret;
use std::hash::{BuildHasher, RandomState};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tauri::{AppHandle, Emitter, Runtime};
use tauri_plugin_clipboard_manager::ClipboardExt;

/// A keyed hash of a copied value: enough to recognise it on the clipboard, useless to
/// recover it.
struct Fingerprint {
    key: RandomState,
    hash: u64,
}

impl Fingerprint {
    fn of(value: &str) -> Self {
        let key = RandomState::new();
        let hash = key.hash_one(value);
        Self { key, hash }
    }
}

/// The last copy Authdeck made: which one, and its value's fingerprint until its countdown
/// has run (after that the clipboard holds nothing of ours).
#[derive(Default)]
struct LastCopy {
    generation: u64,
    fingerprint: Option<Fingerprint>,
}

/// Whether the clipboard's `current` text is still the value whose fingerprint is `ours`;
/// anything else is the user's and is left alone.
fn still_ours(ours: Option<&Fingerprint>, current: Option<&str>) -> bool {
    match (ours, current) {
        (Some(ours), Some(text)) => ours.key.hash_one(text) == ours.hash,
        _ => false,
    }
}

/// Counts copies so an older countdown never clears a newer copy, and remembers the last one
/// so quitting can clear it.
#[derive(Default)]
pub struct CopyGeneration(Arc<Mutex<LastCopy>>);

impl CopyGeneration {
    /// Writes `value` to the clipboard and schedules it to be cleared after `clear_after`.
    pub fn copy<R: Runtime>(
        &self,
        app: &AppHandle<R>,
        value: &Secret,
        clear_after: Duration,
    ) -> Result<(), IpcError> {
        app.clipboard()
            .write_secret(value.expose())
            .map_err(|e| clipboard_error(&e))?;
        let generation = {
            let mut last = lock(&self.0);
            last.generation += 1;
            last.fingerprint = Some(Fingerprint::of(value.expose()));
            last.generation
        };
        let state = Arc::clone(&self.0);
        let app = app.clone();
        std::thread::spawn(move || {
            std::thread::sleep(clear_after);
            let mut last = lock(&state);
            if last.generation != generation {
                return; // a newer copy owns the clipboard and its own countdown
            }
            let reason = if clear_if(&app, last.fingerprint.take().as_ref()) {
                ClearReason::Timeout
            } else {
                ClearReason::Replaced
            };
            drop(last);
            let _ = app.emit(CLIPBOARD_CLEARED, ClipboardCleared { reason });
        });
        Ok(())
    }

    /// The number of the last copy while its value may still be on the clipboard (its
    /// countdown has not run, and the app has not cleared it); None once it is gone.
    pub fn on_clipboard(&self) -> Option<u64> {
        let last = lock(&self.0);
        last.fingerprint.as_ref().map(|_| last.generation)
    }

    /// Whether the clipboard still holds copy number `generation`: the last copy Authdeck
    /// made, its countdown not yet run, and nothing else (another program) copied since.
    /// Reads the clipboard.
    pub fn still_holds<R: Runtime>(&self, app: &AppHandle<R>, generation: u64) -> bool {
        // read before taking the lock: another program answering slowly holds up no copy
        let current = app.clipboard().read_text().ok();
        let last = lock(&self.0);
        last.generation == generation && still_ours(last.fingerprint.as_ref(), current.as_deref())
    }

    /// Clears the clipboard if it still holds the last copy Authdeck made (the app is quitting:
    /// its countdown will not run).
    pub fn clear_on_exit<R: Runtime>(&self, app: &AppHandle<R>) {
        clear_if(app, lock(&self.0).fingerprint.take().as_ref());
    }
}

/// Clears the clipboard when it still holds the value `ours` fingerprints; whether it did.
fn clear_if<R: Runtime>(app: &AppHandle<R>, ours: Option<&Fingerprint>) -> bool {
    let current = app.clipboard().read_text().ok();
    still_ours(ours, current.as_deref()) && app.clipboard().clear().is_ok()
}

fn lock(state: &Mutex<LastCopy>) -> std::sync::MutexGuard<'_, LastCopy> {
    // The value inside stays consistent even if a holder panicked.
    state
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

fn clipboard_error(error: &tauri_plugin_clipboard_manager::Error) -> IpcError {
    IpcError {
        code: ErrorCode::Internal,
        message: format!("Could not write to the clipboard: {error}"),
        field: None,
        conflicts: None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_clipboard_is_ours_only_while_it_holds_the_value_authdeck_copied() {
        let copied = Fingerprint::of("s3cr3t-value");
        assert!(still_ours(Some(&copied), Some("s3cr3t-value")));
        // the user copied something else since
        assert!(!still_ours(Some(&copied), Some("their own text")));
        assert!(!still_ours(Some(&copied), Some("s3cr3t-valu")));
        // the clipboard is empty or holds no text
        assert!(!still_ours(Some(&copied), None));
        // nothing copied, or its countdown already ran
        assert!(!still_ours(None, Some("s3cr3t-value")));
    }

    #[test]
    fn a_fingerprint_is_keyed_per_copy() {
        // the same value gives different hashes under different keys: a stored hash cannot be
        // checked against guesses outside this run
        let (one, two) = (Fingerprint::of("same"), Fingerprint::of("same"));
        assert_ne!(one.hash, two.hash);
        assert!(still_ours(Some(&two), Some("same")));
    }
}

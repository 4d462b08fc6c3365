//! Copying a secret: written by Rust with the exclusion-from-history hint, cleared after a
//! timeout only if the clipboard still holds our value.

use crate::ipc::{CLIPBOARD_CLEARED, ClearReason, ClipboardCleared, IpcError};
use authdeck_core::ErrorCode;
use authdeck_core::model::Secret;
use std::hash::{BuildHasher, RandomState};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;
use tauri::{AppHandle, Emitter, Runtime};
use tauri_plugin_clipboard_manager::ClipboardExt;

/// Counts copies so an older countdown never clears a newer copy.
#[derive(Default)]
pub struct CopyGeneration(Arc<AtomicU64>);

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
        let generation = self.0.fetch_add(1, Ordering::SeqCst) + 1;
        // Only a keyed hash of the value is kept for the comparison, not the value itself.
        let hasher = RandomState::new();
        let fingerprint = hasher.hash_one(value.expose());
        let counter = Arc::clone(&self.0);
        let app = app.clone();
        std::thread::spawn(move || {
            std::thread::sleep(clear_after);
            if counter.load(Ordering::SeqCst) != generation {
                return; // a newer copy owns the clipboard and its own countdown
            }
            let still_ours = app
                .clipboard()
                .read_text()
                .map(|text| hasher.hash_one(text.as_str()) == fingerprint)
                .unwrap_or(false);
            let reason = if still_ours && app.clipboard().clear().is_ok() {
                ClearReason::Timeout
            } else {
                ClearReason::Replaced
            };
            let _ = app.emit(CLIPBOARD_CLEARED, ClipboardCleared { reason });
        });
        Ok(())
    }
}

fn clipboard_error(error: &tauri_plugin_clipboard_manager::Error) -> IpcError {
    IpcError {
        code: ErrorCode::Internal,
        message: format!("Could not write to the clipboard: {error}"),
        field: None,
    }
}

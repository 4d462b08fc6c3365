//! Import and export through the system's file dialogs (issue 17). The dialogs are opened from
//! Rust (tauri-plugin-dialog's Rust API) and the chosen file is read or written here: the
//! webview is granted none of the dialog plugin's commands and no file system access, so a
//! script in the page can neither open a dialog nor reach a file through one. Cancelling a
//! dialog is a quiet no-op.

use crate::ipc::{ChosenImport, IpcError};
use crate::state::AppState;
use authdeck_core::portable::{self, ExportSummary};
use authdeck_core::{Core, Result};
use std::path::{Path, PathBuf};
use tauri::{AppHandle, Manager, Runtime, State};
use tauri_plugin_dialog::DialogExt;

/// Where the user picks a file: the system's dialogs in the app, a stand-in in tests.
pub trait FileChooser {
    /// The file to export to (`suggested` is where the dialog starts); None when cancelled.
    fn save_to(&self, suggested: Option<&Path>) -> Option<PathBuf>;
    /// The file to import; None when cancelled.
    fn open(&self) -> Option<PathBuf>;
}

/// The system's file dialogs (GTK's file chooser on Linux), over the app's window.
struct SystemDialogs<R: Runtime>(AppHandle<R>);

const FILTER_NAME: &str = "Authdeck export (JSON)";

impl<R: Runtime> SystemDialogs<R> {
    fn builder(&self, title: &str) -> tauri_plugin_dialog::FileDialogBuilder<R> {
        let builder = self
            .0
            .dialog()
            .file()
            .set_title(title)
            .add_filter(FILTER_NAME, &["json"]);
        match self.0.get_webview_window("main") {
            Some(window) => builder.set_parent(&window),
            None => builder,
        }
    }
}

impl<R: Runtime> FileChooser for SystemDialogs<R> {
    fn save_to(&self, suggested: Option<&Path>) -> Option<PathBuf> {
        let mut builder = self.builder("Export setup");
        if let Some(folder) = suggested.and_then(Path::parent) {
            builder = builder.set_directory(folder);
        }
        if let Some(name) = suggested.and_then(Path::file_name) {
            builder = builder.set_file_name(name.to_string_lossy());
        }
        // GTK's chooser asks before replacing a file (rfd sets do_overwrite_confirmation)
        builder.blocking_save_file()?.into_path().ok()
    }

    fn open(&self) -> Option<PathBuf> {
        self.builder("Import setup")
            .blocking_pick_file()?
            .into_path()
            .ok()
    }
}

/// Exports to the file the user picks; None when they cancel. The dialog has asked before
/// replacing a file, so an existing one is replaced.
pub fn export_to_chosen(core: &Core, chooser: &impl FileChooser) -> Result<Option<ExportSummary>> {
    let suggested = core.suggested_export_path().map(PathBuf::from);
    match chooser.save_to(suggested.as_deref()) {
        Some(path) => core.export_to(&path, true).map(Some),
        None => Ok(None),
    }
}

/// Previews the file the user picks (nothing is written); None when they cancel.
pub fn preview_chosen(core: &Core, chooser: &impl FileChooser) -> Result<Option<ChosenImport>> {
    let Some(path) = chooser.open() else {
        return Ok(None);
    };
    let report = core.preview_import(&portable::read_file(&path)?)?;
    Ok(Some(ChosenImport {
        path: path.display().to_string(),
        report,
    }))
}

/// "Export…": the system's save dialog, then the export; null when cancelled.
#[tauri::command(async)]
pub fn export_with_dialog<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
) -> std::result::Result<Option<ExportSummary>, IpcError> {
    Ok(export_to_chosen(state.core()?, &SystemDialogs(app))?)
}

/// "Choose file…": the system's open dialog, then the preview of that file; null when
/// cancelled. Importing it is `apply_import` with the path this returns.
#[tauri::command(async)]
pub fn preview_with_dialog<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
) -> std::result::Result<Option<ChosenImport>, IpcError> {
    Ok(preview_chosen(state.core()?, &SystemDialogs(app))?)
}

#[cfg(test)]
mod tests {
    use super::*;
    use authdeck_core::SystemClock;
    use authdeck_core::vault::KeychainVault;
    use std::cell::RefCell;
    use std::sync::Arc;

    /// Answers each dialog with `pick` and remembers where the save dialog started.
    struct StandIn {
        pick: Option<PathBuf>,
        suggested: RefCell<Option<PathBuf>>,
    }

    impl FileChooser for StandIn {
        fn save_to(&self, suggested: Option<&Path>) -> Option<PathBuf> {
            *self.suggested.borrow_mut() = suggested.map(Path::to_owned);
            self.pick.clone()
        }
        fn open(&self) -> Option<PathBuf> {
            self.pick.clone()
        }
    }

    fn chooser(pick: Option<PathBuf>) -> StandIn {
        StandIn {
            pick,
            suggested: RefCell::new(None),
        }
    }

    /// A store of its own with one environment; export and import touch no keychain entry.
    fn core_with_an_environment(home: &Path) -> Core {
        let vault = Arc::new(KeychainVault::new("authdeck-test-files"));
        let core = Core::open(home, vault, Arc::new(SystemClock)).unwrap();
        let json = r##"{"authdeck_export": 1, "environments": [{"name": "Work", "kind": "sandbox", "color": "#2f80ed",
            "endpoints": {"token_url": "https://work.example/token"}, "apps": []}]}"##;
        core.apply_import(json, &[]).unwrap();
        core
    }

    #[test]
    fn export_writes_the_chosen_file_replacing_one_the_dialog_confirmed() {
        let home = tempfile::tempdir().unwrap();
        let core = core_with_an_environment(home.path());
        let file = home.path().join("chosen.json");
        std::fs::write(&file, "old").unwrap();
        let stand_in = chooser(Some(file.clone()));

        let summary = export_to_chosen(&core, &stand_in).unwrap().unwrap();
        assert_eq!(summary.path, file.display().to_string());
        assert_eq!(summary.environments, 1);
        let written = std::fs::read_to_string(&file).unwrap();
        assert!(written.contains("\"authdeck_export\": 1"), "{written}");
        assert!(written.contains("https://work.example/token"), "{written}");
        let suggested = stand_in.suggested.borrow().clone().unwrap();
        assert!(
            suggested.is_absolute() && suggested.extension().is_some_and(|ext| ext == "json"),
            "{suggested:?}"
        );
    }

    #[test]
    fn import_previews_the_chosen_file_and_writes_nothing() {
        let home = tempfile::tempdir().unwrap();
        let core = core_with_an_environment(home.path());
        let file = home.path().join("team.json");
        std::fs::write(
            &file,
            r##"{"authdeck_export": 1, "environments": [{"name": "Team", "kind": "sandbox", "color": "#27ae60",
                "endpoints": {"token_url": "https://team.example/token"}, "apps": []}]}"##,
        )
        .unwrap();

        let chosen = preview_chosen(&core, &chooser(Some(file.clone())))
            .unwrap()
            .unwrap();
        assert_eq!(chosen.path, file.display().to_string());
        assert_eq!((chosen.report.added, chosen.report.applied), (1, false));
        assert_eq!(
            core.environments().unwrap().len(),
            1,
            "a preview writes nothing"
        );
    }

    #[test]
    fn a_cancelled_dialog_does_nothing() {
        let home = tempfile::tempdir().unwrap();
        let core = core_with_an_environment(home.path());
        let before = std::fs::read_dir(home.path()).unwrap().count();
        assert!(export_to_chosen(&core, &chooser(None)).unwrap().is_none());
        assert!(preview_chosen(&core, &chooser(None)).unwrap().is_none());
        assert_eq!(std::fs::read_dir(home.path()).unwrap().count(), before);
    }

    #[test]
    fn a_chosen_file_that_is_not_an_export_is_the_usual_typed_error() {
        let home = tempfile::tempdir().unwrap();
        let core = core_with_an_environment(home.path());
        let file = home.path().join("notes.json");
        std::fs::write(&file, "not json").unwrap();
        let error = IpcError::from(preview_chosen(&core, &chooser(Some(file))).unwrap_err());
        assert_eq!(
            error.message,
            "The file is not valid JSON: line 1, column 2: expected ident."
        );
    }
}

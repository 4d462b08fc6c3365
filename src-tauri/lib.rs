//! The desktop shell: builds the Tauri app, holds the state, registers the commands. The only
//! code that imports tauri; everything it does goes through `authdeck_core::Core`.

mod clipboard;
mod commands;
pub mod ipc;
mod renewal;
mod state;

#[cfg(test)]
mod bindings;

/// Starts the desktop app; returns when its last window closes.
pub fn run() {
    tauri::Builder::default()
        .plugin(tauri_plugin_clipboard_manager::init())
        .manage(state::AppState::open())
        .manage(clipboard::CopyGeneration::default())
        .setup(|app| {
            renewal::start(app.handle().clone());
            Ok(())
        })
        .invoke_handler(tauri::generate_handler![
            commands::app_info,
            commands::list_environments,
            commands::create_environment,
            commands::update_environment,
            commands::delete_environment,
            commands::validate_environment,
            commands::get_settings,
            commands::update_settings,
            commands::set_active_environment,
            commands::list_apps,
            commands::get_app,
            commands::linked_apps,
            commands::create_app,
            commands::update_app,
            commands::delete_app,
            commands::validate_app,
            commands::list_secrets,
            commands::add_secret,
            commands::retire_secret,
            commands::reactivate_secret,
            commands::delete_secret,
            commands::reveal_secret,
            commands::copy_secret,
            commands::token_statuses,
            commands::token_details,
            commands::get_token,
            commands::introspect_token,
            commands::token_info,
            commands::revoke_token,
            commands::forget_token,
            commands::set_auto_renew,
            commands::copy_token,
            commands::verify_secret,
            commands::discover,
            commands::call_api,
            commands::copy_curl,
        ])
        .run(tauri::generate_context!())
        .expect("the Authdeck window could not be started");
}

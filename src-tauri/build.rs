// The app manifest lists the app's own commands so each needs an explicit permission in the
// capability (tauri.conf.json); a command not listed there cannot be called from the webview.
fn main() {
    // tauri-build names the files it watches, so cargo reruns this only for those: a command
    // added to the list must rebuild the manifest too.
    println!("cargo:rerun-if-changed=src-tauri/commands.txt");
    // The UI bundle is embedded by `generate_context!`, which cargo does not see read it: a new
    // `npm --prefix ui run build` whose only change was a stylesheet left the old bundle in a
    // release binary. A folder named here is scanned for any change.
    println!("cargo:rerun-if-changed=ui/dist");
    let commands: &'static [&'static str] = include_str!("commands.txt")
        .lines()
        .map(str::trim)
        .filter(|line| !line.is_empty() && !line.starts_with('#'))
        .collect::<Vec<_>>()
        .leak();
    tauri_build::try_build(
        tauri_build::Attributes::new()
            .app_manifest(tauri_build::AppManifest::new().commands(commands)),
    )
    .expect("tauri build step failed");
}

// Capability denial: the webview may call the app's own commands and listen to its events,
// nothing else (tauri.conf.json). Each call below is what a script injected into the page
// would try; the real app's IPC layer must refuse it before any code behind it runs.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { closeApp, launch } from "./support.js";

let browser;

before(async () => {
  browser = await launch();
});

after(async () => {
  await closeApp(browser);
});

/** Calls `command` from inside the webview; returns "ok: …" or the refusal's text. */
async function callFromPage(command, args = {}) {
  return browser.execute(
    async (name, payload) => {
      try {
        return `ok: ${JSON.stringify(await window.__TAURI_INTERNALS__.invoke(name, payload))}`;
      } catch (error) {
        return String(error);
      }
    },
    command,
    args,
  );
}

const refusals = [
  // the clipboard plugin is installed (the app writes secrets with it from Rust); reading is not granted
  ["plugin:clipboard-manager|read_text", {}, "clipboard-manager.read_text not allowed. Permissions associated with this command: clipboard-manager:allow-read-text"],
  ["plugin:clipboard-manager|write_text", { text: "x" }, "clipboard-manager.write_text not allowed. Permissions associated with this command: clipboard-manager:allow-write-text"],
  // core permissions the capability leaves out
  ["plugin:window|close", {}, "window.close not allowed. Permissions associated with this command: core:window:allow-close"],
  ["plugin:webview|create_webview_window", {}, "webview.create_webview_window not allowed. Permissions associated with this command: core:webview:allow-create-webview-window"],
  ["plugin:path|resolve_directory", { directory: 1 }, "path.resolve_directory not allowed. Permissions associated with this command: core:path:allow-resolve-directory, core:path:default"],
  ["plugin:event|emit", { event: "token-renewed", payload: {} }, "event.emit not allowed. Permissions associated with this command: core:event:allow-emit, core:event:default"],
  // the dialog plugin is installed (the backend opens import and export dialogs with it from
  // Rust); none of its commands is granted, so the page can open no dialog and get no path
  ["plugin:dialog|open", { options: {} }, "dialog.open not allowed. Permissions associated with this command: dialog:allow-open, dialog:default"],
  ["plugin:dialog|save", { options: {} }, "dialog.save not allowed. Permissions associated with this command: dialog:allow-save, dialog:default"],
  ["plugin:dialog|message", { message: "x" }, "dialog.message not allowed. Permissions associated with this command: dialog:allow-ask, dialog:allow-confirm, dialog:allow-message, dialog:default"],
  // the notification plugin is installed (the backend raises notifications with it from Rust,
  // issue 17); none of its commands is granted, so the page can neither show a notification
  // nor listen to what the user does with one
  ["plugin:notification|notify", { options: { title: "x" } }, "notification.notify not allowed. Permissions associated with this command: notification:allow-notify, notification:default"],
  ["plugin:notification|request_permission", {}, "notification.request_permission not allowed. Permissions associated with this command: notification:allow-request-permission, notification:default"],
  ["plugin:notification|is_permission_granted", {}, "notification.is_permission_granted not allowed. Permissions associated with this command: notification:allow-is-permission-granted, notification:default"],
  ["plugin:notification|register_listener", { event: "actionPerformed", handler: 0 }, "notification.register_listener not allowed. Permissions associated with this command: notification:allow-register-listener, notification:default"],
  // the tray (issue 17) is built and driven from Rust only (src-tauri/tray): the page can make
  // no tray icon or menu, nor reach the app's own icon by its id to change, hide or remove it
  ["plugin:tray|new", { options: { id: "x" } }, "tray.new not allowed. Permissions associated with this command: core:tray:allow-new, core:tray:default"],
  ["plugin:tray|get_by_id", { id: "authdeck" }, "tray.get_by_id not allowed. Permissions associated with this command: core:tray:allow-get-by-id, core:tray:default"],
  ["plugin:tray|remove_by_id", { id: "authdeck" }, "tray.remove_by_id not allowed. Permissions associated with this command: core:tray:allow-remove-by-id, core:tray:default"],
  ["plugin:tray|set_visible", { rid: 1, visible: false }, "tray.set_visible not allowed. Permissions associated with this command: core:tray:allow-set-visible, core:tray:default"],
  ["plugin:tray|set_menu", { rid: 1, menu: null }, "tray.set_menu not allowed. Permissions associated with this command: core:tray:allow-set-menu, core:tray:default"],
  ["plugin:menu|new", { kind: "Menu", options: {} }, "menu.new not allowed. Permissions associated with this command: core:menu:allow-new, core:menu:default"],
  // plugins that are not in the app at all: no file system, no shell, no HTTP from the page
  ["plugin:fs|read_file", { path: "/etc/passwd" }, "fs.read_file not allowed. Plugin not found"],
  ["plugin:shell|execute", { program: "sh", args: ["-c", "id"] }, "shell.execute not allowed. Plugin not found"],
  ["plugin:http|fetch", { clientConfig: { url: "http://127.0.0.1:1/", method: "GET" } }, "http.fetch not allowed. Plugin not found"],
];

for (const [command, args, expected] of refusals) {
  test(`the webview cannot call ${command}`, async () => {
    assert.equal(await callFromPage(command, args), expected);
  });
}

test("the page's own commands still answer (the refusals above are the capability's, not a broken IPC)", async () => {
  const answer = await callFromPage("app_info");
  assert.match(answer, /^ok: \{.*"version":"\d+\.\d+\.\d+"/);
});

test("the page has no file system or shell globals to reach around IPC", async () => {
  const globals = await browser.execute(() =>
    ["__TAURI__", "require", "process", "Deno"].filter((name) => name in window),
  );
  assert.deepEqual(globals, []);
});

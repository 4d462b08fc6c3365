import { useState } from "react";
import type { FieldError } from "../bindings/FieldError";
import type { NotificationSettings } from "../bindings/NotificationSettings";
import type { Settings } from "../bindings/Settings";
import { api, toIpcError } from "../api/client";
import { useAppInfo } from "../api/queries";
import { presentationOf } from "../lib/errors";
import { Dialog } from "./Dialog";
import { Field } from "./Field";
import { useReportError } from "./Problems";
import { useToast } from "./Toasts";

interface Props {
  settings: Settings;
  onClose: () => void;
  /** Opens Import / export in place of this dialog. */
  onImportExport: () => void;
}

/** The notification kinds, each with the switch's label and what it tells. */
const NOTIFICATION_KINDS: { key: keyof NotificationSettings; label: string; hint: string }[] = [
  { key: "sign_in_needed", label: "A sign-in needs you", hint: "Its refresh token was refused, or expires within a day." },
  { key: "renewal_failed", label: "Automatic renewal failed", hint: "Once per failure, not at every retry." },
  { key: "rotation_due", label: "A secret is due for rotation", hint: "Older than its environment's policy; at most once a day." },
  { key: "sign_in_completed", label: "A browser sign-in finished", hint: "While Authdeck was hidden or in the background." },
];

/** Clipboard and reveal timings, notifications, and where Authdeck keeps things. */
export function SettingsDialog({ settings, onClose, onImportExport }: Props) {
  const info = useAppInfo();
  const toast = useToast();
  const report = useReportError();
  const [clear, setClear] = useState(String(settings.clipboard_clear_seconds));
  const [reveal, setReveal] = useState(String(settings.reveal_seconds));
  const [notifications, setNotifications] = useState<NotificationSettings>(settings.notifications);
  const [keepInTray, setKeepInTray] = useState(settings.keep_in_tray);
  const [errors, setErrors] = useState<FieldError[]>([]);
  const [saving, setSaving] = useState(false);

  const save = async () => {
    setSaving(true);
    setErrors([]);
    try {
      await api.updateSettings({ ...settings, clipboard_clear_seconds: Number(clear), reveal_seconds: Number(reveal), notifications, keep_in_tray: keepInTray });
      toast("Settings saved", "success");
      onClose();
    } catch (reason) {
      const error = toIpcError(reason);
      if (presentationOf(error.code) === "field") setErrors([{ field: error.field ?? "", message: error.message }]);
      else report(error);
    } finally {
      setSaving(false);
    }
  };
  const general = errors.filter((error) => error.field === "");

  return (
    <Dialog title="Settings" subtitle="How long secrets stay on the clipboard and on screen, and what Authdeck notifies you of." testId="settings-dialog" onClose={onClose}>
      <form
        className="dialog-body"
        noValidate
        onSubmit={(event) => {
          event.preventDefault();
          void save();
        }}
      >
        <div className="form-grid">
          <Field label="Clear the clipboard after" field="clipboard_clear_seconds" errors={errors} hint="Seconds, 5 to 600. Cleared only if it still holds the secret.">
            <input data-testid="settings-clipboard-seconds" type="number" min={5} max={600} value={clear} onChange={(e) => { setClear(e.target.value); }} />
          </Field>
          <Field label="Hide a revealed secret after" field="reveal_seconds" errors={errors} hint="Seconds, 3 to 120.">
            <input data-testid="settings-reveal-seconds" type="number" min={3} max={120} value={reveal} onChange={(e) => { setReveal(e.target.value); }} />
          </Field>
        </div>
        {general.length > 0 && (
          <p className="action-error" data-testid="action-error" role="alert">
            {general.map((error) => error.message).join(" ")}
          </p>
        )}
        <section className="about" aria-labelledby="notifications-title" data-testid="settings-notifications">
          <h3 id="notifications-title">Notifications</h3>
          <p className="muted">Clicking one opens the app it is about. They name the app and environment, never a token or secret.</p>
          {NOTIFICATION_KINDS.map(({ key, label, hint }) => (
            <label key={key} className="checkbox-row">
              <input
                type="checkbox"
                data-testid={`settings-notify-${key}`}
                checked={notifications[key]}
                onChange={(event) => {
                  const on = event.target.checked;
                  setNotifications((current) => ({ ...current, [key]: on }));
                }}
              />
              <span>
                {label} <span className="muted">— {hint}</span>
              </span>
            </label>
          ))}
        </section>
        <section className="about" aria-labelledby="tray-title" data-testid="settings-tray">
          <h3 id="tray-title">Tray</h3>
          <label className="checkbox-row">
            <input
              type="checkbox"
              data-testid="settings-keep-in-tray"
              checked={keepInTray}
              onChange={(event) => { setKeepInTray(event.target.checked); }}
            />
            <span>
              Keep running in the tray when the window is closed{" "}
              <span className="muted">— tokens keep renewing; Quit is in the tray's menu. Where the desktop shows no tray, closing quits.</span>
            </span>
          </label>
        </section>
        <section className="about" aria-labelledby="share-title">
          <h3 id="share-title">Share your setup</h3>
          <p className="muted">Environments and apps to a file and back, for your team. Secrets and tokens never go in it.</p>
          <div>
            <button type="button" data-testid="import-export-open" onClick={onImportExport}>
              Import / export…
            </button>
          </div>
        </section>
        <section className="about" aria-labelledby="about-title">
          <h3 id="about-title">About Authdeck</h3>
          {info.data ? (
            <dl>
              <dt>Version</dt>
              <dd data-testid="about-version">
                {info.data.version}
                {info.data.debug_build ? " (debug build)" : ""}
              </dd>
              <dt>Data folder</dt>
              <dd>
                <code>{info.data.data_dir}</code>
              </dd>
              <dt>Keychain service</dt>
              <dd>
                <code>{info.data.keychain_namespace}</code>
              </dd>
            </dl>
          ) : (
            <p className="muted">{info.isError ? toIpcError(info.error).message : "Loading…"}</p>
          )}
          <p className="muted">
            Secrets live only in the system keychain under this service name; the data folder holds names, IDs and dates.
          </p>
        </section>
        <footer className="dialog-footer">
          <button type="button" onClick={onClose}>Cancel</button>
          <button type="submit" className="primary" data-testid="settings-save" disabled={saving}>
            {saving ? "Saving…" : "Save"}
          </button>
        </footer>
      </form>
    </Dialog>
  );
}

import { useState } from "react";
import type { Settings } from "../bindings/Settings";
import { api, toIpcError } from "../api/client";
import { useAppInfo } from "../api/queries";
import { Dialog } from "./Dialog";
import { Field } from "./Field";
import type { FieldError } from "../bindings/FieldError";

interface Props {
  settings: Settings;
  onClose: () => void;
}

/** Clipboard and reveal timings, and where Authdeck keeps things. */
export function SettingsDialog({ settings, onClose }: Props) {
  const info = useAppInfo();
  const [clear, setClear] = useState(settings.clipboard_clear_seconds);
  const [reveal, setReveal] = useState(settings.reveal_seconds);
  const [errors, setErrors] = useState<FieldError[]>([]);
  const save = async () => {
    try {
      await api.updateSettings({ ...settings, clipboard_clear_seconds: clear, reveal_seconds: reveal });
      onClose();
    } catch (reason) {
      const error = toIpcError(reason);
      setErrors([{ field: error.field ?? "", message: error.message }]);
    }
  };
  return (
    <Dialog title="Settings" testId="settings-dialog" onClose={onClose}>
      <form className="dialog-body" onSubmit={(event) => { event.preventDefault(); void save(); }}>
        <Field label="Clear the clipboard after (seconds)" field="clipboard_clear_seconds" errors={errors}>
          <input data-testid="settings-clipboard-seconds" type="number" min={5} max={600} value={clear} onChange={(e) => { setClear(Number(e.target.value)); }} />
        </Field>
        <Field label="Hide a revealed secret after (seconds)" field="reveal_seconds" errors={errors}>
          <input data-testid="settings-reveal-seconds" type="number" min={3} max={120} value={reveal} onChange={(e) => { setReveal(Number(e.target.value)); }} />
        </Field>
        {errors.some((e) => e.field === "") && <p className="action-error">{errors.map((e) => e.message).join(" ")}</p>}
        {info.data && (
          <dl className="about">
            <dt>Version</dt>
            <dd>{info.data.version}{info.data.debug_build ? " (debug build)" : ""}</dd>
            <dt>Data folder</dt>
            <dd><code>{info.data.data_dir}</code></dd>
            <dt>Keychain service</dt>
            <dd><code>{info.data.keychain_namespace}</code></dd>
          </dl>
        )}
        <footer className="dialog-footer">
          <button type="button" onClick={onClose}>Cancel</button>
          <button type="submit" className="primary" data-testid="settings-save">Save</button>
        </footer>
      </form>
    </Dialog>
  );
}

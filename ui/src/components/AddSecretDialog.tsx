import { useState } from "react";
import type { ClientApp } from "../bindings/ClientApp";
import type { SecretAdded } from "../bindings/SecretAdded";
import { api, toIpcError } from "../api/client";
import type { IpcError } from "../bindings/IpcError";
import { Dialog } from "./Dialog";
import { Field } from "./Field";

interface Props {
  app: ClientApp;
  rotating: boolean;
  onClose: () => void;
  onAdded: (added: SecretAdded) => void;
}

/** Stores a pasted secret straight in the keychain; the value is never shown back. */
export function AddSecretDialog({ app, rotating, onClose, onAdded }: Props) {
  const [label, setLabel] = useState("");
  const [value, setValue] = useState("");
  const [createdAt, setCreatedAt] = useState("");
  const [error, setError] = useState<IpcError | null>(null);
  const [saving, setSaving] = useState(false);

  const save = async () => {
    setSaving(true);
    setError(null);
    try {
      const added = await api.addSecret({
        app_id: app.id,
        label,
        value,
        provider_created_at: createdAt ? new Date(`${createdAt}T00:00:00`).toISOString() : null,
      });
      setValue("");
      onAdded(added);
    } catch (reason) {
      setError(toIpcError(reason));
    } finally {
      setSaving(false);
    }
  };
  const fieldErrors = error?.field ? [{ field: error.field, message: error.message }] : [];

  return (
    <Dialog title={rotating ? `Rotate the secret of “${app.display_name}”` : `Add a secret to “${app.display_name}”`} testId="secret-form" onClose={onClose}>
      <form
        className="dialog-body"
        onSubmit={(event) => {
          event.preventDefault();
          void save();
        }}
      >
        {rotating && (
          <p className="muted">
            Create the new secret at the provider, paste it here, then retire the old one once everything uses the new one.
          </p>
        )}
        <Field label="Label" field="label" errors={fieldErrors} hint="Optional, e.g. “CI runner” or “issued 2026-11”">
          <input data-testid="secret-label" value={label} onChange={(e) => { setLabel(e.target.value); }} />
        </Field>
        <Field label="Secret value" field="value" errors={fieldErrors} hint="Paste it as the provider shows it; it goes to the keychain and is not shown again.">
          <input
            data-testid="secret-value"
            type="password"
            autoComplete="off"
            spellCheck={false}
            className="mono"
            value={value}
            onChange={(e) => { setValue(e.target.value); }}
          />
        </Field>
        <Field label="Created at the provider" field="provider_created_at" errors={fieldErrors} hint="Optional; used for the secret's age">
          <input data-testid="secret-created-at" type="date" value={createdAt} onChange={(e) => { setCreatedAt(e.target.value); }} />
        </Field>
        {error && !error.field && (
          <p className="action-error" data-testid="action-error" role="alert">{error.message}</p>
        )}
        <footer className="dialog-footer">
          <button type="button" data-testid="secret-cancel" onClick={onClose}>Cancel</button>
          <button type="submit" className="primary" data-testid="secret-save" disabled={saving || value.trim() === ""}>
            Store in keychain
          </button>
        </footer>
      </form>
    </Dialog>
  );
}

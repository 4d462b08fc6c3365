import { useState } from "react";
import type { ClientApp } from "../bindings/ClientApp";
import type { Environment } from "../bindings/Environment";
import type { FieldError } from "../bindings/FieldError";
import type { SecretAdded } from "../bindings/SecretAdded";
import { api, toIpcError } from "../api/client";
import { presentationOf } from "../lib/errors";
import { Dialog } from "./Dialog";
import { Field } from "./Field";
import { useReportError } from "./Problems";

/** Today as the date input writes it (YYYY-MM-DD, local time): a secret cannot be from the future. */
function localToday(): string {
  const now = new Date();
  return `${now.getFullYear()}-${String(now.getMonth() + 1).padStart(2, "0")}-${String(now.getDate()).padStart(2, "0")}`;
}

interface Props {
  app: ClientApp;
  environment: Environment;
  rotating: boolean;
  onClose: () => void;
  onAdded: (added: SecretAdded) => void;
}

/** Stores a pasted secret straight in the keychain; the value is never shown back. */
export function AddSecretDialog({ app, environment, rotating, onClose, onAdded }: Props) {
  const [label, setLabel] = useState("");
  const [value, setValue] = useState("");
  const [createdAt, setCreatedAt] = useState("");
  const [errors, setErrors] = useState<FieldError[]>([]);
  const [saving, setSaving] = useState(false);
  const report = useReportError();

  const save = async () => {
    setSaving(true);
    setErrors([]);
    try {
      const added = await api.addSecret({
        app_id: app.id,
        label: label.trim(),
        value,
        provider_created_at: createdAt ? new Date(`${createdAt}T00:00:00`).toISOString() : null,
      });
      setValue("");
      onAdded(added);
    } catch (reason) {
      const error = toIpcError(reason);
      setErrors([{ field: presentationOf(error.code) === "field" ? (error.field ?? "") : "", message: error.message }]);
      if (presentationOf(error.code) === "banner") report(error);
    } finally {
      setSaving(false);
    }
  };
  const general = errors.filter((error) => error.field === "");

  return (
    <Dialog
      title={rotating ? `Rotate the secret of “${app.display_name}”` : `Add a secret to “${app.display_name}”`}
      subtitle={`${environment.name} · client ID ${app.client_id}`}
      testId="secret-form"
      onClose={onClose}
      production={environment.kind === "production"}
    >
      <form
        className="dialog-body"
        noValidate
        onSubmit={(event) => {
          event.preventDefault();
          void save();
        }}
      >
        {rotating && (
          <ol className="steps">
            <li>Create a new secret at the provider (it is shown only once).</li>
            <li>Paste it here; it goes straight to the keychain.</li>
            <li>Once everything uses it, retire the old one — Authdeck offers to right after.</li>
          </ol>
        )}
        <Field label="Label" field="label" errors={errors} hint="Optional: where it is used, or when it was issued.">
          <input data-testid="secret-label" autoComplete="off" placeholder="CI runner" value={label} onChange={(e) => { setLabel(e.target.value); }} />
        </Field>
        <Field label="Secret value" field="value" errors={errors} hint="Paste it as the provider shows it. It is stored in the system keychain and never shown here again.">
          <input
            data-testid="secret-value"
            type="password"
            autoComplete="off"
            spellCheck={false}
            autoCorrect="off"
            autoCapitalize="off"
            className="mono"
            value={value}
            onChange={(e) => { setValue(e.target.value); }}
          />
        </Field>
        <Field label="Created at the provider" field="provider_created_at" errors={errors} hint="Optional; the secret’s age counts from it.">
          <input
            data-testid="secret-created-at"
            type="date"
            max={localToday()}
            value={createdAt}
            onChange={(e) => { setCreatedAt(e.target.value); }}
          />
        </Field>
        {general.length > 0 && (
          <p className="action-error" data-testid="action-error" role="alert">
            {general.map((error) => error.message).join(" ")}
          </p>
        )}
        <footer className="dialog-footer">
          <button type="button" data-testid="secret-cancel" onClick={onClose}>Cancel</button>
          <button type="submit" className="primary" data-testid="secret-save" disabled={saving || value.trim() === ""}>
            {saving ? "Storing…" : "Store in keychain"}
          </button>
        </footer>
      </form>
    </Dialog>
  );
}

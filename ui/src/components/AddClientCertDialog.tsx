import { useState } from "react";
import type { CertAdded } from "../bindings/CertAdded";
import type { ClientApp } from "../bindings/ClientApp";
import type { Environment } from "../bindings/Environment";
import type { FieldError } from "../bindings/FieldError";
import { api, toIpcError } from "../api/client";
import { presentationOf } from "../lib/errors";
import { Dialog } from "./Dialog";
import { Field } from "./Field";
import { useReportError } from "./Problems";

interface Props {
  app: ClientApp;
  environment: Environment;
  onClose: () => void;
  onAdded: (added: CertAdded) => void;
}

/**
 * Generates a self-signed client certificate, or imports a certificate PEM with its private key
 * PEM; the key goes to core and the keychain, never back to the window.
 */
export function AddClientCertDialog({ app, environment, onClose, onAdded }: Props) {
  const [mode, setMode] = useState<"generate" | "import">("generate");
  const [label, setLabel] = useState("");
  const [certificate, setCertificate] = useState("");
  const [key, setKey] = useState("");
  const [errors, setErrors] = useState<FieldError[]>([]);
  const [saving, setSaving] = useState(false);
  const report = useReportError();

  const save = async () => {
    setSaving(true);
    setErrors([]);
    try {
      const source = mode === "generate" ? { kind: "generate" as const } : { kind: "import" as const, certificate, key };
      const added = await api.addClientCert({ app_id: app.id, label: label.trim(), source });
      setKey("");
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
  const ready = mode === "generate" || (certificate.trim() !== "" && key.trim() !== "");

  return (
    <Dialog
      title={`Add a client certificate to “${app.display_name}”`}
      subtitle={`${environment.name} · client ID ${app.client_id}`}
      testId="cert-form"
      onClose={onClose}
      production={environment.kind === "production"}
    >
      <form className="dialog-body" noValidate onSubmit={(event) => { event.preventDefault(); void save(); }}>
        <fieldset className="choice-row">
          <legend>Certificate</legend>
          <label>
            <input type="radio" name="cert-mode" data-testid="cert-mode-generate" checked={mode === "generate"} onChange={() => { setMode("generate"); }} /> Generate self-signed
          </label>
          <label>
            <input type="radio" name="cert-mode" data-testid="cert-mode-import" checked={mode === "import"} onChange={() => { setMode("import"); }} /> Import mine
          </label>
        </fieldset>
        {mode === "generate" ? (
          <p className="muted">A P-256 key and a self-signed certificate are made here (for self_signed_tls_client_auth); its public JWK is shown to register.</p>
        ) : (
          <>
            <Field label="Certificate (PEM)" field="certificate" errors={errors} hint="BEGIN CERTIFICATE, then any intermediate certificates.">
              <textarea data-testid="cert-import-certificate" className="mono" rows={4} spellCheck={false} value={certificate} onChange={(e) => { setCertificate(e.target.value); }} />
            </Field>
            <Field label="Private key (PEM)" field="key" errors={errors} hint="Unencrypted PEM. It goes straight to the keychain and is never shown here again.">
              <textarea
                data-testid="cert-import-key"
                className="mono masked"
                rows={4}
                autoComplete="off"
                spellCheck={false}
                autoCorrect="off"
                autoCapitalize="off"
                value={key}
                onChange={(e) => { setKey(e.target.value); }}
              />
            </Field>
          </>
        )}
        <Field label="Label" field="label" errors={errors} hint="Optional: where it is registered, or when.">
          <input data-testid="cert-label-input" autoComplete="off" placeholder="Certificate 1" value={label} onChange={(e) => { setLabel(e.target.value); }} />
        </Field>
        {errors.some((error) => error.field === "expiry" || error.field === "key_pair") && (
          <p className="action-error" data-testid="cert-pair-error" role="alert">
            {errors.map((error) => error.message).join(" ")}
          </p>
        )}
        {general.length > 0 && (
          <p className="action-error" data-testid="action-error" role="alert">
            {general.map((error) => error.message).join(" ")}
          </p>
        )}
        <footer className="dialog-footer">
          <button type="button" data-testid="cert-cancel" onClick={onClose}>Cancel</button>
          <button type="submit" className="primary" data-testid="cert-save" disabled={saving || !ready}>
            {saving ? "Storing…" : mode === "generate" ? "Generate certificate" : "Store in keychain"}
          </button>
        </footer>
      </form>
    </Dialog>
  );
}

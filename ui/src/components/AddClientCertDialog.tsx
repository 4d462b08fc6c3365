import { useState } from "react";
import type { CertAdded } from "../bindings/CertAdded";
import type { ClientApp } from "../bindings/ClientApp";
import type { Environment } from "../bindings/Environment";
import { api } from "../api/client";
import { CredentialFooter, type CredentialMode, GeneralErrors, LabelField, ModeChoice, useCredentialSave } from "./AddCredential";
import { Dialog } from "./Dialog";
import { Field } from "./Field";

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
  const [mode, setMode] = useState<CredentialMode>("generate");
  const [label, setLabel] = useState("");
  const [certificate, setCertificate] = useState("");
  const [key, setKey] = useState("");
  const { errors, general, saving, save } = useCredentialSave();

  const store = () =>
    save(async () => {
      const source = mode === "generate" ? { kind: "generate" as const } : { kind: "import" as const, certificate, key };
      const added = await api.addClientCert({ app_id: app.id, label: label.trim(), source });
      setKey("");
      onAdded(added);
    });
  const ready = mode === "generate" || (certificate.trim() !== "" && key.trim() !== "");

  return (
    <Dialog
      title={`Add a client certificate to “${app.display_name}”`}
      subtitle={`${environment.name} · client ID ${app.client_id}`}
      testId="cert-form"
      onClose={onClose}
      production={environment.kind === "production"}
    >
      <form className="dialog-body" noValidate onSubmit={(event) => { event.preventDefault(); void store(); }}>
        <ModeChoice stem="cert" legend="Certificate" generateLabel="Generate self-signed" mode={mode} onChange={setMode} />
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
        <LabelField stem="cert" placeholder="Certificate 1" label={label} onLabel={setLabel} errors={errors} />
        {errors.some((error) => error.field === "expiry" || error.field === "key_pair") && (
          <p className="action-error" data-testid="cert-pair-error" role="alert">
            {errors.map((error) => error.message).join(" ")}
          </p>
        )}
        <GeneralErrors general={general} />
        <CredentialFooter stem="cert" saving={saving} ready={ready} mode={mode} generateLabel="Generate certificate" onClose={onClose} />
      </form>
    </Dialog>
  );
}

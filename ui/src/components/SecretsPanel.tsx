import { useState } from "react";
import type { ClientApp } from "../bindings/ClientApp";
import type { Environment } from "../bindings/Environment";
import type { SecretMeta } from "../bindings/SecretMeta";
import { api, toIpcError } from "../api/client";
import { useSecrets } from "../api/queries";
import { AddSecretDialog } from "./AddSecretDialog";
import { ConfirmDialog } from "./ConfirmDialog";
import { SecretRow } from "./SecretRow";
import { useToast } from "./Toasts";

interface Props {
  app: ClientApp;
  environment: Environment;
  onCopy: (secret: SecretMeta) => void;
}

/** The secrets of a confidential app: add, copy, reveal, rotate, retire, delete. */
export function SecretsPanel({ app, environment, onCopy }: Props) {
  const secrets = useSecrets(app.id);
  const toast = useToast();
  const [adding, setAdding] = useState<"add" | "rotate" | null>(null);
  const [offerRetire, setOfferRetire] = useState<SecretMeta[]>([]);
  const [deleting, setDeleting] = useState<SecretMeta | null>(null);
  const [refusal, setRefusal] = useState<string | null>(null);
  const [trimmedNotice, setTrimmedNotice] = useState(false);
  const production = environment.kind === "production";

  const all = secrets.data ?? [];
  const active = all.filter((secret) => secret.state === "active");
  const retired = all.filter((secret) => secret.state === "retired");

  const run = async (action: () => Promise<unknown>, done: string) => {
    setRefusal(null);
    try {
      await action();
      toast(done, "success");
    } catch (reason) {
      const error = toIpcError(reason);
      if (error.code === "last_secret") setRefusal(error.message);
      else toast(error.message, "error");
    }
  };

  const row = (secret: SecretMeta) => (
    <SecretRow
      key={secret.id}
      secret={secret}
      rotationDays={environment.rotation_days}
      onCopy={onCopy}
      onRetire={(s) => void run(() => api.retireSecret(s.id), `Retired “${s.label}”`)}
      onReactivate={(s) => void run(() => api.reactivateSecret(s.id), `“${s.label}” is active again`)}
      onDelete={setDeleting}
      onError={(message) => { toast(message, "error"); }}
    />
  );

  return (
    <section className="panel secrets-panel" aria-label="Client secrets">
      <header className="panel-header">
        <h3>Client secrets</h3>
        <div className="panel-actions">
          {active.length > 0 && (
            <button type="button" data-testid="secret-rotate" onClick={() => { setAdding("rotate"); }}>Rotate</button>
          )}
          <button type="button" className="primary" data-testid="secret-add" onClick={() => { setAdding("add"); }}>+ Secret</button>
        </div>
      </header>
      {refusal && (
        <div className="notice notice-refusal" data-testid="action-error" role="alert">
          {refusal}
          <button type="button" className="link-button" onClick={() => { setRefusal(null); }}>Dismiss</button>
        </div>
      )}
      {offerRetire.length > 0 && (
        <div className="notice" role="status">
          New secret stored. Retire the older {offerRetire.length === 1 ? "secret" : "secrets"} once nothing uses {offerRetire.length === 1 ? "it" : "them"}?
          <button
            type="button"
            onClick={() => {
              const older = offerRetire;
              setOfferRetire([]);
              void run(async () => { for (const s of older) await api.retireSecret(s.id); }, "Older secrets retired");
            }}
          >
            Retire {offerRetire.map((s) => `“${s.label}”`).join(", ")}
          </button>
          <button type="button" className="link-button" onClick={() => { setOfferRetire([]); }}>Later</button>
        </div>
      )}
      {secrets.isLoading && <div className="skeleton-row" aria-busy="true" />}
      {secrets.isError && <p className="action-error">{toIpcError(secrets.error).message}</p>}
      {secrets.data && all.length === 0 && (
        <div className="empty empty-inline" data-testid="secrets-empty">
          <p>No secret stored for this app yet. Paste the one the provider showed you; it goes straight to the keychain.</p>
        </div>
      )}
      <ul className="secret-list">{active.map(row)}</ul>
      {retired.length > 0 && (
        <details className="retired" open>
          <summary>Retired ({retired.length}) — kept until you delete them</summary>
          <ul className="secret-list">{retired.map(row)}</ul>
        </details>
      )}
      {adding && (
        <AddSecretDialog
          app={app}
          rotating={adding === "rotate"}
          onClose={() => { setAdding(null); }}
          onAdded={(added) => {
            const wasRotating = adding === "rotate";
            setAdding(null);
            toast(added.trimmed ? "Secret stored in the keychain. Spaces around the pasted value were removed." : "Secret stored in the keychain.", "success");
            if (added.trimmed) setTrimmedNotice(true);
            if (wasRotating) setOfferRetire(active);
          }}
        />
      )}
      {trimmedNotice && (
        <div className="notice" data-testid="secret-trimmed-notice" role="status">
          Whitespace around the pasted value was removed before storing it.
          <button type="button" className="link-button" onClick={() => { setTrimmedNotice(false); }}>OK</button>
        </div>
      )}
      {deleting && (
        <ConfirmDialog
          title={`Delete “${deleting.label}”?`}
          confirmLabel="Delete secret"
          production={production}
          onCancel={() => { setDeleting(null); }}
          onConfirm={() => {
            const secret = deleting;
            setDeleting(null);
            void run(() => api.deleteSecret(secret.id), `Deleted “${secret.label}” from the keychain`);
          }}
        >
          <p>
            The secret ending in <code>…{deleting.fingerprint}</code> is removed from the keychain. It cannot be recovered
            here; at the provider it stays valid until you delete it there too.
          </p>
        </ConfirmDialog>
      )}
    </section>
  );
}

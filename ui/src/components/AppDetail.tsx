import { useState } from "react";
import type { Environment } from "../bindings/Environment";
import type { LinkedApp } from "../bindings/LinkedApp";
import type { SecretMeta } from "../bindings/SecretMeta";
import { api, toIpcError } from "../api/client";
import { useApp, useLinkedApps } from "../api/queries";
import { localDateTime } from "../lib/time";
import { AppForm } from "./AppForm";
import { ConfirmDialog } from "./ConfirmDialog";
import { SecretsPanel } from "./SecretsPanel";
import { useToast } from "./Toasts";

interface Props {
  appId: string;
  environment: Environment;
  onOpenLinked: (linked: LinkedApp) => void;
  onDeleted: () => void;
  onCopy: (secret: SecretMeta) => void;
}

/** Everything about one client app: its fields (editable), linked apps and secrets. */
export function AppDetail({ appId, environment, onOpenLinked, onDeleted, onCopy }: Props) {
  const app = useApp(appId);
  const linked = useLinkedApps(appId);
  const toast = useToast();
  const [confirming, setConfirming] = useState(false);

  if (app.isLoading) return <section className="detail" aria-busy="true"><div className="skeleton-block" /></section>;
  if (app.isError || !app.data) {
    return (
      <section className="detail empty">
        <p>{app.error ? toIpcError(app.error).message : "That app no longer exists."}</p>
      </section>
    );
  }
  const current = app.data;
  const remove = async () => {
    setConfirming(false);
    try {
      const deleted = await api.deleteApp(current.id);
      toast(
        `Deleted “${current.display_name}” — ${deleted.keychain_entries_removed} keychain ${deleted.keychain_entries_removed === 1 ? "entry" : "entries"} removed. Tokens the provider already issued stay valid until they expire.`,
        "success",
      );
      onDeleted();
    } catch (reason) {
      toast(toIpcError(reason).message, "error");
    }
  };

  return (
    <section className="detail" data-testid="app-detail" aria-label={current.display_name}>
      <header className="detail-header">
        <div>
          <h2 data-testid="app-title">{current.display_name}</h2>
          <p className="muted">
            <code>{current.client_id}</code> · {current.client_type} · created {localDateTime(current.created_at)} · updated{" "}
            {localDateTime(current.updated_at)}
          </p>
        </div>
        <button type="button" className="danger-text" data-testid="app-delete" onClick={() => { setConfirming(true); }}>
          Delete app
        </button>
      </header>
      {linked.data && linked.data.length > 0 && (
        <nav className="linked-apps" data-testid="linked-apps" aria-label="The same integration in other environments">
          <span className="muted">Also in:</span>
          {linked.data.map((other) => (
            <button key={other.app_id} type="button" className={`linked-app kind-${other.environment_kind}`} data-testid="linked-app" onClick={() => { onOpenLinked(other); }}>
              {other.environment_name} · {other.display_name}
            </button>
          ))}
        </nav>
      )}
      {current.client_type === "confidential" ? (
        <SecretsPanel app={current} environment={environment} onCopy={onCopy} />
      ) : (
        <div className="notice">This is a public client: it has no client secret. It signs in with PKCE instead.</div>
      )}
      <section className="panel">
        <header className="panel-header"><h3>Settings</h3></header>
        <AppForm
          key={current.id + current.updated_at}
          app={current}
          environmentId={current.environment_id}
          onSaved={(saved) => { toast(`Saved “${saved.display_name}”`, "success"); }}
          onCancel={() => undefined}
        />
      </section>
      {confirming && (
        <ConfirmDialog
          title={`Delete “${current.display_name}”?`}
          confirmLabel="Delete app"
          production={environment.kind === "production"}
          onCancel={() => { setConfirming(false); }}
          onConfirm={() => void remove()}
        >
          <p>Its secrets are removed from this computer’s keychain and its settings from Authdeck.</p>
          <p>
            <strong>Tokens the provider already issued stay valid</strong> until they expire; the app itself still exists at
            the provider.
          </p>
        </ConfirmDialog>
      )}
    </section>
  );
}

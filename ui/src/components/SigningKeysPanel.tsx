import { useState } from "react";
import type { ClientApp } from "../bindings/ClientApp";
import type { Environment } from "../bindings/Environment";
import type { SigningKeyMeta } from "../bindings/SigningKeyMeta";
import { api } from "../api/client";
import { useSigningKeys } from "../api/queries";
import { localDateTime } from "../lib/time";
import { AddSigningKeyDialog } from "./AddSigningKeyDialog";
import { useClipboard } from "./Clipboard";
import { Icon } from "./Icon";
import { LifecycleConfirm, RefusalNotice, useLifecycle } from "./KeyLifecycle";
import { useToast } from "./Toasts";

interface Props {
  app: ClientApp;
  environment: Environment;
}

/**
 * The app's private_key_jwt signing keys: generate or import one, copy the public JWK or the
 * JWKS to register at the provider, retire, reactivate, delete. Shown open for a
 * private_key_jwt app, collapsed for another app that still holds keys, not at all otherwise.
 */
export function SigningKeysPanel({ app, environment }: Props) {
  const signingKeys = useSigningKeys(app.id);
  const lifecycle = useLifecycle<SigningKeyMeta>("key", environment);
  const { copyWith } = useClipboard();
  const toast = useToast();
  const [adding, setAdding] = useState(false);
  const uses = app.auth_method === "private_key_jwt";
  const all = signingKeys.data ?? [];
  const active = all.filter((key) => key.state === "active");
  if (!uses && all.length === 0) return null;

  const copyJwk = (key: SigningKeyMeta) =>
    copyWith({ id: `jwk:${key.id}`, label: `Public JWK of “${key.label}”`, fingerprint: "" }, () => api.copyPublicJwk(key.id));
  const copyJwks = () =>
    copyWith({ id: `jwks:${app.id}`, label: `JWKS of “${app.display_name}”`, fingerprint: "" }, () => api.copyJwks(app.id));

  const body = (
    <>
      <RefusalNotice refusal={lifecycle.refusal} onDismiss={() => { lifecycle.setRefusal(null); }} />
      {signingKeys.isPending && <div className="skeleton-row" aria-busy="true" aria-label="Loading signing keys" />}
      {signingKeys.data && all.length === 0 && (
        <div className="empty empty-inline" data-testid="keys-empty">
          <p className="empty-title">No signing key yet</p>
          <p>This app signs its client assertions with a key: generate one (or import yours), then register its public JWK at the provider.</p>
        </div>
      )}
      {uses && signingKeys.data && all.length > 0 && active.length === 0 && (
        <p className="hint-warning">No active key: this app cannot get tokens until you add or reactivate one.</p>
      )}
      <ul className="secret-list">
        {all.map((key) => (
          <li key={key.id} className={`secret-row secret-${key.state}`} data-testid="key-row" data-key-id={key.id} data-state={key.state}>
            <div className="secret-main">
              <span className="secret-label" data-testid="key-label">{key.label}</span>
              <span className="type-badge" data-testid="key-alg">{key.alg}</span>
              <span className={`state-badge state-${key.state}`} data-testid="key-state">{key.state}</span>
            </div>
            <div className="secret-meta">
              <span title="kid: the RFC 7638 thumbprint of the public key">
                kid <code className="fingerprint" data-testid="key-kid">{key.kid}</code>
              </span>
              <span data-testid="key-added">{key.origin} {localDateTime(key.added_at)}</span>
            </div>
            <div className="secret-actions">
              <button type="button" data-testid="key-copy-jwk" onClick={() => void copyJwk(key)} title="Copy the public JWK (never the private key)">
                <Icon name="copy" size={14} /> Public JWK
              </button>
              {key.state === "active" ? (
                <button type="button" data-testid="key-retire" onClick={() => { lifecycle.ask("retire", key, () => api.retireSigningKey(key.id)); }} title="Keep it, but stop signing with it">
                  Retire
                </button>
              ) : (
                <button type="button" data-testid="key-reactivate" onClick={() => void lifecycle.run(() => api.reactivateSigningKey(key.id), `“${key.label}” is active again`)}>
                  Reactivate
                </button>
              )}
              <button
                type="button"
                className="icon-button danger-text"
                data-testid="key-delete"
                onClick={() => { lifecycle.ask("delete", key, () => api.deleteSigningKey(key.id)); }}
                aria-label={`Delete “${key.label}”`}
                title="Delete from the keychain"
              >
                <Icon name="trash" size={14} />
              </button>
            </div>
          </li>
        ))}
      </ul>
    </>
  );

  const actions = (
    <div className="panel-actions">
      {active.length > 0 && (
        <button type="button" data-testid="key-copy-jwks" onClick={() => void copyJwks()} title="Copy the JWKS of the active keys, to register at the provider">
          <Icon name="copy" size={14} /> Copy JWKS
        </button>
      )}
      <button type="button" className="primary" data-testid="key-add" onClick={() => { setAdding(true); }}>
        <Icon name="plus" size={14} /> Add key
      </button>
    </div>
  );

  return (
    <section className="panel keys-panel" data-testid="keys-panel" aria-labelledby="keys-title">
      {uses ? (
        <>
          <header className="panel-header">
            <h3 id="keys-title">
              Signing keys {all.length > 0 && <span className="count">{active.length} active</span>}
            </h3>
            {actions}
          </header>
          {body}
        </>
      ) : (
        <details data-testid="keys-collapsed">
          <summary id="keys-title">Signing keys ({all.length}) — not used: this app authenticates with {app.auth_method}</summary>
          {body}
        </details>
      )}
      {adding && (
        <AddSigningKeyDialog
          app={app}
          environment={environment}
          onClose={() => { setAdding(false); }}
          onAdded={(key) => {
            setAdding(false);
            lifecycle.setRefusal(null);
            toast(`Stored “${key.label}” in the keychain; register its public JWK at the provider`, "success");
          }}
        />
      )}
      <LifecycleConfirm
        lifecycle={lifecycle}
        environment={environment}
        onRetire={(key) => api.retireSigningKey(key.id)}
        onDelete={(key) => api.deleteSigningKey(key.id)}
      />
    </section>
  );
}

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
import { useLifecycle } from "./KeyLifecycle";
import { LifecyclePanel } from "./LifecyclePanel";
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
  const active = (signingKeys.data ?? []).filter((key) => key.state === "active");

  const copyJwk = (key: SigningKeyMeta) =>
    copyWith({ id: `jwk:${key.id}`, label: `Public JWK of “${key.label}”`, fingerprint: "" }, () => api.copyPublicJwk(key.id));
  const copyJwks = () =>
    copyWith({ id: `jwks:${app.id}`, label: `JWKS of “${app.display_name}”`, fingerprint: "" }, () => api.copyJwks(app.id));

  return (
    <LifecyclePanel
      stem="key"
      panel="keys"
      title="Signing keys"
      app={app}
      environment={environment}
      lifecycle={lifecycle}
      uses={app.auth_method === "private_key_jwt"}
      items={signingKeys.data}
      loading={signingKeys.isPending}
      loadingLabel="Loading signing keys"
      empty={{
        title: "No signing key yet",
        text: "This app signs its client assertions with a key: generate one (or import yours), then register its public JWK at the provider.",
      }}
      noActive="No active key: this app cannot get tokens until you add or reactivate one."
      headerActions={
        active.length > 0 && (
          <button type="button" data-testid="key-copy-jwks" onClick={() => void copyJwks()} title="Copy the JWKS of the active keys, to register at the provider">
            <Icon name="copy" size={14} /> Copy JWKS
          </button>
        )
      }
      addLabel="Add key"
      onAdd={() => { setAdding(true); }}
      copyTitle="Copy the public JWK (never the private key)"
      retireTitle="Keep it, but stop signing with it"
      onCopyJwk={(key) => void copyJwk(key)}
      onRetire={(key) => api.retireSigningKey(key.id)}
      onReactivate={(key) => api.reactivateSigningKey(key.id)}
      onDelete={(key) => api.deleteSigningKey(key.id)}
      row={{
        badges: (key) => <span className="type-badge" data-testid="key-alg">{key.alg}</span>,
        meta: (key) => (
          <>
            <span title="kid: the RFC 7638 thumbprint of the public key">
              kid <code className="fingerprint" data-testid="key-kid">{key.kid}</code>
            </span>
            <span data-testid="key-added">{key.origin} {localDateTime(key.added_at)}</span>
          </>
        ),
      }}
    >
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
    </LifecyclePanel>
  );
}

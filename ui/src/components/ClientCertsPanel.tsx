import { useState } from "react";
import type { CertAdded } from "../bindings/CertAdded";
import type { ClientApp } from "../bindings/ClientApp";
import type { ClientCertMeta } from "../bindings/ClientCertMeta";
import type { Environment } from "../bindings/Environment";
import { api } from "../api/client";
import { useClientCerts } from "../api/queries";
import { localDate, localDateTime } from "../lib/time";
import { useNow } from "../lib/tokens";
import { AddClientCertDialog } from "./AddClientCertDialog";
import { useClipboard } from "./Clipboard";
import { Icon } from "./Icon";
import { LifecycleConfirm, RefusalNotice, useLifecycle } from "./KeyLifecycle";
import { useToast } from "./Toasts";

interface Props {
  app: ClientApp;
  environment: Environment;
}

/** Whether a certificate is past its not-after time. */
export const expired = (cert: ClientCertMeta, now: number) => Date.parse(cert.not_after) <= now;

/**
 * The app's mTLS client certificates (tls_client_auth, self_signed_tls_client_auth): generate a
 * self-signed one (its public JWK shown to register) or import one with its key, retire,
 * reactivate, delete. Collapsed for another app that still holds certificates.
 */
export function ClientCertsPanel({ app, environment }: Props) {
  const certs = useClientCerts(app.id);
  const lifecycle = useLifecycle<ClientCertMeta>("certificate", environment);
  const { copyWith } = useClipboard();
  const toast = useToast();
  const now = useNow(60_000);
  const [adding, setAdding] = useState(false);
  const [added, setAdded] = useState<CertAdded | null>(null);
  const uses = app.auth_method === "tls_client_auth" || app.auth_method === "self_signed_tls_client_auth";
  const all = certs.data ?? [];
  const active = all.filter((cert) => cert.state === "active");
  if (!uses && all.length === 0) return null;

  const copyJwk = (cert: ClientCertMeta) =>
    copyWith({ id: `cert-jwk:${cert.id}`, label: `Public JWK of “${cert.label}”`, fingerprint: "" }, () => api.copyCertJwk(cert.id));

  const body = (
    <>
      <RefusalNotice refusal={lifecycle.refusal} onDismiss={() => { lifecycle.setRefusal(null); }} />
      {added?.public_jwk && (
        <div className="notice" role="status" data-testid="cert-added-jwk">
          <span>Register this public JWK (with its x5c and x5t#S256) at the provider:</span>
          <pre className="mono jwk-text">{added.public_jwk}</pre>
          <button type="button" data-testid="cert-added-copy" onClick={() => void copyJwk(added.certificate)}>
            <Icon name="copy" size={14} /> Copy JWK
          </button>
          <button type="button" className="link-button" onClick={() => { setAdded(null); }}>Done</button>
        </div>
      )}
      {certs.isPending && <div className="skeleton-row" aria-busy="true" aria-label="Loading certificates" />}
      {certs.data && all.length === 0 && (
        <div className="empty empty-inline" data-testid="certs-empty">
          <p className="empty-title">No client certificate yet</p>
          <p>This app proves itself with a certificate in the TLS handshake: generate a self-signed one, or import the one your provider's CA issued, with its key.</p>
        </div>
      )}
      {uses && certs.data && all.length > 0 && active.length === 0 && (
        <p className="hint-warning">No active certificate: this app cannot get tokens until you add or reactivate one.</p>
      )}
      {uses && active.length > 0 && active.every((cert) => expired(cert, now)) && (
        <p className="hint-warning" data-testid="certs-all-expired">
          Every active certificate has expired, and an expired one is never presented: this app cannot get tokens until you add a new one and register it at the provider.
        </p>
      )}
      <ul className="secret-list">
        {all.map((cert) => {
          const past = expired(cert, now);
          return (
            <li key={cert.id} className={`secret-row secret-${cert.state}`} data-testid="cert-row" data-cert-id={cert.id} data-state={cert.state} data-expired={past ? "true" : "false"}>
              <div className="secret-main">
                <span className="secret-label" data-testid="cert-label">{cert.label}</span>
                <code data-testid="cert-subject">{cert.subject}</code>
                <span className={`state-badge state-${cert.state}`}>{cert.state}</span>
                {past && <span className="state-badge state-expired" data-testid="cert-expired">expired</span>}
              </div>
              <div className="secret-meta">
                <span data-testid="cert-not-after" className={past ? "hint-warning" : undefined} title={`Not after ${localDateTime(cert.not_after)}`}>
                  {past ? "Expired" : "Valid until"} {localDate(cert.not_after)}
                </span>
                <span title="x5t#S256: the SHA-256 thumbprint bound tokens carry in cnf">
                  x5t#S256 <code className="fingerprint" data-testid="cert-x5t">{cert.x5t_s256}</code>
                </span>
              </div>
              <div className="secret-actions">
                <button type="button" data-testid="cert-copy-jwk" onClick={() => void copyJwk(cert)} title="Copy the public JWK with x5c and x5t#S256">
                  <Icon name="copy" size={14} /> Public JWK
                </button>
                {cert.state === "active" ? (
                  <button type="button" data-testid="cert-retire" onClick={() => { lifecycle.ask("retire", cert, () => api.retireClientCert(cert.id)); }} title="Keep it, but stop presenting it">
                    Retire
                  </button>
                ) : (
                  <button type="button" data-testid="cert-reactivate" onClick={() => void lifecycle.run(() => api.reactivateClientCert(cert.id), `“${cert.label}” is active again`)}>
                    Reactivate
                  </button>
                )}
                <button
                  type="button"
                  className="icon-button danger-text"
                  data-testid="cert-delete"
                  onClick={() => { lifecycle.ask("delete", cert, () => api.deleteClientCert(cert.id)); }}
                  aria-label={`Delete “${cert.label}”`}
                  title="Delete from the keychain"
                >
                  <Icon name="trash" size={14} />
                </button>
              </div>
            </li>
          );
        })}
      </ul>
    </>
  );

  return (
    <section className="panel certs-panel" data-testid="certs-panel" aria-labelledby="certs-title">
      {uses ? (
        <>
          <header className="panel-header">
            <h3 id="certs-title">
              Client certificates {all.length > 0 && <span className="count">{active.length} active</span>}
            </h3>
            <div className="panel-actions">
              <button type="button" className="primary" data-testid="cert-add" onClick={() => { setAdding(true); }}>
                <Icon name="plus" size={14} /> Add certificate
              </button>
            </div>
          </header>
          {body}
        </>
      ) : (
        <details data-testid="certs-collapsed">
          <summary id="certs-title">Client certificates ({all.length}) — not used: this app authenticates with {app.auth_method}</summary>
          {body}
        </details>
      )}
      {adding && (
        <AddClientCertDialog
          app={app}
          environment={environment}
          onClose={() => { setAdding(false); }}
          onAdded={(cert) => {
            setAdding(false);
            setAdded(cert);
            lifecycle.setRefusal(null);
            toast(`Stored “${cert.certificate.label}” in the keychain; register it at the provider`, "success");
          }}
        />
      )}
      <LifecycleConfirm
        lifecycle={lifecycle}
        environment={environment}
        onRetire={(cert) => api.retireClientCert(cert.id)}
        onDelete={(cert) => api.deleteClientCert(cert.id)}
      />
    </section>
  );
}

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
import { useLifecycle } from "./KeyLifecycle";
import { LifecyclePanel } from "./LifecyclePanel";
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
  const uses = app.auth_method === "tls_client_auth" || app.auth_method === "self_signed_tls_client_auth";
  const active = (certs.data ?? []).filter((cert) => cert.state === "active");
  const allExpired = uses && active.length > 0 && active.every((cert) => expired(cert, now));
  const [adding, setAdding] = useState(false);
  const [added, setAdded] = useState<CertAdded | null>(null);

  const copyJwk = (cert: ClientCertMeta) =>
    copyWith({ id: `cert-jwk:${cert.id}`, label: `Public JWK of “${cert.label}”`, fingerprint: "" }, () => api.copyCertJwk(cert.id));

  return (
    <LifecyclePanel
      stem="cert"
      panel="certs"
      title="Client certificates"
      app={app}
      environment={environment}
      lifecycle={lifecycle}
      uses={uses}
      items={certs.data}
      loading={certs.isPending}
      loadingLabel="Loading certificates"
      empty={{
        title: "No client certificate yet",
        text: "This app proves itself with a certificate in the TLS handshake: generate a self-signed one, or import the one your provider's CA issued, with its key.",
      }}
      noActive="No active certificate: this app cannot get tokens until you add or reactivate one."
      notice={
        <>
          {allExpired && (
            <p className="hint-warning" data-testid="certs-all-expired">
              Every active certificate has expired, and an expired one is never presented: this app cannot get tokens until you add a new one and register it at the provider.
            </p>
          )}
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
        </>
      }
      addLabel="Add certificate"
      onAdd={() => { setAdding(true); }}
      copyTitle="Copy the public JWK with x5c and x5t#S256"
      retireTitle="Keep it, but stop presenting it"
      onCopyJwk={(cert) => void copyJwk(cert)}
      onRetire={(cert) => api.retireClientCert(cert.id)}
      onReactivate={(cert) => api.reactivateClientCert(cert.id)}
      onDelete={(cert) => api.deleteClientCert(cert.id)}
      row={{
        attributes: (cert) => ({ "data-expired": expired(cert, now) ? "true" : "false" }),
        badges: (cert) => <code data-testid="cert-subject">{cert.subject}</code>,
        marks: (cert) => expired(cert, now) && <span className="state-badge state-expired" data-testid="cert-expired">expired</span>,
        meta: (cert) => {
          const past = expired(cert, now);
          return (
            <>
              <span data-testid="cert-not-after" className={past ? "hint-warning" : undefined} title={`Not after ${localDateTime(cert.not_after)}`}>
                {past ? "Expired" : "Valid until"} {localDate(cert.not_after)}
              </span>
              <span title="x5t#S256: the SHA-256 thumbprint bound tokens carry in cnf">
                x5t#S256 <code className="fingerprint" data-testid="cert-x5t">{cert.x5t_s256}</code>
              </span>
            </>
          );
        },
      }}
    >
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
    </LifecyclePanel>
  );
}

import { useQuery } from "@tanstack/react-query";
import type { AppId } from "../bindings/AppId";
import type { Field } from "../bindings/Field";
import { api } from "../api/client";
import { cnfX5t } from "../lib/binding";
import { Icon } from "./Icon";

/**
 * An mTLS-bound token's row (RFC 8705 §3): its `cnf.x5t#S256` and whether that is the
 * certificate the app presents now, as core compares it with the app's certificates. Nothing
 * for a token that is not certificate-bound.
 */
export function CertBindingFact({ appId, fields }: { appId: AppId; fields: Field[] | undefined }) {
  const x5t = cnfX5t(fields);
  const binding = useQuery({
    // under "secrets": a certificate added, retired or deleted changes the answer
    queryKey: ["secrets", appId, "cert-binding", x5t],
    queryFn: () => api.certificateBinding(appId, fields ?? []),
    enabled: x5t !== null,
  });
  if (x5t === null) return null;
  const found = binding.data ?? null;
  const kind = !found ? "unknown" : found.presented_now ? "this_certificate" : found.certificate ? "older_certificate" : "other_certificate";
  return (
    <>
      <dt>Certificate</dt>
      <dd data-testid="token-cert-binding" data-binding={binding.isPending ? "pending" : kind}>
        <code className="fingerprint token-binding-jkt" title="cnf.x5t#S256: the thumbprint of the certificate the token is bound to">
          {x5t}
        </code>{" "}
        {kind === "this_certificate" ? (
          <span className="binding-match">bound to this app’s certificate{found?.certificate ? ` “${found.certificate.label}”` : ""}</span>
        ) : kind === "older_certificate" ? (
          <span className="hint-warning">
            <Icon name="warning" size={13} /> bound to “{found?.certificate?.label}”, which this app no longer presents: API calls with it fail
          </span>
        ) : binding.isPending ? null : (
          <span className="hint-warning">
            <Icon name="warning" size={13} /> bound to a certificate this app does not hold: API calls with it fail
          </span>
        )}
      </dd>
    </>
  );
}

import { useQuery } from "@tanstack/react-query";
import { useState } from "react";
import type { ClientApp } from "../bindings/ClientApp";
import type { Environment } from "../bindings/Environment";
import type { FieldDrift } from "../bindings/FieldDrift";
import { api } from "../api/client";
import { useTokenDetails } from "../api/queries";
import { localDateTime } from "../lib/time";
import { useAction } from "../lib/useAction";
import { ConfirmDialog } from "./ConfirmDialog";
import { Refusal } from "./Refusal";
import { useToast } from "./Toasts";

interface Props {
  app: ClientApp;
  environment: Environment;
  /** The app is gone (deleted at the provider and here). */
  onDeleted: () => void;
}

const FIELD_LABEL: Record<string, string> = {
  display_name: "Name",
  description: "Description",
  logo_uri: "Logo URL",
  redirect_uris: "Redirect URIs",
  logout_urls: "Logout URLs",
  web_origins: "Web origins",
  labels: "Labels",
};

/**
 * Where a linked app lives at the provider: compare the two (drift) and settle it either way,
 * or delete it there. Shown only for apps created or imported through a connector.
 */
export function RemotePanel({ app, environment, onDeleted }: Props) {
  const toast = useToast();
  const link = useQuery({ queryKey: ["remote-link", app.id, app.updated_at], queryFn: () => api.remoteLink(app.id) });
  const [drift, setDrift] = useState<FieldDrift[] | null>(null);
  const { busy, error, run } = useAction();
  const [deleting, setDeleting] = useState(false);
  const [revokeFirst, setRevokeFirst] = useState(true);
  const token = useTokenDetails(app.id);
  if (!link.data) return null;
  const remote = link.data;
  const holdsToken = Boolean(token.data?.status.token && !token.data.status.token.revoked_at);
  const canRevoke = holdsToken && Boolean(environment.endpoints.revocation_url);

  return (
    <section className="panel remote-panel" data-testid="remote-panel" aria-labelledby="remote-panel-title">
      <header className="panel-header">
        <h3 id="remote-panel-title">At the provider</h3>
        <div className="panel-actions">
          <button type="button" data-testid="remote-compare" disabled={busy !== null} onClick={() => void run("compare", () => api.remoteDrift(app.id), setDrift)}>
            {busy === "compare" ? "Comparing…" : "Compare"}
          </button>
          <button type="button" className="danger-text" data-testid="remote-delete" disabled={busy !== null} onClick={() => { setDeleting(true); }}>
            Delete at the provider…
          </button>
        </div>
      </header>
      <dl className="token-facts">
        <dt>Remote app</dt>
        <dd>
          <code data-testid="remote-id">{remote.remote_id}</code>
        </dd>
        <dt>Created</dt>
        <dd>
          {remote.create_time ? localDateTime(remote.create_time) : "—"}
          {remote.created_by && <span className="muted"> by {remote.created_by}</span>}
        </dd>
        <dt>Last synced</dt>
        <dd>{localDateTime(remote.synced_at)}</dd>
      </dl>
      {drift && drift.length === 0 && (
        <p className="hint-info" data-testid="remote-in-sync">
          Same here and at the provider.
        </p>
      )}
      {drift && drift.length > 0 && (
        <div data-testid="remote-drift">
          <table className="field-table">
            <thead>
              <tr>
                <th scope="col">Field</th>
                <th scope="col">Here</th>
                <th scope="col">At the provider</th>
              </tr>
            </thead>
            <tbody>
              {drift.map((d) => (
                <tr key={d.field}>
                  <th scope="row">{FIELD_LABEL[d.field] ?? d.field}</th>
                  <td>
                    <code className="multiline">{d.local || "—"}</code>
                  </td>
                  <td>
                    <code className="multiline">{d.remote || "—"}</code>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          <div className="remote-drift-actions">
            <button
              type="button"
              data-testid="remote-pull"
              disabled={busy !== null}
              onClick={() => void run("pull", () => api.pullRemote(app.id), () => { setDrift([]); toast("Took the provider’s fields", "success"); })}
            >
              Take the provider’s
            </button>
            <button
              type="button"
              className="primary"
              data-testid="remote-push"
              disabled={busy !== null}
              onClick={() => void run("push", () => api.pushRemote(app.id), () => { setDrift([]); toast("Sent these fields to the provider", "success"); })}
            >
              Send these to the provider
            </button>
          </div>
        </div>
      )}
      {error && (
        <Refusal testId="remote-error">{error.message}</Refusal>
      )}
      {deleting && (
        <ConfirmDialog
          title={`Delete “${app.display_name}” at the provider?`}
          confirmLabel="Delete at the provider"
          environment={environment}
          busy={busy === "delete"}
          onCancel={() => { setDeleting(false); }}
          onConfirm={() =>
            void run("delete", () => api.deleteRemoteApp(app.id, canRevoke && revokeFirst), (done) => {
              setDeleting(false);
              toast(`Deleted “${app.display_name}” at the provider${done.token_revoked ? ", its token revoked first" : ""}`, "success");
              onDeleted();
            })
          }
        >
          <p>
            The provider deletes the app and its client ID stops working. <strong>Tokens it already issued stay valid</strong> until they
            expire. The app and its secrets go from Authdeck only after the provider has deleted it.
          </p>
          <label className="checkbox" title={canRevoke ? undefined : holdsToken ? "The environment has no revocation endpoint" : "Authdeck holds no token for it"}>
            <input type="checkbox" data-testid="remote-revoke-first" checked={canRevoke && revokeFirst} disabled={!canRevoke} onChange={(e) => { setRevokeFirst(e.target.checked); }} />{" "}
            Revoke the token Authdeck holds for it first
          </label>
        </ConfirmDialog>
      )}
    </section>
  );
}

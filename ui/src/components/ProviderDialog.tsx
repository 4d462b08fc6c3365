import { useEffect, useState } from "react";
import type { ConnectorKind } from "../bindings/ConnectorKind";
import type { Environment } from "../bindings/Environment";
import type { RemoteApp } from "../bindings/RemoteApp";
import type { RemoteCreated } from "../bindings/RemoteCreated";
import { api, toIpcError } from "../api/client";
import { useApps } from "../api/queries";
import { localDateTime } from "../lib/time";
import { useAction } from "../lib/useAction";
import { CopyButton, useClipboard } from "./Clipboard";
import { Dialog } from "./Dialog";
import { Refusal } from "./Refusal";

interface Props {
  environment: Environment;
  onClose: () => void;
  /** Opens a local app (after creating or importing it). */
  onOpenApp: (appId: string) => void;
}

const KIND_LABEL: Record<ConnectorKind, string> = {
  oauth_apps: "REST “OAuth apps” API ({base}/v1/oauthApps)",
  registration: "Dynamic client registration (RFC 7591 / 7592)",
};

const lines = (text: string) =>
  text
    .split("\n")
    .map((line) => line.trim())
    .filter(Boolean);

interface Draft {
  display_name: string;
  description: string;
  redirect_uris: string;
  logout_urls: string;
  web_origins: string;
  labels: string;
  scopes: string;
}

const EMPTY: Draft = { display_name: "", description: "", redirect_uris: "", logout_urls: "", web_origins: "", labels: "", scopes: "" };

/**
 * An environment's provider connector: how Authdeck manages its apps at the provider, the apps
 * the provider lists (to import), and creating one there, whose secret goes straight from the
 * provider's answer into the keychain and is offered once for copying.
 */
export function ProviderDialog({ environment, onClose, onOpenApp }: Props) {
  const apps = useApps(environment.id);
  const { copyWith } = useClipboard();
  const [loaded, setLoaded] = useState(false);
  const [kind, setKind] = useState<ConnectorKind | "">("");
  const [baseUrl, setBaseUrl] = useState("");
  const [authApp, setAuthApp] = useState("");
  const [saved, setSaved] = useState<ConnectorKind | null>(null);
  const { busy, error, setError, run } = useAction();
  const [remote, setRemote] = useState<RemoteApp[] | null>(null);
  const [creating, setCreating] = useState(false);
  const [draft, setDraft] = useState<Draft>(EMPTY);
  const [created, setCreated] = useState<RemoteCreated | null>(null);

  useEffect(() => {
    void api
      .getConnector(environment.id)
      .then((connector) => {
        setKind(connector?.kind ?? "");
        setBaseUrl(connector?.base_url ?? "");
        setAuthApp(connector?.auth_app_id ?? "");
        setSaved(connector?.kind ?? null);
      })
      .catch((reason: unknown) => { setError(toIpcError(reason)); })
      .finally(() => { setLoaded(true); });
  }, [environment.id, setError]);

  const confidential = (apps.data ?? []).filter((app) => app.client_type === "confidential");
  const save = () =>
    run(
      "save",
      () =>
        api.setConnector(
          environment.id,
          kind === "" ? null : { environment_id: environment.id, kind, base_url: baseUrl, auth_app_id: authApp === "" ? null : authApp },
        ),
      (connector) => {
        setSaved(connector?.kind ?? null);
        setBaseUrl(connector?.base_url ?? "");
        setRemote(null);
      },
    );
  const create = () =>
    run(
      "create",
      () =>
        api.createRemoteApp(
          environment.id,
          {
            display_name: draft.display_name.trim(),
            description: draft.description.trim(),
            logo_uri: null,
            redirect_uris: lines(draft.redirect_uris),
            logout_urls: lines(draft.logout_urls),
            web_origins: lines(draft.web_origins),
            labels: lines(draft.labels.replaceAll(",", "\n")),
          },
          draft.scopes.split(/\s+/).filter(Boolean),
        ),
      (done) => {
        setCreated(done);
        setCreating(false);
        setDraft(EMPTY);
        setRemote(null);
      },
    );
  const field = (key: keyof Draft, label: string, hint: string, multi = false) => (
    <label className="field">
      <span className="field-label">
        {label} <span className="field-hint">{hint}</span>
      </span>
      {multi ? (
        <textarea data-testid={`remote-${key}`} rows={2} value={draft[key]} spellCheck={false} onChange={(e) => { setDraft({ ...draft, [key]: e.target.value }); }} />
      ) : (
        <input data-testid={`remote-${key}`} value={draft[key]} spellCheck={false} onChange={(e) => { setDraft({ ...draft, [key]: e.target.value }); }} />
      )}
    </label>
  );

  return (
    <Dialog title={`Apps at the provider — ${environment.name}`} testId="provider-dialog" onClose={onClose} wide production={environment.kind === "production"}>
      <div className="dialog-body provider-dialog">
        <section aria-labelledby="connector-title">
          <h3 id="connector-title">Connector</h3>
          <p className="muted">How Authdeck creates, reads and deletes this environment’s apps at the provider. Optional.</p>
          <div className="connector-form">
            <label className="field">
              <span className="field-label">Kind</span>
              <select data-testid="connector-kind" value={kind} disabled={!loaded} onChange={(e) => { setKind(e.target.value as ConnectorKind | ""); }}>
                <option value="">None</option>
                <option value="oauth_apps">{KIND_LABEL.oauth_apps}</option>
                <option value="registration">{KIND_LABEL.registration}</option>
              </select>
            </label>
            {kind !== "" && (
              <>
                <label className="field">
                  <span className="field-label">
                    {kind === "registration" ? "Registration endpoint" : "API base URL"}{" "}
                    <span className="field-hint">{kind === "registration" ? "https://id.example.com/register" : "https://api.example.com"}</span>
                  </span>
                  <input data-testid="connector-base-url" value={baseUrl} spellCheck={false} onChange={(e) => { setBaseUrl(e.target.value); }} />
                </label>
                <label className="field">
                  <span className="field-label">
                    Authenticate with{" "}
                    <span className="field-hint">
                      {kind === "registration" ? "an app whose token is the initial access token, if the provider wants one" : "the app whose client-credentials token may manage apps"}
                    </span>
                  </span>
                  <select data-testid="connector-auth-app" value={authApp} onChange={(e) => { setAuthApp(e.target.value); }}>
                    <option value="">{kind === "registration" ? "No token (open registration)" : "Choose an app…"}</option>
                    {confidential.map((app) => (
                      <option key={app.id} value={app.id}>
                        {app.display_name}
                      </option>
                    ))}
                  </select>
                </label>
              </>
            )}
            <button type="button" data-testid="connector-save" disabled={busy !== null || !loaded} onClick={() => void save()}>
              {busy === "save" ? "Saving…" : "Save connector"}
            </button>
          </div>
        </section>

        {error && (
          <Refusal testId="provider-error">{error.message}</Refusal>
        )}

        {created && (
          <div className="notice notice-success" data-testid="remote-created" role="status">
            <span>
              Created <strong>“{created.app.display_name}”</strong> at the provider (<code>{created.remote.remote_id}</code>, client ID{" "}
              <code>{created.app.client_id}</code>).{" "}
              {created.secret
                ? "The provider showed its secret once: it went straight into the keychain. Copy it now if another system needs it."
                : "The provider returned no secret."}
            </span>
            <span className="remote-created-actions">
              {created.secret && (
                <CopyButton
                  id={created.secret.id}
                  testId="remote-secret-copy"
                  label={`Copy the secret of “${created.app.display_name}”`}
                  onCopy={() => {
                    const secret = created.secret;
                    if (secret)
                      void copyWith({ id: secret.id, label: `Secret of “${created.app.display_name}”`, fingerprint: secret.fingerprint }, () =>
                        api.copySecret(secret.id),
                      );
                  }}
                />
              )}
              <button type="button" data-testid="remote-open-app" onClick={() => { onOpenApp(created.app.id); }}>
                Open the app
              </button>
            </span>
          </div>
        )}

        {saved && (
          <section aria-labelledby="remote-title">
            <div className="panel-header">
              <h3 id="remote-title">Apps at the provider</h3>
              <div className="panel-actions">
                {saved === "oauth_apps" && (
                  <button type="button" data-testid="remote-load" disabled={busy !== null} onClick={() => void run("load", () => api.listRemoteApps(environment.id), setRemote)}>
                    {busy === "load" ? "Loading…" : remote ? "Reload" : "Load the list"}
                  </button>
                )}
                <button type="button" className="primary" data-testid="remote-create-open" disabled={busy !== null} onClick={() => { setCreating(true); setCreated(null); }}>
                  + Create at the provider
                </button>
              </div>
            </div>
            {saved === "registration" && (
              <p className="muted">Dynamic client registration cannot list clients: Authdeck manages the ones it creates.</p>
            )}
            {remote && remote.length === 0 && <p className="muted">The provider lists no apps.</p>}
            {remote && remote.length > 0 && (
              <table className="field-table remote-table" data-testid="remote-list">
                <thead>
                  <tr>
                    <th scope="col">Name</th>
                    <th scope="col">Client ID</th>
                    <th scope="col">Created</th>
                    <th scope="col" aria-label="Action" />
                  </tr>
                </thead>
                <tbody>
                  {remote.map((app) => (
                    <tr key={app.remote_id} data-testid="remote-row">
                      <td>{app.fields.display_name}</td>
                      <td>
                        <code>{app.client_id}</code>
                      </td>
                      <td>{app.create_time ? localDateTime(app.create_time) : "—"}</td>
                      <td>
                        {app.local_app_id ? (
                          <button type="button" className="link-button" onClick={() => { if (app.local_app_id) onOpenApp(app.local_app_id); }}>
                            In Authdeck
                          </button>
                        ) : (
                          <button
                            type="button"
                            data-testid="remote-import"
                            disabled={busy !== null}
                            title="Add it to Authdeck, linked; paste its secret afterwards"
                            onClick={() =>
                              void run("import", () => api.importRemoteApp(environment.id, app.remote_id), (imported) => {
                                setRemote((list) => list?.map((r) => (r.remote_id === app.remote_id ? { ...r, local_app_id: imported.id } : r)) ?? null);
                              })
                            }
                          >
                            Import
                          </button>
                        )}
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            )}
          </section>
        )}

        {creating && (
          <section className="remote-create" aria-labelledby="remote-create-title" data-testid="remote-create">
            <h3 id="remote-create-title">Create an app at the provider</h3>
            {field("display_name", "Name", "as the provider shows it")}
            {field("description", "Description", "optional")}
            {field("redirect_uris", "Callback URLs", "one per line", true)}
            {field("logout_urls", "Logout URLs", "one per line", true)}
            {field("web_origins", "Web origins", "one per line", true)}
            {field("labels", "Labels", "key=value, comma separated")}
            {field("scopes", "Default scopes here", "space separated, for Authdeck's token requests")}
            <div className="dialog-footer-inline">
              <button type="button" onClick={() => { setCreating(false); }}>
                Cancel
              </button>
              <button type="button" className="primary" data-testid="remote-create-submit" disabled={busy !== null || draft.display_name.trim() === ""} onClick={() => void create()}>
                {busy === "create" ? "Creating…" : "Create"}
              </button>
            </div>
          </section>
        )}
      </div>
      <footer className="dialog-footer">
        <button type="button" data-testid="provider-close" onClick={onClose}>
          Close
        </button>
      </footer>
    </Dialog>
  );
}

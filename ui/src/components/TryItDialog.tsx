import { useState } from "react";
import type { ApiRequest } from "../bindings/ApiRequest";
import type { ApiResponse } from "../bindings/ApiResponse";
import type { ClientApp } from "../bindings/ClientApp";
import type { Environment } from "../bindings/Environment";
import { api, toIpcError } from "../api/client";
import { parseHeaders } from "../lib/tokens";
import { useFocusReturn } from "../lib/useFocusReturn";
import { useClipboard } from "./Clipboard";
import { ConfirmDialog } from "./ConfirmDialog";
import { Dialog } from "./Dialog";

interface Props {
  app: ClientApp;
  environment: Environment;
  /** The API base the current token's answer named (Salesforce's instance_url), if any. */
  tokenBase?: string | null;
  onClose: () => void;
}

const METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD"] as const;

/** GET and HEAD carry no body: what was typed for another method is not sent with them. */
export const takesBody = (method: string) => method !== "GET" && method !== "HEAD";

/** Builds the request the backend sends, or says what is wrong with what was typed. */
export function buildRequest(
  appId: string,
  form: { method: string; path: string; headers: string; body: string },
): { request: ApiRequest | null; error: string | null } {
  const parsed = parseHeaders(form.headers);
  if (parsed.error) return { request: null, error: parsed.error };
  const trimmed = form.path.trim();
  // the path is relative to the API base URL: "users/me" means "/users/me"
  const path = trimmed === "" ? "/" : trimmed.startsWith("/") ? trimmed : `/${trimmed}`;
  return {
    request: { app_id: appId, method: form.method, path, headers: parsed.headers, body: takesBody(form.method) ? form.body : "" },
    error: null,
  };
}

/** "Try it": one request to the environment's API with the app's token, and the answer. */
export function TryItDialog({ app, environment, tokenBase, onClose }: Props) {
  const base = tokenBase ?? environment.endpoints.api_base_url;
  const { copyWith } = useClipboard();
  const [method, setMethod] = useState<string>("GET");
  const [path, setPath] = useState("/");
  const [headers, setHeaders] = useState("Accept: application/json");
  const [body, setBody] = useState("");
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [response, setResponse] = useState<ApiResponse | null>(null);
  const [confirmWithToken, setConfirmWithToken] = useState(false);
  const rememberFocus = useFocusReturn(busy);

  const built = () => {
    const { request, error: problem } = buildRequest(app.id, { method, path, headers, body });
    setError(problem);
    return request;
  };
  const send = async () => {
    const request = built();
    if (!request || busy) return;
    rememberFocus();
    setBusy(true);
    setError(null);
    try {
      setResponse(await api.callApi(request));
    } catch (reason) {
      setError(toIpcError(reason).message);
      setResponse(null);
    } finally {
      setBusy(false);
    }
  };
  const copyCurl = async (withToken: boolean) => {
    const request = built();
    if (!request) return;
    await copyWith(
      {
        id: `curl:${app.id}`,
        label: withToken ? `curl command with the token of “${app.display_name}”` : "curl command (token as $TOKEN)",
        fingerprint: "",
      },
      () => api.copyCurl(request, withToken),
    );
  };

  return (
    <Dialog title={`Try it — ${app.display_name}`} subtitle="Send one request to the API with this app’s token." testId="try-it" wide onClose={onClose}>
      <div className="dialog-body">
      {!base ? (
        <p className="notice" data-testid="try-no-base">
          “{environment.name}” has no API base URL yet. Add it in the environment’s settings (Edit in the top bar); paths here
          are relative to it.
        </p>
      ) : (
        <form
          className="try-form"
          onSubmit={(event) => {
            event.preventDefault();
            void send();
          }}
          onKeyDown={(event) => {
            // Ctrl+Enter (⌘+Enter) sends from the text areas too
            if (event.key === "Enter" && (event.ctrlKey || event.metaKey) && !busy) {
              event.preventDefault();
              void send();
            }
          }}
        >
          <div className="try-line">
            <select data-testid="try-method" aria-label="Method" value={method} onChange={(event) => { setMethod(event.target.value); }}>
              {METHODS.map((name) => (
                <option key={name} value={name}>
                  {name}
                </option>
              ))}
            </select>
            <div className="try-url">
              <span className="try-base" title={tokenBase ? `The API base the token’s answer named: ${base}` : `The environment’s API base URL: ${base}`}>{base.replace(/\/$/, "")}</span>
              <input
                data-testid="try-path"
                aria-label={`Path under ${base}`}
                value={path}
                spellCheck={false}
                autoComplete="off"
                onChange={(event) => { setPath(event.target.value); }}
              />
            </div>
            <button type="submit" className="primary" data-testid="try-send" disabled={busy} aria-busy={busy} title="Send (Ctrl+Enter)">
              {busy ? "Sending…" : "Send"}
            </button>
          </div>
          <label className="field">
            <span className="field-label">Headers (one “Name: value” per line; Authorization is added)</span>
            <textarea data-testid="try-headers" rows={3} spellCheck={false} value={headers} onChange={(event) => { setHeaders(event.target.value); }} />
          </label>
          {takesBody(method) && (
            <label className="field">
              <span className="field-label">Body</span>
              <textarea data-testid="try-body" rows={4} spellCheck={false} value={body} onChange={(event) => { setBody(event.target.value); }} />
            </label>
          )}
          <div className="try-copy">
            <button type="button" data-testid="try-copy-curl" onClick={() => void copyCurl(false)}>
              Copy as curl
            </button>
            <button type="button" className="ghost" data-testid="try-copy-curl-with-token" onClick={() => { setConfirmWithToken(true); }}>
              Copy as curl with the token
            </button>
          </div>
        </form>
      )}
      {error && (
        <p className="action-error" data-testid="action-error" role="alert">
          {error}
        </p>
      )}
      {response && (
        <div className="try-response" aria-live="polite">
          <h3 className="try-response-title">Response</h3>
          <p>
            <strong className={response.status < 400 ? "status-ok" : "status-bad"} data-testid="try-status">
              {response.status} {response.reason}
            </strong>{" "}
            <span className="muted" data-testid="try-time">
              {response.elapsed_ms} ms
            </span>{" "}
            <code className="muted">{response.url}</code>
          </p>
          <details>
            <summary>Headers ({response.headers.length})</summary>
            <table className="field-table" data-testid="try-headers-result">
              <tbody>
                {response.headers.map((header, index) => (
                  <tr key={`${header.name}-${String(index)}`}>
                    <th scope="row">{header.name}</th>
                    <td>
                      <code>{header.value}</code>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </details>
          <pre className="try-body-result" data-testid="try-body-result">
            {response.body || "(empty body)"}
          </pre>
        </div>
      )}
      {confirmWithToken && (
        <ConfirmDialog
          title="Copy the command with the token in it?"
          confirmLabel="Copy with the token"
          environment={environment}
          onCancel={() => { setConfirmWithToken(false); }}
          onConfirm={() => {
            setConfirmWithToken(false);
            void copyCurl(true);
          }}
        >
          <p>
            Anyone who sees the command can use the token until it expires. It is cleared from the clipboard like a
            secret; do not paste it into chats or tickets.
          </p>
        </ConfirmDialog>
      )}
      </div>
    </Dialog>
  );
}

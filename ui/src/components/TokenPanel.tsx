import { useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import type { ClientApp } from "../bindings/ClientApp";
import type { Environment } from "../bindings/Environment";
import type { Field } from "../bindings/Field";
import type { Introspection } from "../bindings/Introspection";
import type { TokenInfo } from "../bindings/TokenInfo";
import type { TokenMeta } from "../bindings/TokenMeta";
import type { TokenStatus } from "../bindings/TokenStatus";
import { api, toIpcError } from "../api/client";
import { keys, useAppBinding, useSecrets, useTeam, useTeamPermissions, useTokenDetails } from "../api/queries";
import { newestActive, policyRefusals } from "../lib/vault";
import { cnfJkt, cnfX5t, tokenBinding, type TokenBinding } from "../lib/binding";
import { actingParties, tokenTypeName } from "../lib/exchange";
import { presentationOf, WHAT_TO_DO } from "../lib/errors";
import { NO_ENDING, ending } from "../lib/ending";
import type { AppRequest } from "../lib/palette";
import { usePaletteRequest } from "../lib/usePaletteRequest";
import { useFocusReturn } from "../lib/useFocusReturn";
import { localDateTime } from "../lib/time";
import { STATE_LABEL, countdown, duration, expiredAgo, liveState, parseScopes, useNow } from "../lib/tokens";
import { CertBindingFact } from "./CertBindingFact";
import { CopyButton, useClipboard } from "./Clipboard";
import { ConfirmDialog } from "./ConfirmDialog";
import { LoginDialog, type LoginMode } from "./LoginDialog";
import { Icon } from "./Icon";
import { useReportError } from "./Problems";
import { useToast } from "./Toasts";
import { ExchangeDialog, type ExchangeForm } from "./ExchangeDialog";
import { TryItDialog } from "./TryItDialog";

interface Props {
  app: ClientApp;
  environment: Environment;
  /** An action asked for from the command palette, run here once the token's state is known. */
  request?: AppRequest | null;
  /** The request was taken (run, or refused with its reason). */
  onRequestTaken?: (serial: number) => void;
}

const NO_TOKEN = "There is no token yet; get one first.";
/** The palette's actions this panel runs. */
type PanelAction = "get-token" | "copy-token" | "sign-in" | "introspect" | "revoke";
const PANEL_ACTIONS: readonly PanelAction[] = ["get-token", "copy-token", "sign-in", "introspect", "revoke"];

type Action = "get" | "introspect" | "info" | "revoke" | "forget" | "renew-toggle";

/** What the inline error names as the action that failed. */
const ACTION_LABEL: Record<Action, string> = {
  get: "Token request",
  introspect: "Introspection",
  info: "Token info",
  revoke: "Revocation",
  forget: "Forget",
  "renew-toggle": "Automatic renewal",
};
const SOURCE_LABEL: Record<TokenMeta["source"], string> = {
  client_credentials: "Client credentials",
  authorization_code: "Browser sign-in",
  device_code: "Device sign-in",
  token_exchange: "Token exchange",
};
type Result = { kind: "introspection"; value: Introspection } | { kind: "info"; value: TokenInfo } | null;

/** The state badge of a token, live with the clock. */
export function TokenStateBadge({ status, now, testId }: { status: TokenStatus; now: number; testId?: string }) {
  const { state } = liveState(status, now);
  return (
    <span className={`token-badge token-${state}`} data-testid={testId} data-state={state}>
      {STATE_LABEL[state]}
    </span>
  );
}

/** Time left in words for a status at `now`: "59:58 left", "expired 3 min ago", "no expiry". */
export function timeLeft(status: TokenStatus, now: number): string {
  const { state, secondsLeft } = liveState(status, now);
  if (state === "none") return "—";
  if (state === "revoked") return "revoked";
  if (state === "sign_in_ended") return "sign-in ended";
  if (secondsLeft === null) return "no expiry given";
  return secondsLeft > 0 ? `${countdown(secondsLeft)} left` : expiredAgo(secondsLeft);
}

/** A provider's JSON fields as a name/value table (times get a readable note). */
export function FieldTable({ fields, testId }: { fields: readonly Field[]; testId?: string }) {
  if (fields.length === 0) return <p className="muted">No fields.</p>;
  return (
    <table className="field-table" data-testid={testId}>
      <tbody>
        {fields.map((field) => (
          <tr key={field.name}>
            <th scope="row">{field.name}</th>
            <td>
              <code>{field.value}</code>
              {field.note && <span className="muted field-note"> {localDateTime(field.note)}</span>}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** "a", "a or b", "a, b or c". */
function listWords(words: readonly string[], last: "and" | "or"): string {
  if (words.length <= 1) return words.join("");
  return `${words.slice(0, -1).join(", ")} ${last} ${words[words.length - 1] ?? ""}`;
}

function Scopes({ scopes, testId, tone }: { scopes: readonly string[]; testId: string; tone?: "warn" | "extra" }) {
  return (
    <span className="scope-list" data-testid={testId}>
      {scopes.map((scope) => (
        <span key={scope} className={tone ? `scope-chip scope-${tone}` : "scope-chip"}>
          {scope}
        </span>
      ))}
    </span>
  );
}

/** The token's sender binding, as a row of its facts; nothing for a Bearer token of an unbound app. */
function BindingFact({ binding }: { binding: TokenBinding }) {
  if (binding.kind === "none") return null;
  return (
    <>
      <dt>Binding</dt>
      <dd data-testid="token-binding" data-binding={binding.kind}>
        {binding.kind === "this_key" || binding.kind === "other_key" ? (
          <>
            <code className="fingerprint token-binding-jkt" title="cnf.jkt: the thumbprint of the key the token is bound to">
              {binding.jkt}
            </code>{" "}
            {binding.kind === "this_key" ? (
              <span className="binding-match">bound to this app’s key</span>
            ) : (
              <span className="hint-warning">
                <Icon name="warning" size={13} /> bound to another key
                {binding.appJkt ? " than this app’s" : " — this app has no DPoP key"}: requests with this app’s proofs fail
              </span>
            )}
          </>
        ) : binding.kind === "unseen" ? (
          <span className="muted">DPoP-bound; introspect it to see the key (cnf.jkt)</span>
        ) : (
          <span className="muted">not bound (Bearer, issued before DPoP was turned on) — the next token will be</span>
        )}
      </dd>
    </>
  );
}

/**
 * An app's access token: its state with a live countdown, what it carries, and what the provider
 * says of it. Getting, introspecting, token info, revoking and copying are one click each.
 */
export function TokenPanel({ app, environment, request, onRequestTaken }: Props) {
  const details = useTokenDetails(app.id);
  const appBinding = useAppBinding(app.id);
  const client = useQueryClient();
  const now = useNow();
  const toast = useToast();
  const report = useReportError();
  const { copyWith } = useClipboard();
  const [scopesText, setScopesText] = useState(app.default_scopes.join(" "));
  const [busy, setBusy] = useState<Action | null>(null);
  const [error, setError] = useState<{ action: Action; message: string; signIn?: boolean; vaultSignIn?: boolean } | null>(
    null,
  );
  const [result, setResult] = useState<Result>(null);
  const [confirmRevoke, setConfirmRevoke] = useState(false);
  const [trying, setTrying] = useState(false);
  // the exchange dialog, open with the fields of this panel's last exchange
  const [exchanging, setExchanging] = useState(false);
  const [lastExchange, setLastExchange] = useState<Partial<ExchangeForm>>({});
  const [login, setLogin] = useState<LoginMode | null>(null);
  const rememberFocus = useFocusReturn(busy !== null);
  const endpoints = environment.endpoints;
  const production = environment.kind === "production";

  /** Runs an action; provider and network errors are shown in the panel, others by their kind. */
  const run = async <T,>(action: Action, work: () => Promise<T>, done?: (value: T) => void) => {
    rememberFocus();
    setBusy(action);
    setError(null);
    try {
      const value = await work();
      // the panel shows the new state even where no store event follows
      await client.invalidateQueries({ queryKey: keys.token(app.id) });
      done?.(value);
    } catch (reason) {
      const failure = toIpcError(reason);
      // the window's vault banner (its sign-in) need not wait for the next look at the vault
      if (failure.code === "vault_sign_in_required") void client.invalidateQueries({ queryKey: keys.vault(environment.id) });
      if (presentationOf(failure.code) === "notice" || failure.code === "validation")
        setError({
          action,
          message: failure.message,
          signIn: failure.code === "login_required",
          vaultSignIn: failure.code === "vault_sign_in_required",
        });
      else report(failure);
    } finally {
      setBusy(null);
    }
  };

  const status = details.data?.status ?? null;
  const token = status?.token ?? null;
  const live = status ? liveState(status, now) : null;
  const missing = status?.scopes_missing ?? [];
  const added = status?.scopes_added ?? [];
  const confidential = app.client_type === "confidential";
  const refreshes = token?.has_refresh_token ?? false;
  // an exchanged token stands for its subject's rights: only another exchange replaces it
  const exchanged = token?.source === "token_exchange";
  const getLabel = exchanged ? "Exchange again" : refreshes ? "Refresh now" : token ? "Get new token" : "Get token";
  const canGet = Boolean(endpoints.token_url) && (confidential || refreshes);
  const loopback = app.redirect_uris.some((uri) => /^http:\/\/(127\.0\.0\.1|localhost)(:\d+)?(\/|$)/.test(uri));
  const browserBlocked = !endpoints.authorization_url
    ? "Add an authorization endpoint to the environment first"
    : !endpoints.token_url
      ? "Add a token endpoint to the environment first"
      : !loopback
        ? "Add a loopback redirect URI such as http://127.0.0.1/callback to the app first"
        : null;
  const deviceBlocked = !endpoints.device_authorization_url
    ? "Add a device authorization endpoint to the environment first"
    : !endpoints.token_url
      ? "Add a token endpoint to the environment first"
      : null;
  const requested = parseScopes(scopesText);
  const defaults = app.default_scopes.join(" ");
  const autoRenew = status?.auto_renew ?? app.auto_renew;
  // an introspection on show speaks for the token now; else the JWT's own claims
  // a delegated token names who acts for its subject (RFC 8693 §4.1)
  const acting = actingParties(details.data?.jwt?.claims);
  const shownJkt = cnfJkt(result?.kind === "introspection" ? result.value.fields : undefined) ?? cnfJkt(details.data?.jwt?.claims);
  // the same for an mTLS-bound token's certificate (cnf.x5t#S256)
  const certFields =
    result?.kind === "introspection" && cnfX5t(result.value.fields) !== null ? result.value.fields : details.data?.jwt?.claims;
  const binding = token ? tokenBinding(token.token_type, shownJkt, appBinding.data) : null;
  // what the environment lacks for each action, said on the button and under the actions
  const lacking = [
    { endpoint: "introspection", action: "Introspect", present: endpoints.introspection_url },
    { endpoint: "token info", action: "Token info", present: endpoints.token_info_url },
    { endpoint: "revocation", action: "Revoke", present: endpoints.revocation_url },
  ].filter((need) => !need.present);

  const exchangeAgain = () => {
    setExchanging(true);
  };
  const exchangedNow = (got: TokenStatus, form: ExchangeForm) => {
    setExchanging(false);
    setLastExchange(form);
    setError(null);
    setResult(null);
    toast(`Exchanged a token for “${app.display_name}”: ${timeLeft(got, Date.now())}`, "success");
  };
  const getToken = async () => {
    if (exchanged) {
      exchangeAgain();
      return;
    }
    await run(
      "get",
      () => api.getToken(app.id, { scopes: requested }),
      (got) => {
        setResult(null);
        toast(`${refreshes ? "Refreshed the token" : "New token"} for “${app.display_name}”: ${timeLeft(got, Date.now())}`, "success");
      },
    );
  };
  const signedIn = (got: TokenStatus) => {
    setLogin(null);
    setError(null);
    setResult(null);
    toast(`Signed in to “${app.display_name}”: ${timeLeft(got, Date.now())}`, "success");
  };
  const copyToken = () => {
    if (!token) return;
    void copyWith({ id: `token:${app.id}`, label: `Access token of “${app.display_name}”`, fingerprint: token.fingerprint }, () => api.copyToken(app.id));
  };
  const introspect = () => void run("introspect", () => api.introspectToken(app.id), (value) => { setResult({ kind: "introspection", value }); });
  // a confidential app of a team environment needs to read its secret from the vault
  const shared = useTeam(environment.id).data != null;
  // the secret a token is minted with: the newest active one, as core picks it
  const minting = newestActive(useSecrets(shared ? app.id : null).data ?? []);
  const vaultRefusals = policyRefusals(useTeamPermissions(environment.id, shared).data, minting ? [minting.id] : []);
  /** Why each action cannot run now, in its button's words; null when it can. */
  const refusals: Record<PanelAction, string | null> = {
    "get-token": !endpoints.token_url
      ? "Add a token endpoint to the environment first"
      : !canGet
        ? "A public client gets its tokens by signing a user in"
        : confidential
          ? vaultRefusals.read
          : null,
    "copy-token": !token
      ? NO_TOKEN
      : token.sign_in_ended_at
        ? "The sign-in has ended: this token is not handed out. Sign in again."
        : token.revoked_at
          ? "This token was revoked at the provider: get a new one to copy it."
          : null,
    "sign-in": browserBlocked,
    introspect: !token ? NO_TOKEN : endpoints.introspection_url ? null : "Add an introspection endpoint to the environment first",
    revoke: !token
      ? NO_TOKEN
      : !endpoints.revocation_url
        ? "Add a revocation endpoint to the environment first"
        : token.revoked_at
          ? "Already revoked"
          : null,
  };
  // the same handlers as the buttons below; revoking still asks first
  const perform: Record<PanelAction, () => void> = {
    "get-token": () => void getToken(),
    "copy-token": copyToken,
    "sign-in": () => { setLogin("browser"); },
    introspect,
    revoke: () => { setConfirmRevoke(true); },
  };
  usePaletteRequest({
    appId: app.id,
    appName: app.display_name,
    actions: PANEL_ACTIONS,
    request,
    onRequestTaken,
    ready: status !== null,
    refusal: (action) => (busy !== null ? "another action is still running" : refusals[action]),
    perform,
  });

  return (
    <section className="panel token-panel" data-testid="token-panel" aria-labelledby="token-title" aria-busy={busy !== null}>
      <header className="panel-header">
        <h3 id="token-title">
          Access token{" "}
          {status ? (
            <TokenStateBadge status={status} now={now} testId="token-state" />
          ) : (
            <span className="token-badge token-none" aria-label="Loading">
              …
            </span>
          )}
        </h3>
        <div className="panel-actions">
          <button
            type="button"
            data-testid="token-exchange-open"
            disabled={busy !== null || !endpoints.token_url}
            onClick={exchangeAgain}
            title={endpoints.token_url ? "Trade another app's access token for a token of this app (RFC 8693)" : "Add a token endpoint to the environment first"}
          >
            Exchange…
          </button>
          <button type="button" data-testid="try-it-open" onClick={() => { setTrying(true); }} title="Send a request to the API with this app's token">
            Try it
          </button>
        </div>
      </header>

      {details.isError && <p className="action-error" data-testid="action-error">{toIpcError(details.error).message}</p>}

      {token && live && (
        <div className="token-summary">
          <div className={`token-clock token-${live.state}`}>
            <span className="token-countdown" data-testid="token-countdown" aria-live="off">
              {live.state === "revoked"
                ? "revoked"
                : live.state === "sign_in_ended"
                  ? "sign-in ended"
                  : live.secondsLeft === null
                    ? "no expiry"
                    : live.secondsLeft > 0
                      ? countdown(live.secondsLeft)
                      : expiredAgo(live.secondsLeft)}
            </span>
            <span className="muted">
              {token.expires_at ? (
                <>
                  {live.state === "revoked" || live.state === "sign_in_ended"
                    ? "would have expired"
                    : live.secondsLeft !== null && live.secondsLeft <= 0
                      ? "expired"
                      : "expires"}{" "}
                  <time data-testid="token-expires-at" dateTime={token.expires_at}>{localDateTime(token.expires_at)}</time>
                </>
              ) : (
                "the provider gave no expiry"
              )}
            </span>
            {live.state === "expiring_soon" && (
              <span className="token-clock-note">
                {exchanged
                  ? "not renewed by itself: exchange again"
                  : autoRenew && !token.renew_error && !status?.renewal_paused
                    ? "renewal due: Authdeck renews it now"
                    : "inside the renewal window"}
              </span>
            )}
          </div>
          <dl className="token-facts">
            <dt>Type</dt>
            <dd data-testid="token-type">{token.token_type}{token.is_jwt ? " · JWT" : " · opaque"}</dd>
            {binding && <BindingFact binding={binding} />}
            <CertBindingFact appId={app.id} fields={certFields} />
            <dt>From</dt>
            <dd data-testid="token-source">{SOURCE_LABEL[token.source]}</dd>
            {token.issued_token_type && (
              <>
                <dt>Issued as</dt>
                <dd data-testid="token-issued-type">
                  {tokenTypeName(token.issued_token_type)} <code className="muted">{token.issued_token_type}</code>
                </dd>
              </>
            )}
            {acting && (
              <>
                <dt>Acting party</dt>
                <dd data-testid="token-act" title="The JWT's act claim (RFC 8693 §4.1): who acts for the token's subject">
                  <code>{acting[0]}</code>
                  {acting.length > 1 && <span className="muted"> · for {acting.slice(1).map((party) => `“${party}”`).join(", then ")}</span>}
                  <span className="muted"> · act claim</span>
                </dd>
              </>
            )}
            {token.source !== "client_credentials" && (
              <>
                <dt>Refresh token</dt>
                <dd data-testid="token-refresh">
                  {token.has_refresh_token ? (
                    <>
                      held in the keychain
                      {token.refresh_expires_at ? (
                        <>
                          {" "}· ends <time dateTime={token.refresh_expires_at}>{localDateTime(token.refresh_expires_at)}</time>
                        </>
                      ) : (
                        <span className="muted"> · the provider gave no end</span>
                      )}
                    </>
                  ) : token.sign_in_ended_at ? (
                    <span className="muted">none — the provider ended the sign-in</span>
                  ) : exchanged ? (
                    <span className="muted">none — not renewed by itself: exchange again when it expires</span>
                  ) : (
                    <span className="muted">none — sign in again when this token expires</span>
                  )}
                </dd>
              </>
            )}
            <dt>Issued</dt>
            <dd>
              <time data-testid="token-issued-at" dateTime={token.issued_at}>{localDateTime(token.issued_at)}</time>
            </dd>
            {token.api_base_url && (
              <>
                <dt>API base</dt>
                <dd>
                  <code data-testid="token-api-base" title="The API base the provider named for this token (instance_url); “Try it” sends requests there">
                    {token.api_base_url}
                  </code>
                </dd>
              </>
            )}
            <dt>Value</dt>
            <dd>
              <code
                className="fingerprint"
                data-testid="token-fingerprint"
                title={token.fingerprint ? "The last four characters; the value stays in the keychain" : NO_ENDING}
              >
                {ending(token.fingerprint)}
              </code>{" "}
              <span className="muted">in the keychain</span>
            </dd>
            <dt>Scopes</dt>
            <dd>
              {(token.granted_scopes ?? token.requested_scopes).length === 0 && token.granted_scopes !== null ? (
                <span className="muted" data-testid="token-scopes-granted">none granted</span>
              ) : (
                <Scopes scopes={token.granted_scopes ?? token.requested_scopes} testId="token-scopes-granted" />
              )}
              {token.granted_scopes === null && (
                <span className="muted" title="The provider's answer named no scope, which means the requested ones (RFC 6749 §5.1)">
                  {" "}as requested
                </span>
              )}
            </dd>
            {token.revoked_at && (
              <>
                <dt>Revoked</dt>
                <dd>{localDateTime(token.revoked_at)}</dd>
              </>
            )}
          </dl>
          {missing.length > 0 && (
            <p className="hint-warning">
              <Icon name="warning" size={13} /> Requested but not granted: <Scopes scopes={missing} testId="token-scopes-missing" tone="warn" />
            </p>
          )}
          {added.length > 0 && (
            <p className="hint-info">
              Granted without being requested: <Scopes scopes={added} testId="token-scopes-added" tone="extra" />
            </p>
          )}
        </div>
      )}

      {status && !token && (
        <p className="muted token-empty">
          {confidential
            ? "No token yet. Get one with the app’s active secret and the scopes below, or sign a user in."
            : "No token yet. A public client gets its tokens by signing a user in: with the browser (authorization code with PKCE) or on another device."}
        </p>
      )}

      {status?.renewal_paused && (
        <div className="notice notice-refusal" data-testid="token-renewal-paused" role="alert">
          <Icon name="warning" />
          <span>
            Automatic renewal paused: an import changed where “{environment.name}” sends secrets and tokens (token endpoint:{" "}
            <code>{endpoints.token_url ?? "none"}</code>). Get a token by hand to resume.
          </span>
        </div>
      )}

      {token?.renew_error && (
        <div className="notice notice-refusal" data-testid="token-renew-error" role="alert">
          <Icon name="warning" />
          <span>
            Automatic renewal stopped: {token.renew_error}
            {/* an ended sign-in's message already says to sign in again, and the button does it */}
            {token.sign_in_ended_at
              ? null
              : token.source === "client_credentials" || token.has_refresh_token
                ? " “Get new token” tries again and resumes automatic renewal."
                : " Sign in again to get new tokens."}
          </span>
          {token.sign_in_ended_at && browserBlocked === null && (
            <button type="button" className="primary" data-testid="token-ended-sign-in" onClick={() => { setLogin("browser"); }}>
              Sign in again
            </button>
          )}
        </div>
      )}

      {!endpoints.token_url && (
        <p className="notice" role="note">
          <span>
            “{environment.name}” has no token endpoint yet. Add it with <strong>Edit</strong> in the top bar (or fill it from
            the issuer there), then get a token.
          </span>
        </p>
      )}

      <div className="token-get">
        <label className="token-scopes">
          <span className="field-label">
            Scopes for this request{" "}
            <span className="field-hint">
              space separated{defaults ? ` · the app’s defaults: ${defaults}` : " · the app has no default scopes"}
            </span>
          </span>
          <input
            data-testid="token-scopes-input"
            value={scopesText}
            placeholder="none (the provider's default)"
            spellCheck={false}
            autoComplete="off"
            onChange={(event) => { setScopesText(event.target.value); }}
            onKeyDown={(event) => {
              if (event.key === "Enter" && busy === null && canGet) void getToken();
            }}
          />
        </label>
        {requested.join(" ") !== defaults && (
          <button type="button" className="link-button token-scopes-reset" onClick={() => { setScopesText(defaults); }}>
            Reset to defaults
          </button>
        )}
        {(confidential || refreshes) && (
          <button
            type="button"
            className="primary"
            data-testid="token-get"
            disabled={busy !== null || refusals["get-token"] !== null}
            aria-busy={busy === "get"}
            title={
              refusals["get-token"] ??
              (exchanged
                ? "An exchanged token is not renewed by itself: exchange a token again"
                : refreshes
                  ? "Use the refresh token for a new access token (it rotates)"
                  : "Ask the token endpoint for a new token (client credentials)")
            }
            onClick={() => void getToken()}
          >
            <Icon name="key" size={14} /> {busy === "get" ? "Requesting…" : getLabel}
          </button>
        )}
        {/* A client-credentials app shows sign-in only where its environment offers it; a public
            client always does (it is its only way), disabled with the reason. */}
        {(!confidential || endpoints.authorization_url) && (
          <button
            type="button"
            className={confidential || refreshes ? undefined : "primary"}
            data-testid="login-browser"
            disabled={busy !== null || refusals["sign-in"] !== null}
            title={refusals["sign-in"] ?? "Sign a user in through the system browser (authorization code with PKCE)"}
            onClick={perform["sign-in"]}
          >
            Sign in with browser
          </button>
        )}
        {(!confidential || endpoints.device_authorization_url) && (
          <button
            type="button"
            data-testid="login-device"
            disabled={busy !== null || deviceBlocked !== null}
            title={deviceBlocked ?? "Sign in on another device with a code (device authorization)"}
            onClick={() => { setLogin("device"); }}
          >
            On another device
          </button>
        )}
      </div>

      <div className="token-actions" role="group" aria-label="Token actions">
        {token && (
          <>
            <CopyButton
              id={`token:${app.id}`}
              testId="token-copy"
              label={`Copy the access token of “${app.display_name}” to the clipboard`}
              refused={refusals["copy-token"] ?? undefined}
              onCopy={copyToken}
            />
            <button
              type="button"
              data-testid="token-introspect"
              disabled={busy !== null || refusals.introspect !== null}
              aria-busy={busy === "introspect"}
              title={refusals.introspect ?? "Ask the provider whether the token is active (RFC 7662)"}
              onClick={introspect}
            >
              {busy === "introspect" ? "Asking…" : "Introspect"}
            </button>
            <button
              type="button"
              data-testid="token-info"
              disabled={busy !== null || !endpoints.token_info_url}
              aria-busy={busy === "info"}
              title={endpoints.token_info_url ? "Ask the provider's token info endpoint" : "Add a token info endpoint to the environment first"}
              onClick={() => void run("info", () => api.tokenInfo(app.id), (value) => { setResult({ kind: "info", value }); })}
            >
              {busy === "info" ? "Asking…" : "Token info"}
            </button>
            <button
              type="button"
              className="danger-text"
              data-testid="token-revoke"
              disabled={busy !== null || refusals.revoke !== null}
              aria-busy={busy === "revoke"}
              title={refusals.revoke ?? "Revoke the token at the provider (RFC 7009)"}
              onClick={perform.revoke}
            >
              {busy === "revoke" ? "Revoking…" : "Revoke"}
            </button>
            <button
              type="button"
              className="ghost"
              data-testid="token-forget"
              disabled={busy !== null}
              title="Remove the token from this computer; nothing is sent to the provider"
              onClick={() => void run("forget", () => api.forgetToken(app.id), () => { setResult(null); toast("Token removed from this computer", "success"); })}
            >
              Forget
            </button>
          </>
        )}
        <label className="token-renew" title="Renew the token shortly before it expires while Authdeck runs">
          <input
            type="checkbox"
            data-testid="token-auto-renew"
            checked={autoRenew}
            disabled={busy !== null}
            onChange={(event) => {
              const on = event.target.checked;
              void run("renew-toggle", () => api.setAutoRenew(app.id, on));
            }}
          />{" "}
          Renew automatically before expiry
        </label>
      </div>
      {token && lacking.length > 0 && (
        <p className="field-hint token-lacking">
          “{environment.name}” has no {listWords(lacking.map((need) => need.endpoint), "or")} endpoint, so{" "}
          {listWords(lacking.map((need) => need.action), "and")} {lacking.length === 1 ? "is" : "are"} off. Add{" "}
          {lacking.length === 1 ? "it" : "them"} with Edit in the top bar.
        </p>
      )}

      {/* a refusal because the sign-in ended is the renewal notice's above, with its button */}
      {error && !(error.signIn && token?.sign_in_ended_at) && (
        <div className="notice notice-refusal" data-testid="token-error" role="alert">
          <Icon name="warning" />
          <span className="action-error">
            <strong>{ACTION_LABEL[error.action]} failed.</strong> {error.message}
            {error.vaultSignIn && <span data-testid="token-vault-sign-in"> {WHAT_TO_DO.vault_sign_in_required}</span>}
          </span>
          {error.signIn && browserBlocked === null && (
            <button type="button" className="primary" data-testid="token-sign-in-again" onClick={() => { setLogin("browser"); }}>
              Sign in again
            </button>
          )}
          <button type="button" className="link-button" onClick={() => { setError(null); }}>Dismiss</button>
        </div>
      )}

      {result && (
        <div className="token-result" data-testid="token-result">
          <div className="token-result-head">
            {result.kind === "introspection" ? (
              <p>
                <strong>Introspection</strong>{" "}
                <strong className={result.value.active ? "introspection-active" : "introspection-inactive"} data-testid="introspection-active">
                  {result.value.active ? "Active" : "Inactive"}
                </strong>{" "}
                <span className="muted">· checked {localDateTime(result.value.checked_at)}</span>
              </p>
            ) : (
              <p>
                <strong>Token info</strong> <span className="muted">· checked {localDateTime(result.value.checked_at)}</span>
              </p>
            )}
            <button type="button" className="link-button" onClick={() => { setResult(null); }} aria-label="Close the result">
              Close
            </button>
          </div>
          {result.kind === "introspection" ? (
            <FieldTable fields={result.value.fields} />
          ) : (
            <div data-testid="token-info-result">
              <dl className="token-facts">
                <dt>Application</dt>
                <dd>{result.value.application_uid ?? "—"}</dd>
                <dt>Resource owner</dt>
                <dd>{result.value.resource_owner_id ?? "none (a client token)"}</dd>
                <dt>Scopes</dt>
                <dd>{result.value.scopes.join(" ") || "—"}</dd>
                <dt>Expires in</dt>
                <dd>{result.value.expires_in_seconds === null ? "—" : duration(result.value.expires_in_seconds)}</dd>
                <dt>Created</dt>
                <dd>{result.value.created_at ? localDateTime(result.value.created_at) : "—"}</dd>
              </dl>
              <h4>Everything it sent</h4>
              <FieldTable fields={result.value.fields} />
            </div>
          )}
        </div>
      )}

      {details.data?.id_claims && (
        <details className="token-jwt" data-testid="token-id-claims" open>
          <summary>
            ID token <span className="verified-badge">Verified</span>
          </summary>
          <p className="muted">Checked when it arrived: signed by the issuer’s keys, issued by it, for this client, not expired, with this sign-in’s nonce.</p>
          <FieldTable fields={details.data.id_claims} />
        </details>
      )}

      {details.data?.jwt && (
        <details className="token-jwt" data-testid="token-jwt" open>
          <summary>
            JWT, decoded <span className="unverified-badge">Unverified</span>
          </summary>
          <p className="muted">Decoded for reading only: the signature was not checked, so do not trust these claims.</p>
          <div className="jwt-parts">
            <div>
              <h4>Header</h4>
              <FieldTable fields={details.data.jwt.header} />
            </div>
            <div>
              <h4>Claims</h4>
              <FieldTable fields={details.data.jwt.claims} />
            </div>
          </div>
        </details>
      )}

      {confirmRevoke && (
        <ConfirmDialog
          title={`Revoke the token of “${app.display_name}”?`}
          confirmLabel="Revoke at the provider"
          environment={environment}
          busy={busy === "revoke"}
          onCancel={() => { setConfirmRevoke(false); }}
          onConfirm={() => {
            setConfirmRevoke(false);
            void run("revoke", () => api.revokeToken(app.id), () => {
              setResult(null);
              toast(`Revoked the token of “${app.display_name}”`, "success");
            });
          }}
        >
          <p>
            The provider stops accepting this token at once{production ? " — in production, anything using it now fails" : ""}. The app
            and its secrets are not affected; you can get a new token afterwards.
          </p>
        </ConfirmDialog>
      )}
      {login && (
        <LoginDialog
          app={app}
          environment={environment}
          mode={login}
          scopes={scopesText}
          onSignedIn={signedIn}
          onClose={() => { setLogin(null); }}
        />
      )}
      {exchanging && (
        <ExchangeDialog
          app={app}
          environment={environment}
          initial={{ scopes: exchanged ? token.requested_scopes.join(" ") : "", ...lastExchange }}
          onExchanged={exchangedNow}
          onClose={() => { setExchanging(false); }}
        />
      )}
      {trying && <TryItDialog app={app} environment={environment} tokenBase={token?.api_base_url} onClose={() => { setTrying(false); }} />}
    </section>
  );
}

import { useQueryClient } from "@tanstack/react-query";
import { useCallback, useEffect, useLayoutEffect, useRef, useState } from "react";
import type { ClientApp } from "../bindings/ClientApp";
import type { CallbackRefused } from "../bindings/CallbackRefused";
import type { DeviceLoginStarted } from "../bindings/DeviceLoginStarted";
import type { Environment } from "../bindings/Environment";
import type { IpcError } from "../bindings/IpcError";
import type { LoginFinished } from "../bindings/LoginFinished";
import type { LoginStarted } from "../bindings/LoginStarted";
import type { TokenStatus } from "../bindings/TokenStatus";
import { api, toIpcError } from "../api/client";
import { useCallbackRefused, useLoginFinished } from "../api/events";
import { keys } from "../api/queries";
import { countdown, useNow } from "../lib/tokens";
import { CopyButton, useClipboard } from "./Clipboard";
import { Dialog } from "./Dialog";
import { Refusal } from "./Refusal";
import { Icon } from "./Icon";

export type LoginMode = "browser" | "device";

interface Props {
  app: ClientApp;
  environment: Environment;
  mode: LoginMode;
  /** The scopes to ask for, space separated (the panel's field); null: the app's defaults. */
  scopes: string | null;
  onSignedIn: (status: TokenStatus) => void;
  onClose: () => void;
}

type Phase =
  | { kind: "starting" }
  | { kind: "browser"; started: LoginStarted }
  | { kind: "device"; started: DeviceLoginStarted }
  | { kind: "failed"; error: IpcError };

/**
 * A browser or device sign-in under way. The browser login opens the system browser; the dialog
 * also shows the address (to copy into another browser), the port Authdeck listens on and the
 * time left, so a machine without a default browser can still sign in. The device login shows
 * the code to type on the other device, the address and its QR code. Cancel stops listening.
 */
export function LoginDialog({ app, environment, mode, scopes, onSignedIn, onClose }: Props) {
  const client = useQueryClient();
  const { copyWith } = useClipboard();
  const now = useNow();
  const [phase, setPhase] = useState<Phase>({ kind: "starting" });
  const [attempt, setAttempt] = useState(0);
  // why each callback the listener refused was refused, in order (the login goes on)
  const [refused, setRefused] = useState<string[]>([]);
  const loginId = phase.kind === "browser" || phase.kind === "device" ? phase.started.login_id : null;
  // the login to cancel when the dialog goes away before it ended
  const pending = useRef<string | null>(null);
  // finishes that came before the start's answer named its login (on a busy machine a fast
  // browser's event can overtake that answer): the one for the login the answer names is taken
  // then; `finishing` is the latest render's handler
  const early = useRef(new Map<string, LoginFinished>());
  const finishing = useRef<(event: LoginFinished) => void>(() => undefined);

  useEffect(() => {
    let live = true;
    setPhase({ kind: "starting" });
    setRefused([]);
    early.current.clear();
    const input = { scopes: scopes === null ? null : scopes.split(/\s+/).filter(Boolean), timeout_seconds: null };
    const start =
      mode === "browser"
        ? api.startLogin(app.id, input).then((started) => ({ kind: "browser" as const, started }))
        : api.startDeviceLogin(app.id, input).then((started) => ({ kind: "device" as const, started }));
    start
      .then((next) => {
        if (!live) {
          void api.cancelLogin(next.started.login_id);
          return;
        }
        pending.current = next.started.login_id;
        setPhase(next);
        const overtaken = early.current.get(next.started.login_id);
        early.current.clear();
        if (overtaken) finishing.current(overtaken);
      })
      .catch((reason: unknown) => {
        if (live) setPhase({ kind: "failed", error: toIpcError(reason) });
      });
    return () => {
      live = false;
      if (pending.current) void api.cancelLogin(pending.current);
      pending.current = null;
    };
  }, [app.id, mode, scopes, attempt]);

  const onFinished = useCallback(
    (event: LoginFinished) => {
      if (event.login_id !== pending.current) {
        if (pending.current === null) early.current.set(event.login_id, event);
        return;
      }
      pending.current = null;
      void client.invalidateQueries({ queryKey: keys.token(app.id) });
      if (event.outcome === "signed_in" && event.status) onSignedIn(event.status);
      else if (event.outcome === "failed" && event.error) setPhase({ kind: "failed", error: event.error });
      else onClose();
    },
    [app.id, client, onClose, onSignedIn],
  );
  useLayoutEffect(() => {
    finishing.current = onFinished;
  });
  useLoginFinished(onFinished);
  const onRefused = useCallback((event: CallbackRefused) => {
    if (event.login_id === pending.current) setRefused((earlier) => [...earlier, event.reason]);
  }, []);
  useCallbackRefused(onRefused);

  const expiresAt = phase.kind === "browser" || phase.kind === "device" ? Date.parse(phase.started.expires_at) : null;
  const left = expiresAt === null ? null : Math.max(0, Math.round((expiresAt - now) / 1000));
  const title = mode === "browser" ? `Sign in to “${app.display_name}” with the browser` : `Sign in to “${app.display_name}” on another device`;
  const copyAddress = () => {
    if (!loginId) return;
    void copyWith({ id: `login:${loginId}`, label: "Sign-in address", fingerprint: "" }, () => api.copyLoginUrl(loginId));
  };

  return (
    <Dialog title={title} testId="login-dialog" onClose={onClose} production={environment.kind === "production"} subtitle={environment.name}>
      <div className="dialog-body">
        {phase.kind === "starting" && (
          <p className="muted" data-testid="login-starting" aria-live="polite">
            {mode === "browser" ? "Preparing the sign-in…" : "Asking the provider for a code…"}
          </p>
        )}

        {phase.kind === "browser" && (
          <div className="login-waiting" data-testid="login-waiting">
            <p aria-live="polite">
              <Icon name="key" size={14} /> Your browser should show the provider’s sign-in page. Finish there; this window updates by
              itself.
            </p>
            <label className="field-label" htmlFor="login-url">
              Sign-in address <span className="field-hint">open it in any browser on this computer if none opened</span>
            </label>
            <div className="login-url-row">
              <input id="login-url" data-testid="login-url" readOnly value={phase.started.url} spellCheck={false} onFocus={(event) => { event.target.select(); }} />
              <CopyButton id={`login:${phase.started.login_id}`} testId="login-copy" label="Copy the sign-in address" onCopy={copyAddress} />
              <button type="button" data-testid="login-open" onClick={() => void api.openLoginUrl(phase.started.login_id).catch(() => undefined)}>
                Open again
              </button>
            </div>
            <dl className="token-facts login-facts">
              <dt>Listening on</dt>
              <dd>
                <code data-testid="login-port">127.0.0.1:{phase.started.port}</code> <span className="muted">(this computer only)</span>
              </dd>
              <dt>Redirect URI</dt>
              <dd>
                <code data-testid="login-redirect">{phase.started.redirect_uri}</code>
              </dd>
              <dt>Time left</dt>
              <dd data-testid="login-time-left">{left === null ? "—" : countdown(left)}</dd>
            </dl>
          </div>
        )}

        {phase.kind === "browser" && refused.length > 0 && <RefusedCallbacks reasons={refused} />}

        {phase.kind === "device" && (
          <div className="login-waiting login-device" data-testid="login-waiting">
            <div>
              <p>On the other device, open</p>
              <p>
                <code data-testid="device-uri">{phase.started.verification_uri}</code>
              </p>
              <p>and enter the code</p>
              <p className="device-code" data-testid="device-user-code">
                {phase.started.user_code}
              </p>
              <p className="muted">
                Authdeck asks the provider every {phase.started.interval_seconds} s whether you are done · <span data-testid="login-time-left">{left === null ? "—" : `${countdown(left)} left`}</span>
              </p>
              <CopyButton id={`login:${phase.started.login_id}`} testId="login-copy" label="Copy the verification address" onCopy={copyAddress} />
            </div>
            <img
              className="device-qr"
              data-testid="device-qr"
              alt={`QR code of ${phase.started.verification_uri_complete ?? phase.started.verification_uri}`}
              src={`data:image/svg+xml;charset=utf-8,${encodeURIComponent(phase.started.qr_svg)}`}
            />
          </div>
        )}

        {phase.kind === "failed" && (
          <Refusal testId="login-error">
            <strong>Sign-in failed.</strong> {phase.error.message}
          </Refusal>
        )}
      </div>
      <footer className="dialog-footer">
        {phase.kind === "failed" && (
          <button type="button" className="primary" data-testid="login-retry" onClick={() => { setAttempt((n) => n + 1); }}>
            Try again
          </button>
        )}
        <button type="button" data-testid="login-cancel" onClick={onClose}>
          {phase.kind === "failed" ? "Close" : "Cancel sign-in"}
        </button>
      </footer>
    </Dialog>
  );
}

/** The callbacks the listener refused while the sign-in goes on: each reason, repeats counted. */
function RefusedCallbacks({ reasons }: { reasons: string[] }) {
  const counted = new Map<string, number>();
  for (const reason of reasons) counted.set(reason, (counted.get(reason) ?? 0) + 1);
  return (
    <div className="login-refused" role="alert" data-testid="login-refused">
      <strong>
        {reasons.length === 1 ? "A callback arrived and was refused" : `${reasons.length} callbacks arrived and were refused`}
      </strong>{" "}
      — still waiting for a valid one:
      <ul>
        {[...counted].map(([reason, count]) => (
          <li key={reason} data-testid="login-refused-reason">
            {reason}
            {count > 1 && <span className="muted"> ×{count}</span>}
          </li>
        ))}
      </ul>
    </div>
  );
}

import { useQueryClient } from "@tanstack/react-query";
import { useEffect, useState } from "react";
import type { FieldError } from "../bindings/FieldError";
import type { TeamBadge } from "../bindings/TeamBadge";
import { api, toIpcError } from "../api/client";
import { keys } from "../api/queries";
import type { VaultState } from "../lib/vault";
import { Dialog } from "./Dialog";
import { Field } from "./Field";
import { Icon } from "./Icon";
import { useToast } from "./Toasts";

interface BannerProps {
  environmentId: string;
  team: TeamBadge;
  state: VaultState | undefined;
}

/**
 * Shown while the team vault's token has ended: what the vault said and a sign-in by the
 * team's method (AppRole, a machine's method, stays on the command line).
 */
export function VaultSignInBanner({ environmentId, team, state }: BannerProps) {
  const [open, setOpen] = useState(false);
  if (state?.kind !== "sign_in") return null;
  const approle = team.method === "approle";
  return (
    <>
    <div className="problem-banner vault-banner" data-testid="vault-sign-in-banner" role="alert">
      <div>
        <strong>The team vault “{team.team}” needs a sign-in</strong>
        <p data-testid="vault-sign-in-message">{state.message}</p>
        {approle && (
          <p data-testid="vault-sign-in-cli">
            This vault signs in by AppRole, which only the command line does: run <code>authdeck team login {team.team}</code> in a terminal.
          </p>
        )}
      </div>
      {!approle && (
        <button type="button" className="primary" data-testid="vault-sign-in" onClick={() => { setOpen(true); }}>
          <Icon name="key" size={14} /> Sign in to the vault
        </button>
      )}
    </div>
    {open && <VaultSignInDialog environmentId={environmentId} team={team} onClose={() => { setOpen(false); }} />}
    </>
  );
}

interface DialogProps {
  environmentId: string;
  team: TeamBadge;
  onClose: () => void;
}

/** Signs in by the team's method: a pasted token, a username and password, or the browser (OIDC). */
export function VaultSignInDialog({ environmentId, team, onClose }: DialogProps) {
  const client = useQueryClient();
  const toast = useToast();
  const [username, setUsername] = useState(team.username ?? "");
  const [credential, setCredential] = useState("");
  const [errors, setErrors] = useState<FieldError[]>([]);
  const [busy, setBusy] = useState(false);
  const browser = team.method === "oidc";

  const signedIn = async () => {
    toast(`Signed in to the team vault “${team.team}”`, "success");
    onClose();
    await client.invalidateQueries({ queryKey: keys.vault(environmentId) });
  };
  const failed = (reason: unknown) => {
    const error = toIpcError(reason);
    setErrors([{ field: "credential", message: error.message }]);
  };
  const submit = async () => {
    setBusy(true);
    setErrors([]);
    try {
      await api.signInTeam(team.team, team.method === "userpass" ? username.trim() : null, credential);
      setCredential("");
      await signedIn();
    } catch (reason) {
      failed(reason);
    } finally {
      setBusy(false);
    }
  };
  useEffect(() => {
    if (!browser) return;
    let live = true;
    api.signInTeamOidc(team.team).then(
      (done) => { if (live && done) void signedIn(); },
      (reason: unknown) => { if (live) failed(reason); },
    );
    return () => {
      live = false;
      void api.cancelTeamSignIn(team.team).catch(() => undefined);
    };
    // one browser sign-in per opening of the dialog
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);

  return (
    <Dialog title={`Sign in to the team vault “${team.team}”`} subtitle={`Method: ${team.method}`} testId="vault-sign-in-dialog" onClose={onClose}>
      <form
        className="dialog-body"
        noValidate
        onSubmit={(event) => {
          event.preventDefault();
          if (!browser) void submit();
        }}
      >
        {browser ? (
          <p data-testid="vault-sign-in-browser">
            Sign in in the browser that opened, at the team’s identity provider. This dialog closes once the vault has given its token.
          </p>
        ) : (
          <>
            {team.method === "userpass" && (
              <Field label="Username" field="username" errors={errors}>
                <input data-testid="vault-username" autoComplete="off" value={username} onChange={(e) => { setUsername(e.target.value); }} />
              </Field>
            )}
            <Field
              label={team.method === "userpass" ? "Password" : "Vault token"}
              field="credential"
              errors={errors}
              hint={team.method === "userpass" ? "Sent to the vault once, never kept." : "The vault checks it; it is then kept only in the keychain."}
            >
              <input
                data-testid="vault-credential"
                type="password"
                autoComplete="off"
                spellCheck={false}
                className="mono"
                value={credential}
                onChange={(e) => { setCredential(e.target.value); }}
              />
            </Field>
          </>
        )}
        {browser && errors.length > 0 && (
          <p className="action-error" data-testid="action-error" role="alert">{errors[0]?.message}</p>
        )}
        <footer className="dialog-footer">
          <button type="button" data-testid="vault-sign-in-cancel" onClick={onClose}>Cancel</button>
          {!browser && (
            <button type="submit" className="primary" data-testid="vault-sign-in-submit" disabled={busy || credential.trim() === ""}>
              {busy ? "Signing in…" : "Sign in"}
            </button>
          )}
        </footer>
      </form>
    </Dialog>
  );
}

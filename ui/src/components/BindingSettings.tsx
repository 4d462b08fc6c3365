import { useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import type { AppBinding } from "../bindings/AppBinding";
import type { ClientApp } from "../bindings/ClientApp";
import type { Environment } from "../bindings/Environment";
import type { KeyAlg } from "../bindings/KeyAlg";
import { api, toIpcError } from "../api/client";
import { keys, useAppBinding, useKeyAlgorithms } from "../api/queries";
import { presentationOf } from "../lib/errors";
import { ConfirmDialog } from "./ConfirmDialog";
import { Icon } from "./Icon";
import { useReportError } from "./Problems";
import { useToast } from "./Toasts";

interface Props {
  app: ClientApp;
  environment: Environment;
}

type Option = "dpop" | "par";
const OPTION_LABEL: Record<Option, string> = {
  dpop: "DPoP-bound tokens",
  par: "Pushed authorization requests (PAR)",
};

/**
 * The app's per-app request options: DPoP-bound tokens (with the proof key's thumbprint to
 * register and its algorithm) and pushed authorization requests. Each takes effect on the app's
 * next token.
 */
export function BindingSettings({ app, environment }: Props) {
  const binding = useAppBinding(app.id);
  const algorithms = useKeyAlgorithms();
  const client = useQueryClient();
  const toast = useToast();
  const report = useReportError();
  const [busy, setBusy] = useState(false);
  const [refusal, setRefusal] = useState<string | null>(null);
  // in production a change asks first, as other changes of live credentials do
  const [pending, setPending] = useState<{ option: Option; on: boolean } | null>(null);
  const [pendingAlg, setPendingAlg] = useState<KeyAlg | null>(null);
  const production = environment.kind === "production";

  const change = async (option: Option, on: boolean) => {
    setBusy(true);
    setRefusal(null);
    try {
      const saved: AppBinding = option === "dpop" ? await api.setDpop(app.id, on) : await api.setPar(app.id, on);
      // the answer is the binding as stored: shown at once, without waiting for the store event
      client.setQueryData(keys.binding(app.id), saved);
      const state = option === "dpop" ? saved.dpop : saved.par;
      toast(`${OPTION_LABEL[option]} ${state ? "on" : "off"} for “${app.display_name}”: the next token follows`, "success");
    } catch (reason) {
      const error = toIpcError(reason);
      if (presentationOf(error.code) === "notice" || error.code === "validation") setRefusal(error.message);
      else report(error);
    } finally {
      setBusy(false);
    }
  };
  // another algorithm is another key: the token bound to the old one is forgotten
  const changeAlg = async (alg: KeyAlg) => {
    setBusy(true);
    setRefusal(null);
    try {
      const saved = await api.setDpopAlg(app.id, alg);
      client.setQueryData(keys.binding(app.id), saved);
      toast(`“${app.display_name}” signs its DPoP proofs ${saved.alg ?? alg} with a new key: the next token is bound to it`, "success");
    } catch (reason) {
      const error = toIpcError(reason);
      if (presentationOf(error.code) === "notice" || error.code === "validation") setRefusal(error.message);
      else report(error);
    } finally {
      setBusy(false);
    }
  };
  const askAlg = (alg: KeyAlg) => {
    if (production) setPendingAlg(alg);
    else void changeAlg(alg);
  };
  const ask = (option: Option, on: boolean) => {
    if (production) setPending({ option, on });
    else void change(option, on);
  };
  const copyThumbprint = (jkt: string) => {
    navigator.clipboard.writeText(jkt).then(
      () => { toast("Copied the key thumbprint", "success"); },
      () => { toast("The clipboard refused it: select the thumbprint and copy it", "error"); },
    );
  };

  const current = binding.data;
  return (
    <div className="binding-settings" data-testid="binding-settings" aria-busy={busy || binding.isPending}>
      {binding.isError && <p className="action-error" data-testid="binding-load-error">{toIpcError(binding.error).message}</p>}
      <label className="binding-option">
        <input
          type="checkbox"
          role="switch"
          data-testid="binding-dpop"
          checked={current?.dpop ?? false}
          disabled={busy || !current}
          onChange={(event) => { ask("dpop", event.target.checked); }}
        />{" "}
        {OPTION_LABEL.dpop}
        <span className="field-hint">
          Token requests carry a DPoP proof from a key kept in the keychain, so the tokens work only with that key.
          Takes effect on the next token.
        </span>
      </label>
      {current?.jkt && (
        <p className="binding-jkt">
          <span className="field-label">Key thumbprint (jkt)</span>{" "}
          <code className="fingerprint" data-testid="binding-jkt">{current.jkt}</code>{" "}
          <button
            type="button"
            className="link-button"
            data-testid="binding-jkt-copy"
            title="The value to register at a provider that asks for the app's DPoP key"
            onClick={() => { copyThumbprint(current.jkt ?? ""); }}
          >
            <Icon name="copy" size={13} /> Copy
          </button>
          {!current.dpop && <span className="muted"> · kept for when DPoP is turned on again</span>}
        </p>
      )}
      {current?.jkt && (
        <label className="binding-alg">
          <span className="field-label">Proof key algorithm</span>{" "}
          <select
            data-testid="binding-alg"
            value={current.alg ?? "ES256"}
            disabled={busy || !algorithms.data}
            onChange={(event) => { askAlg(event.target.value as KeyAlg); }}
          >
            {(algorithms.data ?? [current.alg ?? "ES256"]).map((alg) => (
              <option key={alg} value={alg}>{alg}</option>
            ))}
          </select>
          <span className="field-hint">
            Another algorithm makes a new key (a new thumbprint to register) and forgets the token bound to this one.
          </span>
        </label>
      )}
      <label className="binding-option">
        <input
          type="checkbox"
          role="switch"
          data-testid="binding-par"
          checked={current?.par ?? false}
          disabled={busy || !current}
          onChange={(event) => { ask("par", event.target.checked); }}
        />{" "}
        {OPTION_LABEL.par}
        <span className="field-hint">
          Browser sign-ins send their request to the provider first and give the browser only a reference; used anyway
          when the provider’s metadata requires it. Takes effect on the next sign-in.
        </span>
      </label>
      {refusal && (
        <div className="notice notice-refusal" data-testid="binding-error" role="alert">
          <Icon name="warning" />
          <span>{refusal}</span>
          <button type="button" className="link-button" onClick={() => { setRefusal(null); }}>Dismiss</button>
        </div>
      )}
      {pendingAlg && (
        <ConfirmDialog
          title={`Sign the DPoP proofs of “${app.display_name}” ${pendingAlg}?`}
          confirmLabel="Make the new key"
          environment={environment}
          busy={busy}
          onCancel={() => { setPendingAlg(null); }}
          onConfirm={() => {
            const alg = pendingAlg;
            setPendingAlg(null);
            void changeAlg(alg);
          }}
        >
          <p>
            A new {pendingAlg} proof key replaces the app’s key, so its thumbprint changes, and the DPoP token bound to
            the old key is forgotten: anything using that token stops working. The next token is bound to the new key.
          </p>
        </ConfirmDialog>
      )}
      {pending && (
        <ConfirmDialog
          title={`Turn ${OPTION_LABEL[pending.option]} ${pending.on ? "on" : "off"} for “${app.display_name}”?`}
          confirmLabel={pending.on ? "Turn on" : "Turn off"}
          environment={environment}
          busy={busy}
          onCancel={() => { setPending(null); }}
          onConfirm={() => {
            const { option, on } = pending;
            setPending(null);
            void change(option, on);
          }}
        >
          <p>
            {pending.option === "dpop"
              ? pending.on
                ? "The app’s next token is bound to its proof key: anything using the token must send a DPoP proof made with that key."
                : "The app’s next token is a plain Bearer token."
              : pending.on
                ? "The app’s next browser sign-in pushes its request to the provider first."
                : "The app’s next browser sign-in sends its request in the browser address, unless the provider requires PAR."}{" "}
            The token it holds now is not changed.
          </p>
        </ConfirmDialog>
      )}
    </div>
  );
}

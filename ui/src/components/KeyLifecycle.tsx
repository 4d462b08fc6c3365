import { useState } from "react";
import type { Environment } from "../bindings/Environment";
import { toIpcError } from "../api/client";
import { presentationOf } from "../lib/errors";
import { ConfirmDialog } from "./ConfirmDialog";
import { Icon } from "./Icon";
import { useReportError } from "./Problems";
import { useToast } from "./Toasts";

/** What a key or certificate row is called in messages, and the words for its kind. */
export interface Held {
  id: string;
  label: string;
  state: "active" | "retired";
}

type Pending<T extends Held> = { kind: "delete" | "retire"; item: T } | null;

/**
 * The shared lifecycle of signing keys and client certificates: retire (asked first in
 * production), reactivate, delete (always asked), and core's refusal to leave an app without
 * its last active one shown in place.
 */
export function useLifecycle<T extends Held>(kind: string, environment: Environment) {
  const toast = useToast();
  const report = useReportError();
  const [pending, setPending] = useState<Pending<T>>(null);
  const [refusal, setRefusal] = useState<string | null>(null);

  const run = async (action: () => Promise<unknown>, done: string) => {
    setRefusal(null);
    try {
      await action();
      toast(done, "success");
    } catch (reason) {
      const error = toIpcError(reason);
      if (presentationOf(error.code) === "notice") setRefusal(error.message);
      else report(error);
    }
  };
  const ask = (what: "delete" | "retire", item: T, act: () => Promise<unknown>) => {
    if (what === "delete" || environment.kind === "production") setPending({ kind: what, item });
    else void run(act, `Retired “${item.label}”`);
  };
  return { pending, setPending, refusal, setRefusal, run, ask, kind };
}

export function RefusalNotice({ refusal, onDismiss }: { refusal: string | null; onDismiss: () => void }) {
  if (!refusal) return null;
  return (
    <div className="notice notice-refusal" data-testid="action-error" role="alert">
      <Icon name="warning" />
      <span>{refusal}</span>
      <button type="button" className="link-button" onClick={onDismiss}>Dismiss</button>
    </div>
  );
}

interface ConfirmProps<T extends Held> {
  lifecycle: ReturnType<typeof useLifecycle<T>>;
  environment: Environment;
  onRetire: (item: T) => Promise<unknown>;
  onDelete: (item: T) => Promise<unknown>;
}

/** The confirmation of a pending retire or delete. */
export function LifecycleConfirm<T extends Held>({ lifecycle, environment, onRetire, onDelete }: ConfirmProps<T>) {
  const { pending, setPending, run, kind } = lifecycle;
  if (!pending) return null;
  const { item } = pending;
  const deleting = pending.kind === "delete";
  return (
    <ConfirmDialog
      title={`${deleting ? "Delete" : "Retire"} “${item.label}”?`}
      confirmLabel={`${deleting ? "Delete" : "Retire"} ${kind}`}
      environment={environment}
      onCancel={() => { setPending(null); }}
      onConfirm={() => {
        setPending(null);
        void (deleting
          ? run(() => onDelete(item), `Deleted “${item.label}” from the keychain`)
          : run(() => onRetire(item), `Retired “${item.label}”`));
      }}
    >
      <p>
        {deleting
          ? `The ${kind}'s private key is removed from the keychain and cannot be recovered here. At the provider its public part stays registered until you remove it there too.`
          : `A retired ${kind} stays in the keychain but is no longer used. You can reactivate it later.`}
      </p>
    </ConfirmDialog>
  );
}

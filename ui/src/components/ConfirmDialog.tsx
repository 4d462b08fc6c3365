import type { ReactNode } from "react";
import type { Environment } from "../bindings/Environment";
import { Dialog } from "./Dialog";

interface Props {
  title: string;
  confirmLabel: string;
  /** The environment acted on; production gets a warning that names it. */
  environment?: Environment | null;
  busy?: boolean;
  /** Why the last attempt was refused, in the backend's words. */
  error?: string | null;
  onConfirm: () => void;
  onCancel: () => void;
  children: ReactNode;
}

/** Asks before a destructive action; in production it says so plainly. */
export function ConfirmDialog({ title, confirmLabel, environment, busy, error, onConfirm, onCancel, children }: Props) {
  const production = environment?.kind === "production";
  return (
    <Dialog title={title} testId="confirm-dialog" onClose={onCancel} production={production}>
      <div className="dialog-body">
        {production && (
          <p className="production-warning" role="note">
            <strong>Production.</strong> “{environment.name}” is a production environment: this changes live credentials
            and can break systems that use them.
          </p>
        )}
        {children}
        {error && (
          <p className="inline-refusal" data-testid="action-error" role="alert">
            {error}
          </p>
        )}
      </div>
      <footer className="dialog-footer">
        <button type="button" data-testid="confirm-cancel" onClick={onCancel}>
          Cancel
        </button>
        <button type="button" className="danger" data-testid="confirm-ok" disabled={busy} onClick={onConfirm}>
          {busy ? "Working…" : confirmLabel}
        </button>
      </footer>
    </Dialog>
  );
}

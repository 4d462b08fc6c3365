import type { ReactNode } from "react";
import { Dialog } from "./Dialog";

interface Props {
  title: string;
  confirmLabel: string;
  production?: boolean;
  busy?: boolean;
  onConfirm: () => void;
  onCancel: () => void;
  children: ReactNode;
}

/** Asks before a destructive action; in production it says so plainly. */
export function ConfirmDialog({ title, confirmLabel, production, busy, onConfirm, onCancel, children }: Props) {
  return (
    <Dialog title={title} testId="confirm-dialog" onClose={onCancel}>
      <div className="dialog-body">
        {production && (
          <p className="production-warning" role="alert">
            This is a <strong>production</strong> environment: this affects live credentials.
          </p>
        )}
        {children}
      </div>
      <footer className="dialog-footer">
        <button type="button" data-testid="confirm-cancel" onClick={onCancel}>
          Cancel
        </button>
        <button type="button" className="danger" data-testid="confirm-ok" disabled={busy} onClick={onConfirm}>
          {confirmLabel}
        </button>
      </footer>
    </Dialog>
  );
}

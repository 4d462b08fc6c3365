import { useEffect, useId, useRef, useState, type KeyboardEvent, type ReactNode } from "react";

interface Props {
  title: string;
  testId: string;
  onClose: () => void;
  children: ReactNode;
  wide?: boolean;
  /** A short line under the title. */
  subtitle?: ReactNode;
  /** Marks the dialog as acting on production. */
  production?: boolean;
  /** A class of its own, for a dialog laid out differently (the command palette). */
  className?: string;
}

const FOCUSABLE = 'input:not([disabled]), select:not([disabled]), textarea:not([disabled]), button:not([disabled]), [href], [tabindex]:not([tabindex="-1"])';

/**
 * A modal dialog: the first field gets focus, Tab stays inside, Escape closes, and focus goes
 * back to what had it before.
 */
export function Dialog({ title, testId, onClose, children, wide, subtitle, production, className }: Props) {
  const ref = useRef<HTMLDialogElement>(null);
  const titleId = useId();
  // What had focus when the dialog opened, taken once (an effect that runs twice in development
  // would otherwise take the dialog's own field).
  const [previous] = useState(() => (document.activeElement instanceof HTMLElement ? document.activeElement : null));
  useEffect(() => {
    const dialog = ref.current;
    if (dialog && !dialog.open) {
      if (typeof dialog.showModal === "function") dialog.showModal();
      else dialog.setAttribute("open", "");
    }
    const fields = dialog?.querySelectorAll<HTMLElement>(FOCUSABLE);
    const first = [...(fields ?? [])].find((element) => !element.classList.contains("dialog-close"));
    first?.focus();
    return () => {
      previous?.focus();
    };
  }, [previous]);

  const onKeyDown = (event: KeyboardEvent<HTMLDialogElement>) => {
    if (event.key === "Escape") {
      // the native dialog fires `cancel`; this covers engines without showModal
      event.preventDefault();
      event.stopPropagation();
      onClose();
      return;
    }
    if (event.key !== "Tab" || !ref.current) return;
    const focusable = [...ref.current.querySelectorAll<HTMLElement>(FOCUSABLE)];
    const first = focusable[0];
    const last = focusable[focusable.length - 1];
    if (!first || !last) return;
    if (event.shiftKey && document.activeElement === first) {
      event.preventDefault();
      last.focus();
    } else if (!event.shiftKey && document.activeElement === last) {
      event.preventDefault();
      first.focus();
    }
  };

  const classes = ["dialog", wide ? "dialog-wide" : "", production ? "dialog-production" : "", className ?? ""].filter(Boolean).join(" ");
  return (
    <dialog
      ref={ref}
      className={classes}
      data-testid={testId}
      aria-labelledby={titleId}
      aria-modal="true"
      onKeyDown={onKeyDown}
      onCancel={(event) => {
        event.preventDefault();
        onClose();
      }}
    >
      <header className="dialog-header">
        <div>
          <h2 id={titleId}>{title}</h2>
          {subtitle && <p className="dialog-subtitle">{subtitle}</p>}
        </div>
        <button type="button" className="dialog-close icon-button" aria-label="Close" onClick={onClose}>
          ×
        </button>
      </header>
      {children}
    </dialog>
  );
}

import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from "react";
import type { ClipboardCleared } from "../bindings/ClipboardCleared";
import type { CopyStarted } from "../bindings/CopyStarted";
import type { SecretMeta } from "../bindings/SecretMeta";
import { api } from "../api/client";
import { useClipboardCleared } from "../api/events";
import { useCountdown } from "../lib/useCountdown";
import { Icon } from "./Icon";
import { useReportError } from "./Problems";
import { useToast } from "./Toasts";

/** What was copied: a secret, a token, or a command line holding one. */
export interface Copied {
  /** The secret's id, or `token:<app id>`, `curl:<app id>`. */
  id: string;
  /** How the status bar names it ("“CI runner”", "Access token of Billing sync"). */
  label: string;
  fingerprint: string;
}

interface ClipboardState {
  /** The secret whose copy is waiting to be cleared, if any. */
  copied: Copied | null;
  /** Seconds until the clipboard is cleared. */
  left: number | null;
  copy: (secret: SecretMeta) => Promise<void>;
  /** Copies anything the backend copies under the secret rules; false when it failed. */
  copyWith: (what: Copied, run: () => Promise<CopyStarted>) => Promise<boolean>;
}

const ClipboardContext = createContext<ClipboardState>({
  copied: null,
  left: null,
  copy: () => Promise.resolve(),
  copyWith: () => Promise.resolve(false),
});

/**
 * Copying happens in Rust; this keeps the countdown until the backend clears the clipboard. A
 * newer copy replaces the countdown (the backend drops the older one's timer too).
 */
export function ClipboardProvider({ children }: { children: ReactNode }) {
  const [copied, setCopied] = useState<Copied | null>(null);
  // said once to screen readers; the ticking countdown itself is not announced
  const [announcement, setAnnouncement] = useState("");
  const [left, start, stop] = useCountdown();
  const toast = useToast();
  const report = useReportError();

  const copyWith = useCallback(
    async (what: Copied, run: () => Promise<CopyStarted>) => {
      try {
        const started = await run();
        setCopied(what);
        start(started.clear_after_seconds);
        setAnnouncement(`Copied. The clipboard clears in ${started.clear_after_seconds} seconds.`);
        return true;
      } catch (reason) {
        report(reason);
        return false;
      }
    },
    [report, start],
  );
  const copy = useCallback(
    async (secret: SecretMeta) => {
      const label = secret.label ? `“${secret.label}”` : "Secret";
      await copyWith({ id: secret.id, label, fingerprint: secret.fingerprint }, () => api.copySecret(secret.id));
    },
    [copyWith],
  );

  useClipboardCleared(
    useCallback(
      (event: ClipboardCleared) => {
        stop();
        setCopied(null);
        toast(
          event.reason === "timeout"
            ? "Clipboard cleared"
            : "Clipboard left as it was: something else was copied since",
          "info",
        );
      },
      [stop, toast],
    ),
  );

  // The countdown ran out: the backend's event normally arrives at the same moment.
  useEffect(() => {
    if (left === 0) setCopied(null);
  }, [left]);

  const value = useMemo(() => ({ copied, left, copy, copyWith }), [copied, left, copy, copyWith]);
  return (
    <ClipboardContext.Provider value={value}>
      {children}
      <span className="visually-hidden" role="status">
        {announcement}
      </span>
    </ClipboardContext.Provider>
  );
}

export const useClipboard = () => useContext(ClipboardContext);

/** The live countdown in the status bar while a copied secret waits to be cleared. */
export function ClipboardCountdown() {
  const { copied, left } = useClipboard();
  if (!copied || left === null || left <= 0) return null;
  return (
    <span data-testid="clipboard-countdown" className="clipboard-countdown" aria-live="off">
      <span className="clipboard-icon" aria-hidden="true" />
      {copied.label} {copied.fingerprint && <code>…{copied.fingerprint}</code>} on the clipboard — clears in {left} s
    </span>
  );
}

/**
 * The Copy button of a secret or token: shows the seconds left while what it copied (`id`)
 * waits on the clipboard to be cleared.
 */
export function CopyButton({
  id,
  testId,
  label,
  onCopy,
  refused,
}: {
  id: string;
  testId: string;
  label: string;
  onCopy: () => void;
  /** Why there is nothing to copy; the button is disabled and says so. */
  refused?: string;
}) {
  const { copied, left } = useClipboard();
  const onClipboard = copied?.id === id && left !== null && left > 0;
  return (
    <button
      type="button"
      data-testid={testId}
      className={onClipboard ? "copied" : undefined}
      onClick={onCopy}
      disabled={refused !== undefined}
      aria-label={label}
      title={refused ?? "Copy to the clipboard; cleared automatically"}
    >
      <Icon name="copy" size={14} /> {onClipboard ? `Copied · ${String(left)} s` : "Copy"}
    </button>
  );
}

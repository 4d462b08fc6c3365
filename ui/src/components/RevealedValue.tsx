import { useCallback, useEffect, useState } from "react";
import { api } from "../api/client";
import { useCountdown } from "../lib/useCountdown";
import { useReportError } from "./Problems";

interface Reveal {
  /** The value, only while revealed; it lives in this state and nowhere else. */
  value: string | null;
  left: number | null;
  toggle: () => void;
  hide: () => void;
}

/**
 * Reveals a secret for the backend's hide_after_seconds. The value is dropped when the time is
 * up, on Hide, when the window is hidden, and on unmount (switching apps unmounts the row).
 */
export function useReveal(secretId: string): Reveal {
  const [value, setValue] = useState<string | null>(null);
  const [left, start, stop] = useCountdown();
  const report = useReportError();

  const hide = useCallback(() => {
    setValue(null);
    stop();
  }, [stop]);

  useEffect(() => {
    if (left === 0) hide();
  }, [left, hide]);

  useEffect(() => {
    if (value === null) return;
    const onVisibility = () => {
      if (document.visibilityState === "hidden") hide();
    };
    document.addEventListener("visibilitychange", onVisibility);
    return () => {
      document.removeEventListener("visibilitychange", onVisibility);
    };
  }, [value, hide]);

  const toggle = useCallback(() => {
    if (value !== null) {
      hide();
      return;
    }
    api.revealSecret(secretId).then(
      (revealed) => {
        setValue(revealed.value);
        start(revealed.hide_after_seconds);
      },
      (reason: unknown) => {
        report(reason);
      },
    );
  }, [value, hide, secretId, start, report]);

  return { value, left, toggle, hide };
}

interface Props {
  value: string;
  left: number | null;
  onHide: () => void;
}

/** The revealed value in monospace, with the seconds until it hides. */
export function RevealedValue({ value, left, onHide }: Props) {
  return (
    <div className="revealed" role="region" aria-label="Revealed secret value">
      <code data-testid="secret-revealed" className="revealed-value">
        {value}
      </code>
      <span className="revealed-timer" aria-live="off">
        hides in {left ?? 0} s
      </span>
      <button type="button" className="link-button" onClick={onHide}>
        Hide now
      </button>
    </div>
  );
}

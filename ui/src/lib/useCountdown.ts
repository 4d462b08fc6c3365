import { useCallback, useEffect, useState } from "react";

/**
 * Seconds left until a deadline, updated while it runs; null when no countdown runs.
 * Returns [left, start(seconds), stop()]. Starting again replaces the running countdown.
 */
export function useCountdown(): [number | null, (seconds: number) => void, () => void] {
  const [deadline, setDeadline] = useState<number | null>(null);
  const [now, setNow] = useState(() => Date.now());

  useEffect(() => {
    if (deadline === null) return;
    const timer = setInterval(() => {
      const current = Date.now();
      setNow(current);
      if (current >= deadline) clearInterval(timer);
    }, 250);
    return () => {
      clearInterval(timer);
    };
  }, [deadline]);

  const start = useCallback((seconds: number) => {
    const current = Date.now();
    setNow(current);
    setDeadline(current + seconds * 1000);
  }, []);
  const stop = useCallback(() => {
    setDeadline(null);
  }, []);

  const left = deadline === null ? null : Math.max(0, Math.ceil((deadline - now) / 1000));
  return [left, start, stop];
}

import { useCallback, useEffect, useState } from "react";

/** Seconds left until a deadline, ticking every second; null when no countdown runs. */
export function useCountdown(): [number | null, (seconds: number) => void, () => void] {
  const [deadline, setDeadline] = useState<number | null>(null);
  const [now, setNow] = useState(() => Date.now());

  useEffect(() => {
    if (deadline === null) return;
    const timer = setInterval(() => {
      setNow(Date.now());
    }, 250);
    return () => {
      clearInterval(timer);
    };
  }, [deadline]);

  const start = useCallback((seconds: number) => {
    setNow(Date.now());
    setDeadline(Date.now() + seconds * 1000);
  }, []);
  const stop = useCallback(() => {
    setDeadline(null);
  }, []);

  const left = deadline === null ? null : Math.max(0, Math.ceil((deadline - now) / 1000));
  return [left, start, stop];
}

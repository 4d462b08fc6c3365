// What the token panels show, live: the state and time left move with the clock between
// refetches, from the stored expiry and the renewal window the backend computed.
import { useEffect, useState } from "react";
import type { TokenState } from "../bindings/TokenState";
import type { TokenStatus } from "../bindings/TokenStatus";

export const STATE_LABEL: Record<TokenState, string> = {
  valid: "Valid",
  expiring_soon: "Expiring soon",
  expired: "Expired",
  revoked: "Revoked",
  sign_in_ended: "Sign-in ended",
  none: "No token",
};

export interface Live {
  state: TokenState;
  /** Seconds until expiry (negative once expired); null when there is no expiry. */
  secondsLeft: number | null;
}

/** The state of a token at `now` (milliseconds since the epoch). */
export function liveState(status: TokenStatus, now: number): Live {
  const token = status.token;
  if (!token) return { state: "none", secondsLeft: null };
  const secondsLeft = token.expires_at === null ? null : Math.floor((new Date(token.expires_at).getTime() - now) / 1000);
  if (token.revoked_at !== null) return { state: "revoked", secondsLeft };
  // the provider ended the sign-in: its token is dead whatever the clock says
  if (token.sign_in_ended_at !== null) return { state: "sign_in_ended", secondsLeft };
  if (secondsLeft === null) return { state: "valid", secondsLeft };
  if (secondsLeft <= 0) return { state: "expired", secondsLeft };
  if (secondsLeft <= status.renew_window_seconds) return { state: "expiring_soon", secondsLeft };
  return { state: "valid", secondsLeft };
}

const two = (n: number) => String(n).padStart(2, "0");

/** "0:42", "59:58", "1:02:03", "2 d 3 h"; "expired" at or below zero. */
export function countdown(seconds: number): string {
  if (seconds <= 0) return "expired";
  const days = Math.floor(seconds / 86_400);
  const hours = Math.floor((seconds % 86_400) / 3600);
  const minutes = Math.floor((seconds % 3600) / 60);
  const rest = seconds % 60;
  if (days > 0) return `${days} d ${hours} h`;
  if (hours > 0) return `${hours}:${two(minutes)}:${two(rest)}`;
  return `${minutes}:${two(rest)}`;
}

/** A length of time in words: "45 s", "9 min 58 s", "1 h 02 min", "2 d 3 h". */
export function duration(seconds: number): string {
  const total = Math.max(0, Math.floor(seconds));
  const days = Math.floor(total / 86_400);
  const hours = Math.floor((total % 86_400) / 3600);
  const minutes = Math.floor((total % 3600) / 60);
  const rest = total % 60;
  if (days > 0) return `${days} d ${hours} h`;
  if (hours > 0) return `${hours} h ${two(minutes)} min`;
  if (minutes > 0) return rest === 0 ? `${minutes} min` : `${minutes} min ${rest} s`;
  return `${rest} s`;
}

/** "expired 3 min ago", "expired 2 h ago" for a negative time left. */
export function expiredAgo(seconds: number): string {
  const ago = -seconds;
  if (ago < 60) return "expired just now";
  if (ago < 3600) return `expired ${Math.floor(ago / 60)} min ago`;
  if (ago < 86_400) return `expired ${Math.floor(ago / 3600)} h ago`;
  return `expired ${Math.floor(ago / 86_400)} d ago`;
}

/** The current time, updated every `everyMs` (a second by default) while mounted. */
export function useNow(everyMs = 1000): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = setInterval(() => {
      setNow(Date.now());
    }, everyMs);
    return () => {
      clearInterval(timer);
    };
  }, [everyMs]);
  return now;
}

/** Splits what the user typed into scopes ("read  write" → ["read", "write"]). */
export function parseScopes(text: string): string[] {
  return text.split(/\s+/).filter(Boolean);
}

/** "Name: value" lines into headers; blank lines are skipped, a line without a colon is an error. */
export function parseHeaders(text: string): { headers: { name: string; value: string }[]; error: string | null } {
  const headers: { name: string; value: string }[] = [];
  for (const [index, line] of text.split("\n").entries()) {
    if (line.trim() === "") continue;
    const colon = line.indexOf(":");
    if (colon <= 0) return { headers, error: `Line ${index + 1} is not “Name: value”.` };
    headers.push({ name: line.slice(0, colon).trim(), value: line.slice(colon + 1).trim() });
  }
  return { headers, error: null };
}

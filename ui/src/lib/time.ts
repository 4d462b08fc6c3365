const DAY_MS = 86_400_000;

/** "today", "yesterday", "3 days ago", "5 months ago", "2 years ago". */
export function daysAgo(days: number): string {
  if (days <= 0) return "today";
  if (days === 1) return "yesterday";
  if (days < 60) return `${days} days ago`;
  if (days < 730) return `${Math.round(days / 30.4)} months ago`;
  return `${Math.round(days / 365.25)} years ago`;
}

/** Whole days between an RFC 3339 timestamp and `now`. */
export function daysSince(iso: string, now: number = Date.now()): number {
  return Math.max(0, Math.floor((now - new Date(iso).getTime()) / DAY_MS));
}

/** "just now", "5 min ago", "3 h ago", or a day count, for last-used and last-verified times. */
export function relativeTime(iso: string, now: number = Date.now()): string {
  const seconds = Math.max(0, Math.round((now - new Date(iso).getTime()) / 1000));
  if (seconds < 60) return "just now";
  if (seconds < 3600) return `${Math.floor(seconds / 60)} min ago`;
  if (seconds < DAY_MS / 1000) return `${Math.floor(seconds / 3600)} h ago`;
  return daysAgo(Math.floor(seconds / (DAY_MS / 1000)));
}

/** A timestamp as the user's local date and time. */
export function localDateTime(iso: string): string {
  return new Date(iso).toLocaleString(undefined, { dateStyle: "medium", timeStyle: "short" });
}

/** A timestamp as the user's local date. */
export function localDate(iso: string): string {
  return new Date(iso).toLocaleDateString(undefined, { dateStyle: "medium" });
}

// The user's number format, made once: `toLocaleString` makes one at every call, and the app
// list shows counts at every keystroke.
const numbers = new Intl.NumberFormat();

/** A count grouped the user's way ("10,002"), as `toLocaleString()` writes it. */
export function grouped(count: number): string {
  return numbers.format(count);
}

/** "1 app", "3 apps", "10,002 apps" (grouped the user's way). */
export function plural(count: number, one: string, many = `${one}s`): string {
  return `${grouped(count)} ${count === 1 ? one : many}`;
}

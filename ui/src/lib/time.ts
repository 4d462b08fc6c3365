/** A secret's age: "new today", "1 day old", "12 days old". */
export function ageText(days: number): string {
  if (days <= 0) return "new today";
  return days === 1 ? "1 day old" : `${days} days old`;
}

/** A timestamp as the user's local date and time. */
export function localDateTime(iso: string): string {
  return new Date(iso).toLocaleString(undefined, { dateStyle: "medium", timeStyle: "short" });
}

/** A timestamp as the user's local date. */
export function localDate(iso: string): string {
  return new Date(iso).toLocaleDateString(undefined, { dateStyle: "medium" });
}

// The app's own performance marks (issue 14): where start-up time goes, and how long opening an
// app, a filter keystroke and an environment switch take until the next frame. The desktop
// benchmark (tests/bench/desktop) reads them from the webview's performance timeline; each costs
// a timestamp. Nothing here changes what the app does.

import type { StartupMarks } from "../bindings/StartupMarks";

const PREFIX = "authdeck:";
/** Measures of one kind kept at most, so a long session's timeline stays small. */
const KEPT = 500;

/** Marks a moment. */
export function mark(name: string): void {
  performance.mark(PREFIX + name);
}

/** Marks a moment the first time only (start-up phases). */
export function markOnce(name: string): void {
  if (performance.getEntriesByName(PREFIX + name, "mark").length === 0) mark(name);
}

/**
 * Measures from the latest `start` mark to now: the change is in the DOM, not yet painted. The
 * mark stays, for measureToFrame. What the page's own work costs, apart from the painting
 * (which WebKit under Xvfb can hold back for many keystrokes: see the README).
 */
export function measureSince(name: string, start: string): void {
  if (performance.getEntriesByName(PREFIX + start, "mark").length === 0) return;
  if (performance.getEntriesByName(PREFIX + name, "measure").length >= KEPT) performance.clearMeasures(PREFIX + name);
  performance.measure(PREFIX + name, PREFIX + start);
}

/**
 * On the next animation frame (when the change is about to be painted), measures from the
 * latest `start` mark, which is then cleared: a second call without a new start measures nothing.
 */
export function measureToFrame(name: string, start: string): void {
  if (performance.getEntriesByName(PREFIX + start, "mark").length === 0) return;
  requestAnimationFrame(() => {
    if (performance.getEntriesByName(PREFIX + start, "mark").length === 0) return;
    if (performance.getEntriesByName(PREFIX + name, "measure").length >= KEPT) performance.clearMeasures(PREFIX + name);
    performance.measure(PREFIX + name, PREFIX + start);
    performance.clearMarks(PREFIX + start);
  });
}

/**
 * Puts the desktop process's own start-up marks on this timeline (as `authdeck:process:<name>`,
 * at their time relative to `performance.timeOrigin`), so one timeline tells the whole start-up:
 * process start, main, store opened, set up, event loop ready, then the webview's own marks.
 */
export function recordProcessMarks(marks: StartupMarks): void {
  const toTimeline = (epochMs: number) => epochMs - performance.timeOrigin;
  const at = (name: string, epochMs: number) => {
    // a time before the timeline's origin cannot be a mark: it is kept as a negative detail
    performance.mark(`${PREFIX}process:${name}`, { startTime: Math.max(0, toTimeline(epochMs)), detail: { before_origin_ms: toTimeline(epochMs) } });
  };
  if (marks.process_epoch_ms !== null) at("exec", marks.process_epoch_ms);
  at("main", marks.main_epoch_ms);
  for (const mark of marks.marks) at(mark.name, marks.main_epoch_ms + mark.at_ms);
}

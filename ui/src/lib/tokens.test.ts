import { describe, expect, it } from "vitest";
import { countdown, duration, expiredAgo, liveState, parseHeaders, parseScopes } from "./tokens";
import { tokenStatus } from "../test/fixtures";

const ISSUED = Date.parse("2026-11-23T10:00:00Z");

describe("liveState", () => {
  it("moves from valid to expiring soon to expired with the clock", () => {
    const status = tokenStatus({ expiresIn: 3600, window: 300, issued: ISSUED });
    expect(liveState(status, ISSUED)).toEqual({ state: "valid", secondsLeft: 3600 });
    expect(liveState(status, ISSUED + 3299_000).state).toBe("valid");
    expect(liveState(status, ISSUED + 3300_000)).toEqual({ state: "expiring_soon", secondsLeft: 300 });
    expect(liveState(status, ISSUED + 3600_000)).toEqual({ state: "expired", secondsLeft: 0 });
  });

  it("says an ended sign-in whatever the time, and revoked before it", () => {
    const ended = tokenStatus({ expiresIn: 3600, window: 300, issued: ISSUED, token: { sign_in_ended_at: new Date(ISSUED).toISOString() } });
    expect(liveState(ended, ISSUED)).toEqual({ state: "sign_in_ended", secondsLeft: 3600 });
    expect(liveState(ended, ISSUED + 3300_000).state).toBe("sign_in_ended");
    expect(liveState(ended, ISSUED + 7200_000).state).toBe("sign_in_ended");
    const both = tokenStatus({ expiresIn: 3600, issued: ISSUED, revoked: true, token: { sign_in_ended_at: new Date(ISSUED).toISOString() } });
    expect(liveState(both, ISSUED).state).toBe("revoked");
  });

  it("keeps revoked and none whatever the time", () => {
    const revoked = tokenStatus({ expiresIn: 3600, window: 300, issued: ISSUED, revoked: true });
    expect(liveState(revoked, ISSUED).state).toBe("revoked");
    expect(liveState(tokenStatus({ none: true }), ISSUED)).toEqual({ state: "none", secondsLeft: null });
  });
});

describe("countdown", () => {
  it("reads like a clock, then in days", () => {
    expect(countdown(42)).toBe("0:42");
    expect(countdown(3598)).toBe("59:58");
    expect(countdown(3723)).toBe("1:02:03");
    expect(countdown(2 * 86_400 + 3 * 3600 + 5)).toBe("2 d 3 h");
    expect(countdown(0)).toBe("expired");
    expect(expiredAgo(-125)).toBe("expired 2 min ago");
  });
});

describe("duration", () => {
  it("says a length of time in words", () => {
    expect(duration(45)).toBe("45 s");
    expect(duration(598)).toBe("9 min 58 s");
    expect(duration(600)).toBe("10 min");
    expect(duration(3720)).toBe("1 h 02 min");
    expect(duration(2 * 86_400 + 3 * 3600)).toBe("2 d 3 h");
    expect(duration(-5)).toBe("0 s");
  });
});

describe("parsing what the user typed", () => {
  it("splits scopes on any whitespace", () => {
    expect(parseScopes("  read   write\tadmin ")).toEqual(["read", "write", "admin"]);
  });

  it("reads headers and names the line that is not a header", () => {
    expect(parseHeaders("Accept: application/json\n\nX-Trace:  a:b ")).toEqual({
      headers: [
        { name: "Accept", value: "application/json" },
        { name: "X-Trace", value: "a:b" },
      ],
      error: null,
    });
    expect(parseHeaders("Accept: x\nbroken").error).toBe("Line 2 is not “Name: value”.");
  });
});

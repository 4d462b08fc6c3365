import { daysAgo, daysSince, plural, relativeTime } from "./time";

describe("time words", () => {
  it("says how long ago in days, months and years", () => {
    expect(daysAgo(0)).toBe("today");
    expect(daysAgo(1)).toBe("yesterday");
    expect(daysAgo(3)).toBe("3 days ago");
    expect(daysAgo(120)).toBe("4 months ago");
    expect(daysAgo(800)).toBe("2 years ago");
  });
  it("counts whole days and short times", () => {
    const now = Date.parse("2026-11-22T12:00:00Z");
    expect(daysSince("2026-11-19T13:00:00Z", now)).toBe(2);
    expect(relativeTime("2026-11-22T11:59:30Z", now)).toBe("just now");
    expect(relativeTime("2026-11-22T11:55:00Z", now)).toBe("5 min ago");
    expect(relativeTime("2026-11-22T09:00:00Z", now)).toBe("3 h ago");
  });
  it("pluralises", () => {
    expect(plural(1, "app")).toBe("1 app");
    expect(plural(3, "app")).toBe("3 apps");
    expect(plural(2, "entry", "entries")).toBe("2 entries");
    expect(plural(10_002, "app")).toBe(`${(10_002).toLocaleString()} apps`);
  });
});

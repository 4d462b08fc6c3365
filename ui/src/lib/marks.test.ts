import { mark, markOnce, measureSince, measureToFrame, recordProcessMarks } from "./marks";

describe("marks", () => {
  beforeEach(() => {
    performance.clearMarks();
    performance.clearMeasures();
    vi.spyOn(window, "requestAnimationFrame").mockImplementation((callback) => {
      callback(performance.now());
      return 0;
    });
  });
  afterEach(() => {
    vi.restoreAllMocks();
  });

  it("marks a start-up phase once", () => {
    markOnce("first-render");
    markOnce("first-render");
    expect(performance.getEntriesByName("authdeck:first-render", "mark")).toHaveLength(1);
  });

  it("measures from a start to the next frame once per start", () => {
    mark("open-app-start");
    measureToFrame("open-app", "open-app-start");
    measureToFrame("open-app", "open-app-start");
    expect(performance.getEntriesByName("authdeck:open-app", "measure")).toHaveLength(1);
    expect(performance.getEntriesByName("authdeck:open-app-start", "mark")).toHaveLength(0);
  });

  it("measures from a start to now and leaves the start for the frame's measure", () => {
    mark("palette-input");
    measureSince("palette-results", "palette-input");
    expect(performance.getEntriesByName("authdeck:palette-results", "measure")).toHaveLength(1);
    measureToFrame("palette", "palette-input");
    expect(performance.getEntriesByName("authdeck:palette", "measure")).toHaveLength(1);
    measureSince("palette-results", "palette-input");
    expect(performance.getEntriesByName("authdeck:palette-results", "measure")).toHaveLength(1);
  });

  it("measures nothing without a start", () => {
    measureToFrame("switch", "switch-start");
    expect(performance.getEntriesByName("authdeck:switch", "measure")).toHaveLength(0);
  });
});

describe("recordProcessMarks", () => {
  it("puts the process's phases on the timeline at their times after its origin", () => {
    performance.clearMarks();
    const origin = performance.timeOrigin;
    recordProcessMarks({
      process_epoch_ms: origin - 40,
      main_epoch_ms: origin - 20,
      marks: [{ name: "store-opened", at_ms: 35 }],
    });
    const opened = performance.getEntriesByName("authdeck:process:store-opened", "mark")[0];
    expect(opened?.startTime).toBeCloseTo(15, 3);
    const exec = performance.getEntriesByName("authdeck:process:exec", "mark")[0] as PerformanceMark | undefined;
    expect(exec?.startTime).toBe(0);
    expect(exec?.detail).toEqual({ before_origin_ms: -40 });
  });
});

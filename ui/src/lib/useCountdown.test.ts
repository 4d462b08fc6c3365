import { act, renderHook } from "@testing-library/react";
import { useCountdown } from "./useCountdown";

describe("useCountdown", () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it("counts whole seconds down to zero and stays there", () => {
    const { result } = renderHook(() => useCountdown());
    expect(result.current[0]).toBeNull();
    act(() => {
      result.current[1](3);
    });
    expect(result.current[0]).toBe(3);
    act(() => {
      vi.advanceTimersByTime(1000);
    });
    expect(result.current[0]).toBe(2);
    act(() => {
      vi.advanceTimersByTime(2500);
    });
    expect(result.current[0]).toBe(0);
  });

  it("restarts from the new length when started again, and stops to null", () => {
    const { result } = renderHook(() => useCountdown());
    act(() => {
      result.current[1](30);
    });
    act(() => {
      vi.advanceTimersByTime(20_000);
    });
    expect(result.current[0]).toBe(10);
    act(() => {
      result.current[1](30);
    });
    expect(result.current[0]).toBe(30);
    act(() => {
      result.current[2]();
    });
    expect(result.current[0]).toBeNull();
  });
});

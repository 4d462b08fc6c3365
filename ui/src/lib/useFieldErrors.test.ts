import { act, renderHook } from "@testing-library/react";
import type { FieldError } from "../bindings/FieldError";
import { useFieldErrors } from "./useFieldErrors";

describe("useFieldErrors", () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it("validates once per change of the input, after the debounce, even with a new callback each render", async () => {
    vi.useFakeTimers();
    const found: FieldError[] = [{ field: "name", message: "Enter a name." }];
    const validate = vi.fn<(input: { name: string }) => Promise<FieldError[]>>(() => Promise.resolve(found));
    const { result, rerender } = renderHook(({ name }) => useFieldErrors({ name }, (input) => validate(input)), {
      initialProps: { name: "" },
    });
    rerender({ name: "S" });
    rerender({ name: "Sa" });
    expect(validate).not.toHaveBeenCalled();
    await act(async () => {
      await vi.advanceTimersByTimeAsync(200);
    });
    expect(validate.mock.calls).toEqual([[{ name: "Sa" }]]);
    expect(result.current).toEqual(found);
    // the re-render caused by the result must not start another request
    await act(async () => {
      await vi.advanceTimersByTimeAsync(1000);
    });
    expect(validate).toHaveBeenCalledTimes(1);
  });
});

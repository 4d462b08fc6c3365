import { renderHook } from "@testing-library/react";
import { useFocusReturn } from "./useFocusReturn";

describe("useFocusReturn", () => {
  it("gives the focus back to the button that started an action once it is enabled again", () => {
    const button = document.createElement("button");
    document.body.append(button);
    button.focus();
    const { result, rerender } = renderHook(({ busy }) => useFocusReturn(busy), { initialProps: { busy: false } });
    result.current();
    rerender({ busy: true });
    // what a browser does when the focused button is disabled
    button.blur();
    button.disabled = true;
    expect(document.activeElement).toBe(document.body);
    button.disabled = false;
    rerender({ busy: false });
    expect(document.activeElement).toBe(button);
    button.remove();
  });

  it("leaves the focus where the user put it meanwhile", () => {
    const button = document.createElement("button");
    const other = document.createElement("input");
    document.body.append(button, other);
    button.focus();
    const { result, rerender } = renderHook(({ busy }) => useFocusReturn(busy), { initialProps: { busy: false } });
    result.current();
    rerender({ busy: true });
    other.focus();
    rerender({ busy: false });
    expect(document.activeElement).toBe(other);
    button.remove();
    other.remove();
  });
});

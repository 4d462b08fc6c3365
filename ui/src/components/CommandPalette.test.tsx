import { render, screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { appEntries, commandEntries } from "../lib/palette";
import { clientApp, environment, summaryOf } from "../test/fixtures";
import { CommandPalette } from "./CommandPalette";

const sandbox = environment({ id: "env-sbx", name: "Sandbox" });
const production = environment({ id: "env-prd", name: "Production", kind: "production" });
const entries = [
  ...commandEntries([sandbox, production], sandbox),
  ...appEntries([summaryOf(clientApp({ id: "a1", display_name: "Billing sync", client_id: "billing-sbx-123" }))], sandbox),
  ...appEntries([summaryOf(clientApp({ id: "p1", display_name: "Ledger export", client_id: "ledger-prd-1", environment_id: "env-prd" }))], production),
];

function renderPalette() {
  const onChoose = vi.fn();
  const onClose = vi.fn();
  render(<CommandPalette entries={entries} loading={false} onChoose={onChoose} onClose={onClose} />);
  return { onChoose, onClose, input: screen.getByRole("combobox", { name: "Search apps and commands" }) };
}

const highlighted = () => document.getElementById(screen.getByTestId("palette-input").getAttribute("aria-activedescendant") ?? "");

describe("CommandPalette", () => {
  it("is a dialog whose labelled field has the focus and points at the highlighted option", () => {
    const { input } = renderPalette();
    expect(screen.getByRole("dialog")).toHaveAccessibleName("Go to an app or run a command");
    expect(input).toHaveFocus();
    expect(input).toHaveAttribute("aria-controls", "palette-results");
    expect(screen.getByRole("listbox")).toHaveAttribute("id", "palette-results");
    expect(highlighted()).toHaveTextContent("Switch to “Production”");
    expect(highlighted()).toHaveAttribute("aria-selected", "true");
  });

  it("moves with the arrow keys and runs the highlighted entry with Enter", async () => {
    const { input, onChoose } = renderPalette();
    await userEvent.type(input, "led");
    expect(screen.getAllByTestId("palette-option").map((option) => option.textContent)).toEqual(["Ledger exportledger-prd-1Production"]);
    await userEvent.clear(input);
    await userEvent.type(input, "s");
    const titles = screen.getAllByRole("option").map((option) => option.querySelector(".palette-option-title")?.textContent);
    expect(titles.slice(0, 2)).toEqual(["Switch to “Production”", "Open settings"]);
    await userEvent.keyboard("{ArrowDown}");
    expect(highlighted()).toHaveTextContent("Open settings");
    await userEvent.keyboard("{ArrowUp}{ArrowUp}");
    expect(highlighted()).toHaveTextContent("Switch to “Production”");
    await userEvent.keyboard("{ArrowDown}{Enter}");
    expect(onChoose).toHaveBeenCalledExactlyOnceWith({ kind: "settings" });
  });

  it("shows each app's environment beside it", async () => {
    const { input } = renderPalette();
    await userEvent.type(input, "ledger");
    expect(screen.getByTestId("palette-option-env")).toHaveTextContent("Production");
    expect(screen.getByTestId("palette-option-env")).toHaveClass("kind-production");
  });

  it("lists an app's actions with Tab; Escape goes back, and closes the palette only from the top", async () => {
    const { input, onChoose, onClose } = renderPalette();
    await userEvent.type(input, "ledger");
    await userEvent.keyboard("{Tab}");
    expect(screen.getByTestId("palette-scope")).toHaveTextContent("Ledger export ›");
    expect(input).toHaveValue("");
    expect(input).toHaveFocus();
    expect(screen.getByRole("combobox")).toHaveAccessibleName("Actions on Ledger export");
    await userEvent.type(input, "revoke");
    await userEvent.keyboard("{Enter}");
    expect(onChoose).toHaveBeenCalledExactlyOnceWith({ kind: "app-action", environmentId: "env-prd", appId: "p1", action: "revoke" });

    await userEvent.keyboard("{Escape}");
    expect(screen.queryByTestId("palette-scope")).toBeNull();
    expect(onClose).not.toHaveBeenCalled();
    await userEvent.keyboard("{Escape}");
    expect(onClose).toHaveBeenCalledOnce();
  });

  it("says when nothing matches, and Enter then does nothing", async () => {
    const { input, onChoose } = renderPalette();
    await userEvent.type(input, "qqqq{Enter}");
    expect(screen.getByTestId("palette-empty")).toHaveTextContent("Nothing matches “qqqq”");
    expect(onChoose).not.toHaveBeenCalled();
  });
});

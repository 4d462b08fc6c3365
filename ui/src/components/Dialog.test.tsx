import { fireEvent, render, screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { StrictMode, useState } from "react";
import { Dialog } from "./Dialog";

function Opener() {
  const [open, setOpen] = useState(false);
  return (
    <>
      <button type="button" onClick={() => { setOpen(true); }}>
        Open
      </button>
      {open && (
        <Dialog title="Edit" testId="dialog" onClose={() => { setOpen(false); }}>
          <input aria-label="Name" />
          <button type="button">Save</button>
        </Dialog>
      )}
    </>
  );
}

describe("Dialog", () => {
  it("focuses the first field, keeps Tab inside, closes on Escape and gives focus back", async () => {
    render(
      <StrictMode>
        <Opener />
      </StrictMode>,
    );
    const opener = screen.getByRole("button", { name: "Open" });
    await userEvent.click(opener);
    expect(screen.getByLabelText("Name")).toHaveFocus();

    screen.getByRole("button", { name: "Save" }).focus();
    await userEvent.tab();
    expect(screen.getByRole("button", { name: "Close" })).toHaveFocus();
    await userEvent.tab({ shift: true });
    expect(screen.getByRole("button", { name: "Save" })).toHaveFocus();

    fireEvent.keyDown(screen.getByLabelText("Name"), { key: "Escape" });
    expect(screen.queryByTestId("dialog")).toBeNull();
    expect(opener).toHaveFocus();
  });
});

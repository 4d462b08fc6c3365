import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import type { SetupConflicts } from "../bindings/SetupConflicts";
import { fakeBackend } from "../test/backend";
import { clientApp, environment } from "../test/fixtures";
import { renderWithProviders } from "../test/render";
import { AppForm } from "./AppForm";
import { EnvironmentForm } from "./EnvironmentForm";
import { SetupConflictDialog } from "./SetupConflictDialog";

const conflicts: SetupConflicts = {
  fields: [
    { client_id: "billing-sbx-123", app: "Billing sync", field: "description", mine: '"nightly"', theirs: '"hourly"' },
    { client_id: "reports", app: "Reports", field: "app", mine: null, theirs: '{"labels":["finance"]}' },
  ],
  theirs_written_at: "2026-12-01T05:02:11Z",
  theirs_written_by: "oidc-bob",
};

describe("SetupConflictDialog", () => {
  it("shows both sides of each field and writes only once every field is chosen", async () => {
    const onChoose = vi.fn();
    fakeBackend({});
    renderWithProviders(<SetupConflictDialog conflicts={conflicts} onChoose={onChoose} onCancel={vi.fn()} />);
    const [description, removal] = screen.getAllByTestId("setup-conflict");
    if (!description || !removal) throw new Error("two conflicts shown");
    // when and by whom theirs was written (their vault identity, recorded in the set-up)
    expect(screen.getByTestId("setup-conflict-dialog")).toHaveTextContent(
      `since this computer last read it (theirs written ${new Date("2026-12-01T05:02:11Z").toLocaleString()} by oidc-bob).`,
    );
    expect(description).toHaveTextContent("“Billing sync” (billing-sbx-123): description");
    expect(within(description).getByTestId("setup-conflict-mine-value")).toHaveTextContent('"nightly"');
    expect(within(description).getByTestId("setup-conflict-theirs-value")).toHaveTextContent('"hourly"');
    expect(removal).toHaveTextContent("“Reports” (reports): the whole app");
    expect(within(removal).getByTestId("setup-conflict-mine-value")).toHaveTextContent("removed");
    expect(within(removal).getByTestId("setup-conflict-theirs-value")).toHaveTextContent('{"labels":["finance"]}');

    const save = screen.getByTestId("setup-conflict-save");
    expect(save).toBeDisabled();
    await userEvent.click(within(description).getByTestId("setup-conflict-theirs"));
    expect(save).toBeDisabled();
    await userEvent.click(within(removal).getByTestId("setup-conflict-mine"));
    await userEvent.click(save);
    expect(onChoose).toHaveBeenCalledWith({
      all: null,
      each: [
        { client_id: "billing-sbx-123", field: "description", side: "theirs" },
        { client_id: "reports", field: "app", side: "mine" },
      ],
    });
  });

  it("opens from the app form on a conflict and saves again with the choices", async () => {
    const onSaved = vi.fn();
    let tries = 0;
    const backend = fakeBackend({
      validate_app: () => [],
      update_app: (args) => {
        tries += 1;
        if (tries === 1) {
          // eslint-disable-next-line @typescript-eslint/only-throw-error -- the backend rejects with IpcError objects
          throw { code: "setup_conflict", message: "Another member changed the same field.", field: null, conflicts: { ...conflicts, fields: [conflicts.fields[0]] } };
        }
        return { ...clientApp(), ...(args.input as object) };
      },
    });
    renderWithProviders(<AppForm app={clientApp()} environmentId="env-sbx" onSaved={onSaved} onCancel={vi.fn()} />);
    await userEvent.type(screen.getByTestId("app-description"), "nightly");
    await userEvent.click(screen.getByTestId("app-save"));
    const dialog = await screen.findByTestId("setup-conflict-dialog");
    expect(onSaved).not.toHaveBeenCalled();
    await userEvent.click(within(dialog).getByTestId("setup-conflict-mine"));
    await userEvent.click(within(dialog).getByTestId("setup-conflict-save"));
    await waitFor(() => {
      expect(onSaved).toHaveBeenCalled();
    });
    const calls = backend.callsOf("update_app");
    expect(calls).toHaveLength(2);
    expect(calls[0]?.choices).toBeUndefined();
    expect(calls[1]?.choices).toEqual({
      all: null,
      each: [{ client_id: "billing-sbx-123", field: "description", side: "mine" }],
    });
    expect(screen.queryByTestId("setup-conflict-dialog")).toBeNull();
  });

  it("opens from the environment form on a conflict and saves again with the choices", async () => {
    const onSaved = vi.fn();
    let tries = 0;
    const tokenUrl = { client_id: null, app: null, field: "endpoints.token_url", mine: '"https://a.example/token"', theirs: '"https://b.example/token"' };
    const backend = fakeBackend({
      validate_environment: () => [],
      update_environment: (args) => {
        tries += 1;
        if (tries === 1) {
          // eslint-disable-next-line @typescript-eslint/only-throw-error -- the backend rejects with IpcError objects
          throw { code: "setup_conflict", message: "Another member changed the same field.", field: null, conflicts: { fields: [tokenUrl], theirs_written_at: null, theirs_written_by: null } };
        }
        return { ...environment(), ...(args.input as object) };
      },
    });
    renderWithProviders(<EnvironmentForm environment={environment()} onClose={vi.fn()} onSaved={onSaved} />);
    await userEvent.click(screen.getByTestId("env-save"));
    const dialog = await screen.findByTestId("setup-conflict-dialog");
    expect(within(dialog).getByTestId("setup-conflict")).toHaveTextContent("The environment: endpoints.token_url");
    await userEvent.click(within(dialog).getByTestId("setup-conflict-theirs"));
    await userEvent.click(within(dialog).getByTestId("setup-conflict-save"));
    await waitFor(() => {
      expect(onSaved).toHaveBeenCalled();
    });
    expect(backend.callsOf("update_environment")[1]?.choices).toEqual({
      all: null,
      each: [{ client_id: null, field: "endpoints.token_url", side: "theirs" }],
    });
  });
});

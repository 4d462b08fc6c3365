import { screen, waitFor } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { fakeBackend } from "../test/backend";
import { environment } from "../test/fixtures";
import { renderWithProviders } from "../test/render";
import { DeleteEnvironmentDialog } from "./DeleteEnvironmentDialog";

const shared = { team_of_environment: () => ({ team: "acme", method: "token", username: null }) };
const gone = { apps_removed: 1, keychain_entries_removed: 1 };

describe("DeleteEnvironmentDialog", () => {
  it("offers a local environment's deletion only, as before", async () => {
    const onDeleted = vi.fn();
    const backend = fakeBackend({ delete_environment: () => ({ apps_removed: 0, keychain_entries_removed: 0 }) });
    renderWithProviders(<DeleteEnvironmentDialog environment={environment({ app_count: 0 })} onClose={vi.fn()} onDeleted={onDeleted} />);
    await userEvent.click(await screen.findByTestId("confirm-ok"));
    await waitFor(() => { expect(onDeleted).toHaveBeenCalledWith({ apps_removed: 0, keychain_entries_removed: 0 }, "deleted"); });
    expect(screen.queryByTestId("env-leave")).toBeNull();
    expect(backend.callsOf("delete_environment")).toEqual([{ id: "env-sbx", withApps: false }]);
  });

  it("leaves a team environment only when leaving is chosen: the vault is not asked to delete anything", async () => {
    const onDeleted = vi.fn();
    const backend = fakeBackend({ ...shared, leave_environment: () => gone });
    renderWithProviders(<DeleteEnvironmentDialog environment={environment()} onClose={vi.fn()} onDeleted={onDeleted} />);
    expect(await screen.findByText(/is shared through the team vault “acme”/)).toBeInTheDocument();
    // no choice is made for the user
    await userEvent.click(screen.getByTestId("confirm-ok"));
    expect(screen.getByTestId("action-error")).toHaveTextContent("Choose whether to leave it or to delete it for the whole team.");
    await userEvent.click(screen.getByTestId("env-leave"));
    expect(screen.getByTestId("confirm-ok")).toHaveTextContent("Leave “Sandbox”");
    await userEvent.click(screen.getByTestId("confirm-ok"));
    await waitFor(() => { expect(onDeleted).toHaveBeenCalledWith(gone, "left"); });
    expect(backend.callsOf("leave_environment")).toEqual([{ id: "env-sbx" }]);
    expect(backend.callsOf("delete_environment_for_team")).toEqual([]);
    expect(backend.callsOf("delete_environment")).toEqual([]);
  });

  it("deletes a production team environment for the team only once its name is typed", async () => {
    const onDeleted = vi.fn();
    const backend = fakeBackend({ ...shared, delete_environment_for_team: () => gone });
    const production = environment({ id: "env-prod", name: "Production", kind: "production" });
    renderWithProviders(<DeleteEnvironmentDialog environment={production} onClose={vi.fn()} onDeleted={onDeleted} />);
    await userEvent.click(await screen.findByTestId("env-delete-for-team"));
    expect(screen.getByTestId("confirm-ok")).toHaveTextContent("Delete “Production” for the team");
    await userEvent.click(screen.getByTestId("confirm-ok"));
    expect(screen.getByTestId("action-error")).toHaveTextContent("Type “Production” to delete this production environment for the team.");
    expect(backend.callsOf("delete_environment_for_team")).toEqual([]);
    await userEvent.type(screen.getByTestId("env-delete-for-team-name"), "Production");
    await userEvent.click(screen.getByTestId("confirm-ok"));
    await waitFor(() => { expect(onDeleted).toHaveBeenCalledWith(gone, "deleted_for_team"); });
    expect(backend.callsOf("delete_environment_for_team")).toEqual([{ id: "env-prod" }]);
  });

  it("shows the vault's refusal of a deletion for the team in place, and leaving stays open", async () => {
    const onDeleted = vi.fn();
    const refusal = "“Sandbox” was not deleted for the team: your vault policy does not allow deleting secret/metadata/authdeck/acme/sandbox/setup (it needs “delete” there); nothing was changed.";
    fakeBackend({
      ...shared,
      delete_environment_for_team: () => {
        // eslint-disable-next-line @typescript-eslint/only-throw-error -- the backend rejects with IpcError objects
        throw { code: "vault_refused", message: refusal, field: null };
      },
      leave_environment: () => gone,
    });
    renderWithProviders(<DeleteEnvironmentDialog environment={environment()} onClose={vi.fn()} onDeleted={onDeleted} />);
    await userEvent.click(await screen.findByTestId("env-delete-for-team"));
    await userEvent.click(screen.getByTestId("confirm-ok"));
    expect(await screen.findByTestId("action-error")).toHaveTextContent(refusal);
    expect(onDeleted).not.toHaveBeenCalled();
    await userEvent.click(screen.getByTestId("env-leave"));
    await userEvent.click(screen.getByTestId("confirm-ok"));
    await waitFor(() => { expect(onDeleted).toHaveBeenCalledWith(gone, "left"); });
  });
});

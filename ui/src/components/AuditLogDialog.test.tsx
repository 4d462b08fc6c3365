import { screen, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import type { AuditEntry } from "../bindings/AuditEntry";
import { fakeBackend } from "../test/backend";
import { renderWithProviders } from "../test/render";
import { AuditLogDialog } from "./AuditLogDialog";

const entry = (overrides: Partial<AuditEntry>): AuditEntry => ({
  id: 1,
  at: "2026-11-23T10:00:00Z",
  actor: "desktop",
  action: "secret_copied",
  environment_id: "env-sbx",
  environment_name: "Sandbox",
  app_id: "app-1",
  app_name: "Billing sync",
  detail: "Secret 1",
  ...overrides,
});

const LOG: AuditEntry[] = [
  entry({ id: 4, action: "token_minted", actor: "cli", detail: "read write" }),
  entry({ id: 3, action: "environment_switched", app_id: null, app_name: null, environment_name: "Prod", detail: "from “Sandbox”" }),
  entry({ id: 2, action: "secret_copied", app_name: "Reporting", app_id: "app-2" }),
  entry({ id: 1, action: "import_applied", environment_id: null, environment_name: null, app_id: null, app_name: null, detail: "2 added, 0 changed, 0 skipped" }),
];

const rows = () =>
  screen.getAllByTestId("audit-row").map((row) =>
    within(row)
      .getAllByRole("cell")
      .slice(1)
      .map((cell) => cell.textContent),
  );

describe("AuditLogDialog", () => {
  it("lists the newest entries first with action, environment, app, detail and who", async () => {
    const backend = fakeBackend({ audit_log: () => LOG });
    renderWithProviders(<AuditLogDialog onClose={vi.fn()} />);
    expect(await screen.findAllByTestId("audit-row")).toHaveLength(4);
    expect(rows()).toEqual([
      ["Token minted", "Sandbox", "Billing sync", "read write", "Command line"],
      ["Environment switched", "Prod", "—", "from “Sandbox”", "Desktop app"],
      ["Secret copied", "Sandbox", "Reporting", "Secret 1", "Desktop app"],
      ["Import applied", "—", "—", "2 added, 0 changed, 0 skipped", "Desktop app"],
    ]);
    expect(screen.getByTestId("audit-count")).toHaveTextContent("4 entries");
    expect(backend.callsOf("audit_log")).toEqual([{ query: { app: null, since: null, limit: 1000 } }]);
  });

  it("filters as you type on every word, across action, app, environment, detail and who", async () => {
    fakeBackend({ audit_log: () => LOG });
    renderWithProviders(<AuditLogDialog onClose={vi.fn()} />);
    await screen.findAllByTestId("audit-row");
    const filter = screen.getByTestId("audit-filter");

    await userEvent.type(filter, "copied");
    expect(rows()).toEqual([["Secret copied", "Sandbox", "Reporting", "Secret 1", "Desktop app"]]);
    expect(screen.getByTestId("audit-count")).toHaveTextContent("1 of 4 entries");

    await userEvent.clear(filter);
    await userEvent.type(filter, "SANDBOX command");
    expect(rows().map((row) => row[0])).toEqual(["Token minted"]);

    await userEvent.clear(filter);
    await userEvent.type(filter, "cli");
    expect(rows().map((row) => row[0])).toEqual(["Token minted"]);

    await userEvent.clear(filter);
    await userEvent.type(filter, "nothing like it");
    expect(screen.queryAllByTestId("audit-row")).toEqual([]);
    expect(screen.getByTestId("audit-no-match")).toHaveTextContent("No entry matches “nothing like it”.");
  });

  it("says so when nothing is recorded yet", async () => {
    fakeBackend({ audit_log: () => [] });
    renderWithProviders(<AuditLogDialog onClose={vi.fn()} />);
    expect(await screen.findByTestId("audit-empty")).toHaveTextContent("Nothing recorded yet.");
    expect(screen.queryByTestId("audit-count")).toBeNull();
  });

  it("shows why the log could not be read", async () => {
    fakeBackend({
      audit_log: () => {
        // eslint-disable-next-line @typescript-eslint/only-throw-error -- the backend rejects with IpcError objects
        throw { code: "store", message: "The database is busy (another Authdeck is writing); try again.", field: null };
      },
    });
    renderWithProviders(<AuditLogDialog onClose={vi.fn()} />);
    expect(await screen.findByTestId("action-error")).toHaveTextContent("The database is busy (another Authdeck is writing); try again.");
  });
});

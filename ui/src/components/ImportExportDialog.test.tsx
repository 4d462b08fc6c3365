import { screen, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import type { ImportReport } from "../bindings/ImportReport";
import { fakeBackend } from "../test/backend";
import { renderWithProviders } from "../test/render";
import { ImportExportDialog, fieldLabel } from "./ImportExportDialog";

const preview = (overrides: Partial<ImportReport> = {}): ImportReport => ({
  applied: false,
  endpoint_changes: [],
  production_to_confirm: [],
  environments: [
    {
      name: "Sandbox",
      kind: "sandbox",
      outcome: "changed",
      changes: [{ field: "color", before: "#2f80ed", after: "#00aa00" }],
      apps: [
        {
          display_name: "Billing sync",
          client_id: "billing-sbx",
          outcome: "changed",
          changes: [{ field: "default_scopes", before: "read", after: "read, write" }],
          needs_secret: false,
        },
        { display_name: "Web", client_id: "web", outcome: "skipped", changes: [], needs_secret: false },
      ],
    },
    {
      name: "Prod",
      kind: "production",
      outcome: "added",
      changes: [],
      apps: [{ display_name: "Billing sync", client_id: "billing-prod", outcome: "added", changes: [], needs_secret: true }],
    },
  ],
  problems: [],
  added: 2,
  changed: 2,
  skipped: 1,
  ...overrides,
});

async function openImport(path: string) {
  await userEvent.click(screen.getByTestId("tab-import"));
  await userEvent.type(screen.getByTestId("import-path"), path);
  await userEvent.click(screen.getByTestId("import-preview-button"));
}

describe("ImportExportDialog", () => {
  it("exports to the suggested path and says what the file holds", async () => {
    const backend = fakeBackend({
      suggested_export_path: () => "/home/ada/authdeck-export-2026-11-23.json",
      export_setup: (args) => ({ path: args.path, environments: 2, apps: 3 }),
    });
    renderWithProviders(<ImportExportDialog onClose={vi.fn()} />);
    expect(await screen.findByDisplayValue("/home/ada/authdeck-export-2026-11-23.json")).toBe(screen.getByTestId("export-path"));
    await userEvent.click(screen.getByTestId("export-save"));
    expect(await screen.findByTestId("export-done")).toHaveTextContent(
      "Exported 2 environments and 3 apps to /home/ada/authdeck-export-2026-11-23.json. The file holds no secrets and no tokens.",
    );
    expect(backend.callsOf("export_setup")).toEqual([{ path: "/home/ada/authdeck-export-2026-11-23.json", overwrite: false }]);
  });

  it("shows a refusal to replace a file under the path, and replaces it when asked", async () => {
    let calls = 0;
    const backend = fakeBackend({
      suggested_export_path: () => null,
      export_setup: (args) => {
        calls += 1;
        if (calls === 1) {
          // eslint-disable-next-line @typescript-eslint/only-throw-error -- the backend rejects with IpcError objects
          throw { code: "conflict", message: "/tmp/team.json already exists; it was left as it is.", field: "file" };
        }
        return { path: args.path, environments: 1, apps: 1 };
      },
    });
    renderWithProviders(<ImportExportDialog onClose={vi.fn()} />);
    await userEvent.type(screen.getByTestId("export-path"), "/tmp/team.json");
    await userEvent.click(screen.getByTestId("export-save"));
    expect(await screen.findByTestId("field-error-path")).toHaveTextContent("/tmp/team.json already exists; it was left as it is.");
    expect(screen.queryByTestId("export-done")).toBeNull();

    await userEvent.click(screen.getByTestId("export-overwrite"));
    await userEvent.click(screen.getByTestId("export-save"));
    expect(await screen.findByTestId("export-done")).toHaveTextContent("Exported 1 environment and 1 app to /tmp/team.json.");
    expect(screen.queryByTestId("field-error-path")).toBeNull();
    expect(backend.callsOf("export_setup")).toEqual([
      { path: "/tmp/team.json", overwrite: false },
      { path: "/tmp/team.json", overwrite: true },
    ]);
  });

  it("previews what is added, changed field by field and skipped, then imports it", async () => {
    const backend = fakeBackend({
      suggested_export_path: () => null,
      preview_import: () => preview(),
      apply_import: () => preview({ applied: true }),
    });
    renderWithProviders(<ImportExportDialog onClose={vi.fn()} />);
    await openImport("~/team.json");

    expect(await screen.findByTestId("import-summary")).toHaveTextContent("2 to add · 2 to change · 1 already the same");
    const sandbox = screen.getByTestId("import-env-Sandbox");
    // the environment and its Billing app
    expect(within(sandbox).getAllByText("Changes", { selector: ".outcome" })).toHaveLength(2);
    expect(
      within(screen.getByTestId("import-env-changes-Sandbox")).getAllByRole("row").map((row) => row.textContent),
    ).toEqual(["FieldHere nowIn the file", "Colour#2f80ed#00aa00"]);
    expect(
      within(screen.getByTestId("import-app-changes-billing-sbx")).getAllByRole("row").map((row) => row.textContent),
    ).toEqual(["FieldHere nowIn the file", "Default scopesreadread, write"]);
    expect(screen.getByTestId("import-app-web")).toHaveTextContent("SameWebweb");
    expect(screen.getByTestId("import-app-billing-prod")).toHaveTextContent("NewBilling syncbilling-prodNo secret yet");
    expect(screen.getByTestId("import-needs-secrets")).toHaveTextContent(
      "1 confidential app will have no secret here: add it after importing.",
    );
    // Prod is only added to: no production warning
    expect(screen.queryByTestId("import-production-warning")).toBeNull();
    expect(backend.callsOf("apply_import")).toEqual([]);

    await userEvent.click(screen.getByTestId("import-apply"));
    expect(await screen.findByText("Imported: 2 added · 2 changed · 1 already the same")).toBeInTheDocument();
    expect(screen.getByTestId("import-app-billing-prod")).toHaveTextContent("Added");
    expect(
      within(screen.getByTestId("import-env-changes-Sandbox")).getAllByRole("row").map((row) => row.textContent),
    ).toEqual(["FieldBeforeAfter", "Colour#2f80ed#00aa00"]);
    expect(screen.getByTestId("import-needs-secrets")).toHaveTextContent(
      "1 confidential app has no secret here yet: add it in the app's Secrets panel.",
    );
    expect(backend.callsOf("preview_import")).toEqual([{ path: "~/team.json" }]);
    expect(backend.callsOf("apply_import")).toEqual([{ path: "~/team.json", confirmedProduction: [] }]);
    expect(screen.queryByTestId("import-apply")).toBeNull();
  });

  it("lists every problem and will not import while there is one", async () => {
    const backend = fakeBackend({
      suggested_export_path: () => null,
      preview_import: () =>
        preview({
          problems: [
            { place: "app “Billing sync” (billing-sbx) in “Sandbox”", field: "redirect_uris.0", message: "Use https." },
            { place: "environment “Prod”", field: "endpoints.token_url", message: "Use an https:// URL (not ftp:)." },
          ],
        }),
    });
    renderWithProviders(<ImportExportDialog onClose={vi.fn()} />);
    await openImport("/tmp/team.json");
    const problems = await screen.findByTestId("import-problems");
    expect(within(problems).getAllByRole("listitem").map((item) => item.textContent)).toEqual([
      "app “Billing sync” (billing-sbx) in “Sandbox” — Redirect URIs #1: Use https.",
      "environment “Prod” — Token endpoint: Use an https:// URL (not ftp:).",
    ]);
    expect(screen.getByTestId("import-apply")).toBeDisabled();
    expect(backend.callsOf("apply_import")).toEqual([]);
  });

  it("shows a refused file under its path and offers the preview again for another path", async () => {
    fakeBackend({
      suggested_export_path: () => null,
      preview_import: () => {
        // eslint-disable-next-line @typescript-eslint/only-throw-error -- the backend rejects with IpcError objects
        throw {
          code: "validation",
          message: "The file is an Authdeck export of version 2; this build of Authdeck reads version 1. Update Authdeck to import it.",
          field: "file",
        };
      },
    });
    renderWithProviders(<ImportExportDialog onClose={vi.fn()} />);
    await openImport("/tmp/new.json");
    expect(await screen.findByTestId("field-error-path")).toHaveTextContent(
      "The file is an Authdeck export of version 2; this build of Authdeck reads version 1.",
    );
    expect(screen.queryByTestId("import-preview")).toBeNull();
    expect(screen.getByTestId("import-preview-button")).toBeEnabled();
  });

  it("does not offer to import a file that changes nothing", async () => {
    fakeBackend({
      suggested_export_path: () => null,
      preview_import: () => preview({ added: 0, changed: 0, skipped: 5 }),
    });
    renderWithProviders(<ImportExportDialog onClose={vi.fn()} />);
    await openImport("/tmp/team.json");
    expect(await screen.findByTestId("import-apply")).toBeDisabled();
    expect(screen.getByTestId("import-apply")).toHaveTextContent("Import 0 changes");
  });

  it("warns when the file changes a production environment or its apps", async () => {
    const [sandbox] = preview().environments;
    const prod = {
      name: "Prod",
      kind: "production" as const,
      outcome: "skipped" as const,
      changes: [],
      apps: [{ display_name: "Billing sync", client_id: "billing-prod", outcome: "changed" as const, changes: [], needs_secret: false }],
    };
    fakeBackend({
      suggested_export_path: () => null,
      preview_import: () => preview({ environments: sandbox ? [sandbox, prod] : [prod], production_to_confirm: ["Prod"] }),
    });
    renderWithProviders(<ImportExportDialog onClose={vi.fn()} />);
    await openImport("/tmp/team.json");
    expect(await screen.findByTestId("import-production-warning")).toHaveTextContent(
      "This changes the production environment “Prod”: settings live systems use.",
    );
  });
});

describe("ImportExportDialog and where secrets go", () => {
  // the file calls the stored production environment a sandbox and moves its token endpoint
  const repointing = (overrides: Partial<ImportReport> = {}) =>
    preview({
      endpoint_changes: [
        {
          environment: "Prod",
          field: "endpoints.token_url",
          before: "https://id.example.com/token",
          after: "https://collector.example.net/token",
          pauses_renewal: true,
        },
      ],
      production_to_confirm: ["Prod"],
      environments: [
        {
          name: "Prod",
          kind: "production",
          outcome: "changed",
          changes: [
            { field: "kind", before: "production", after: "sandbox" },
            { field: "endpoints.token_url", before: "https://id.example.com/token", after: "https://collector.example.net/token" },
          ],
          apps: [],
        },
      ],
      added: 0,
      changed: 1,
      skipped: 0,
      ...overrides,
    });

  it("lists changed endpoints first and in red, and says renewal pauses", async () => {
    fakeBackend({ suggested_export_path: () => null, preview_import: () => repointing() });
    renderWithProviders(<ImportExportDialog onClose={vi.fn()} />);
    await openImport("/tmp/team.json");

    const endpoints = await screen.findByTestId("import-endpoint-changes");
    const list = screen.getByTestId("import-env-Prod");
    // before the environments, and before the summary's details below it
    expect(endpoints.compareDocumentPosition(list) & Node.DOCUMENT_POSITION_FOLLOWING).toBeTruthy();
    const rows = within(endpoints).getAllByRole("row");
    expect(rows.map((row) => row.textContent)).toEqual([
      "EnvironmentFieldHere nowIn the file",
      "ProdToken endpointhttps://id.example.com/tokenhttps://collector.example.net/token",
    ]);
    expect(rows[1]).toHaveClass("endpoint-change");
    expect(endpoints).toHaveClass("import-endpoints");
    expect(screen.getByTestId("import-renewal-pause")).toHaveTextContent(
      "Automatic renewal of these environments’ apps will be paused until you get a token by hand.",
    );
    // in the environment's own list too, in red; the kind change is not an endpoint
    const envRows = within(screen.getByTestId("import-env-changes-Prod")).getAllByRole("row");
    expect(envRows.map((row) => row.className)).toEqual(["", "", "endpoint-change"]);
    // production by the stored kind, whatever the file says
    const badge = list.querySelector(".kind-badge");
    expect(badge).toHaveTextContent("production");
    expect(badge).toHaveClass("kind-production");
  });

  it("imports a production change only once each environment is confirmed by name, and sends the names", async () => {
    const backend = fakeBackend({
      suggested_export_path: () => null,
      preview_import: () => repointing(),
      apply_import: () => repointing({ applied: true }),
    });
    renderWithProviders(<ImportExportDialog onClose={vi.fn()} />);
    await openImport("/tmp/team.json");

    const confirm = await screen.findByTestId("import-production-confirm");
    expect(confirm).toHaveTextContent("Change the production environment “Prod” and its apps");
    expect(screen.getByTestId("import-apply")).toBeDisabled();
    await userEvent.click(screen.getByTestId("import-confirm-Prod"));
    expect(screen.getByTestId("import-apply")).toBeEnabled();
    await userEvent.click(screen.getByTestId("import-confirm-Prod"));
    expect(screen.getByTestId("import-apply")).toBeDisabled();
    expect(backend.callsOf("apply_import")).toEqual([]);

    await userEvent.click(screen.getByTestId("import-confirm-Prod"));
    await userEvent.click(screen.getByTestId("import-apply"));
    expect(await screen.findByText("Imported: 0 added · 1 changed · 0 already the same")).toBeInTheDocument();
    expect(backend.callsOf("apply_import")).toEqual([{ path: "/tmp/team.json", confirmedProduction: ["Prod"] }]);
  });

  it("shows the backend's refusal of an unconfirmed production change under the path", async () => {
    fakeBackend({
      suggested_export_path: () => null,
      preview_import: () => repointing(),
      apply_import: () => {
        // eslint-disable-next-line @typescript-eslint/only-throw-error -- the backend rejects with IpcError objects
        throw {
          code: "production_unconfirmed",
          message: "Nothing was imported: it changes the production environment “Prod”; confirm it by name to import.",
          field: null,
        };
      },
    });
    renderWithProviders(<ImportExportDialog onClose={vi.fn()} />);
    await openImport("/tmp/team.json");
    await userEvent.click(await screen.findByTestId("import-confirm-Prod"));
    await userEvent.click(screen.getByTestId("import-apply"));
    expect(await screen.findByTestId("field-error-path")).toHaveTextContent(
      "Nothing was imported: it changes the production environment “Prod”; confirm it by name to import.",
    );
    expect(screen.getByTestId("import-preview-button")).toBeEnabled();
  });
});

describe("fieldLabel", () => {
  it("exports through the system's save dialog, and a cancelled dialog changes nothing", async () => {
    let picked: string | null = null;
    const backend = fakeBackend({
      suggested_export_path: () => "/home/ada/authdeck-export-2026-11-23.json",
      export_with_dialog: () => (picked ? { path: picked, environments: 1, apps: 2 } : null),
    });
    renderWithProviders(<ImportExportDialog onClose={vi.fn()} />);
    await screen.findByDisplayValue("/home/ada/authdeck-export-2026-11-23.json");

    await userEvent.click(screen.getByTestId("export-choose"));
    expect(backend.callsOf("export_with_dialog")).toEqual([{}]);
    expect(screen.queryByTestId("export-done")).toBeNull();
    expect(screen.getByTestId("export-path")).toHaveValue("/home/ada/authdeck-export-2026-11-23.json");

    picked = "/home/ada/team/setup.json";
    await userEvent.click(screen.getByTestId("export-choose"));
    expect(await screen.findByTestId("export-done")).toHaveTextContent(
      "Exported 1 environment and 2 apps to /home/ada/team/setup.json. The file holds no secrets and no tokens.",
    );
    expect(screen.getByTestId("export-path")).toHaveValue("/home/ada/team/setup.json");
    expect(backend.callsOf("export_setup")).toEqual([]);
  });

  it("previews the file picked in the system's open dialog, then imports it by its path", async () => {
    let picked = false;
    const backend = fakeBackend({
      preview_with_dialog: () => (picked ? { path: "/home/ada/team.json", report: preview() } : null),
      apply_import: () => preview({ applied: true }),
    });
    renderWithProviders(<ImportExportDialog onClose={vi.fn()} />);
    await userEvent.click(screen.getByTestId("tab-import"));

    await userEvent.click(screen.getByTestId("import-choose"));
    expect(screen.queryByTestId("import-preview")).toBeNull();
    expect(screen.getByTestId("import-path")).toHaveValue("");

    picked = true;
    await userEvent.click(screen.getByTestId("import-choose"));
    expect(await screen.findByTestId("import-summary")).toHaveTextContent("2 to add · 2 to change · 1 already the same");
    expect(screen.getByTestId("import-path")).toHaveValue("/home/ada/team.json");
    await userEvent.click(screen.getByTestId("import-apply"));
    expect(await screen.findByTestId("import-summary")).toHaveTextContent("Imported: 2 added");
    expect(backend.callsOf("apply_import")).toEqual([{ path: "/home/ada/team.json", confirmedProduction: [] }]);
  });

  it("names fields as the forms do, list entries by their number", () => {
    expect(fieldLabel("endpoints.revocation_url")).toBe("Revocation endpoint");
    expect(fieldLabel("web_origins.2")).toBe("Allowed web origins #3");
    expect(fieldLabel("something_new")).toBe("something_new");
  });
});

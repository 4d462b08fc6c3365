import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { fakeBackend } from "../test/backend";
import { authMethodChoices, clientApp } from "../test/fixtures";
import { renderWithProviders } from "../test/render";
import { AppForm } from "./AppForm";

describe("AppForm", () => {
  it("shows the backend's message next to the field it belongs to", async () => {
    const backend = fakeBackend({
      validate_app: () => [{ field: "redirect_uris.0", message: "Plain http is allowed only for loopback addresses." }],
    });
    renderWithProviders(<AppForm app={clientApp()} environmentId="env-sbx" onSaved={vi.fn()} onCancel={vi.fn()} />);
    const error = await screen.findByTestId("field-error-redirect_uris.0");
    expect(error).toHaveTextContent("Plain http is allowed only for loopback addresses.");
    // next to its field: inside the same field block as the redirect URIs textarea
    expect(error.closest(".field")).toContainElement(screen.getByTestId("app-redirect-uris"));
    expect(screen.getByTestId("app-redirect-uris")).toHaveAttribute("aria-invalid", "true");
    expect(screen.queryByTestId("field-error-client_id")).toBeNull();
    expect(backend.callsOf("validate_app")[0]?.id).toBe("app-1");
  });

  it("does not complain about untouched fields of a new app, and does once the user reaches them", async () => {
    const backend = fakeBackend({
      validate_app: (args) => {
        const input = args.input as { client_id: string };
        return input.client_id === "" ? [{ field: "client_id", message: "Enter the client ID the provider gave this app." }] : [];
      },
    });
    renderWithProviders(<AppForm app={null} environmentId="env-sbx" onSaved={vi.fn()} onCancel={vi.fn()} />);
    await waitFor(() => {
      expect(backend.callsOf("validate_app").length).toBeGreaterThan(0);
    });
    expect(screen.queryByTestId("field-error-client_id")).toBeNull();
    await userEvent.type(screen.getByTestId("app-client-id"), "x");
    await userEvent.clear(screen.getByTestId("app-client-id"));
    expect(await screen.findByTestId("field-error-client_id")).toHaveTextContent("Enter the client ID the provider gave this app.");
  });

  it("starts a new app with the loopback redirect URI and forces auth method none for a public client", async () => {
    fakeBackend({ validate_app: () => [] });
    renderWithProviders(<AppForm app={null} environmentId="env-sbx" onSaved={vi.fn()} onCancel={vi.fn()} />);
    expect(screen.getByTestId("app-redirect-uris")).toHaveValue("http://127.0.0.1/callback");
    await userEvent.selectOptions(screen.getByTestId("app-client-type"), "public");
    expect(screen.getByTestId("app-auth-method")).toHaveValue("none");
    expect(screen.getByTestId("app-auth-method")).toBeDisabled();
  });

  it("creates the app with the typed lists and a refusal on save lands next to its field", async () => {
    const onSaved = vi.fn();
    const backend = fakeBackend({
      validate_app: () => [],
      create_app: () => {
        // eslint-disable-next-line @typescript-eslint/only-throw-error -- the backend rejects with IpcError objects
        throw { code: "conflict", message: "Another app here already uses this client ID.", field: "client_id" };
      },
    });
    renderWithProviders(<AppForm app={null} environmentId="env-sbx" onSaved={onSaved} onCancel={vi.fn()} />);
    await userEvent.type(screen.getByTestId("app-display-name"), "Billing sync");
    await userEvent.type(screen.getByTestId("app-client-id"), "billing-sbx-123");
    await userEvent.type(screen.getByTestId("app-labels"), "payments, internal");
    await userEvent.click(screen.getByTestId("app-save"));
    expect(await screen.findByTestId("field-error-client_id")).toHaveTextContent("Another app here already uses this client ID.");
    expect(onSaved).not.toHaveBeenCalled();
    expect(backend.callsOf("create_app")[0]?.input).toMatchObject({
      environment_id: "env-sbx",
      display_name: "Billing sync",
      client_id: "billing-sbx-123",
      auth_method: "client_secret_basic",
      redirect_uris: ["http://127.0.0.1/callback"],
      labels: ["payments", "internal"],
      link: null,
    });
  });

  it("sends the audience and resource indicator with the app, and shows their refusals next to them", async () => {
    const onSaved = vi.fn();
    const backend = fakeBackend({
      validate_app: (args) => {
        const input = args.input as { resource: string | null };
        return input.resource === "api" ? [{ field: "resource", message: "A resource indicator is an absolute URI without a fragment." }] : [];
      },
      update_app: (args) => ({ ...clientApp(), ...(args.input as object) }),
    });
    renderWithProviders(<AppForm app={clientApp()} environmentId="env-sbx" onSaved={onSaved} onCancel={vi.fn()} />);
    await userEvent.type(screen.getByTestId("app-audience"), " https://api.example.com ");
    await userEvent.type(screen.getByTestId("app-resource"), "api");
    expect(await screen.findByTestId("field-error-resource")).toHaveTextContent("absolute URI");
    expect(screen.getByTestId("app-resource")).toHaveAttribute("aria-invalid", "true");
    await userEvent.clear(screen.getByTestId("app-resource"));
    await userEvent.type(screen.getByTestId("app-resource"), "https://api.example.com/");
    await userEvent.click(screen.getByTestId("app-save"));
    await waitFor(() => {
      expect(onSaved).toHaveBeenCalled();
    });
    expect(backend.callsOf("update_app")[0]?.input).toMatchObject({
      audience: "https://api.example.com",
      resource: "https://api.example.com/",
    });
  });

  it("offers only the methods the provider's metadata lists, and says which it lists", async () => {
    const backend = fakeBackend({ validate_app: () => [], auth_methods: () => authMethodChoices(["client_secret_basic", "private_key_jwt"]) });
    renderWithProviders(<AppForm app={clientApp()} environmentId="env-sbx" onSaved={vi.fn()} onCancel={vi.fn()} />);
    expect(await screen.findByTestId("app-auth-methods-listed")).toHaveTextContent("The provider lists client_secret_basic, private_key_jwt.");
    const options = within(screen.getByTestId("app-auth-method")).getAllByRole<HTMLOptionElement>("option");
    expect(options.map((option) => [option.value, option.disabled, option.textContent])).toEqual([
      ["client_secret_basic", false, "client_secret_basic — the secret by HTTP Basic"],
      ["client_secret_post", true, "client_secret_post — the secret in the form body — not listed by the provider"],
      ["client_secret_jwt", true, "client_secret_jwt — a JWT signed with the secret — not listed by the provider"],
      ["private_key_jwt", false, "private_key_jwt — a JWT signed with the app's key"],
      ["none", false, "none — public client, no secret"],
    ]);
    expect(backend.callsOf("auth_methods")).toEqual([{ environmentId: "env-sbx" }]);
  });

  it("offers every method, all enabled, when the environment has no metadata listing them", async () => {
    fakeBackend({ validate_app: () => [], auth_methods: () => authMethodChoices() });
    renderWithProviders(<AppForm app={clientApp()} environmentId="env-sbx" onSaved={vi.fn()} onCancel={vi.fn()} />);
    const select = screen.getByTestId("app-auth-method");
    await waitFor(() => {
      expect(within(select).getAllByRole("option")).toHaveLength(5);
    });
    expect(within(select).getAllByRole<HTMLOptionElement>("option").every((option) => !option.disabled)).toBe(true);
    expect(screen.queryByTestId("app-auth-methods-listed")).toBeNull();
  });
});

import { screen, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import type { AppBinding } from "../bindings/AppBinding";
import { fakeBackend } from "../test/backend";
import { clientApp, environment } from "../test/fixtures";
import { renderWithProviders } from "../test/render";
import { BindingSettings } from "./BindingSettings";

const JKT = "0ZcOCORZNYy-DWpqq30jZyJGHTN0d2HglBV3uiguA4I";
const NEW_JKT = "nE0j9bGm0GlYQnF7f6bYx1g7lD6G5fW0zW3qR0kG6aU";

/** A backend whose binding changes as set_dpop and set_par say. */
function bindingBackend(start: AppBinding) {
  let binding = start;
  return fakeBackend({
    app_binding: () => binding,
    set_dpop: ({ on }) => {
      binding = { ...binding, dpop: Boolean(on), jkt: binding.jkt ?? JKT };
      return binding;
    },
    set_par: ({ on }) => {
      binding = { ...binding, par: Boolean(on) };
      return binding;
    },
    set_dpop_alg: ({ alg }) => {
      binding = { ...binding, alg: alg as AppBinding["alg"], jkt: NEW_JKT };
      return binding;
    },
    key_algorithms: () => ["ES256", "EdDSA", "PS256", "RS256"],
  });
}

describe("BindingSettings", () => {
  it("turns DPoP on and then shows the proof key's thumbprint to register", async () => {
    const backend = bindingBackend({ dpop: false, jkt: null, alg: null, par: false });
    renderWithProviders(<BindingSettings app={clientApp()} environment={environment()} />);
    const dpop = await screen.findByTestId("binding-dpop");
    expect(dpop).not.toBeChecked();
    expect(screen.queryByTestId("binding-jkt")).toBeNull();
    expect(dpop.parentElement).toHaveTextContent("Takes effect on the next token.");
    await userEvent.click(dpop);
    expect(backend.callsOf("set_dpop")).toEqual([{ appId: "app-1", on: true }]);
    expect(await screen.findByTestId("binding-jkt")).toHaveTextContent(JKT);
    expect(screen.getByTestId("binding-dpop")).toBeChecked();
  });

  it("turns PAR on, its hint saying it is used anyway when the provider's metadata requires it", async () => {
    const backend = bindingBackend({ dpop: false, jkt: null, alg: null, par: false });
    renderWithProviders(<BindingSettings app={clientApp()} environment={environment()} />);
    const par = await screen.findByTestId("binding-par");
    expect(par.parentElement).toHaveTextContent("used anyway when the provider’s metadata requires it");
    await userEvent.click(par);
    expect(backend.callsOf("set_par")).toEqual([{ appId: "app-1", on: true }]);
    await vi.waitFor(() => { expect(screen.getByTestId("binding-par")).toBeChecked(); });
  });

  it("asks before a change in production, naming production, and changes nothing when cancelled", async () => {
    const backend = bindingBackend({ dpop: true, jkt: JKT, alg: "ES256", par: false });
    const production = environment({ kind: "production", name: "Prod" });
    renderWithProviders(<BindingSettings app={clientApp()} environment={production} />);
    await userEvent.click(await screen.findByTestId("binding-dpop"));
    const dialog = screen.getByTestId("confirm-dialog");
    expect(dialog).toHaveTextContent("“Prod” is a production environment");
    expect(dialog).toHaveTextContent("The app’s next token is a plain Bearer token.");
    await userEvent.click(within(dialog).getByTestId("confirm-cancel"));
    expect(backend.callsOf("set_dpop")).toEqual([]);
    expect(screen.getByTestId("binding-dpop")).toBeChecked();

    await userEvent.click(screen.getByTestId("binding-dpop"));
    await userEvent.click(within(screen.getByTestId("confirm-dialog")).getByRole("button", { name: "Turn off" }));
    expect(backend.callsOf("set_dpop")).toEqual([{ appId: "app-1", on: false }]);
    await vi.waitFor(() => { expect(screen.getByTestId("binding-dpop")).not.toBeChecked(); });
    // the key is kept for when DPoP comes back
    expect(screen.getByTestId("binding-jkt")).toHaveTextContent(JKT);
  });

  it("shows a refusal in place, in the backend's words, and leaves the switch as it was", async () => {
    const message = "The team vault refused to store the app's DPoP proof key.";
    fakeBackend({
      app_binding: () => ({ dpop: false, jkt: null, alg: null, par: false }),
      set_dpop: () => {
        // eslint-disable-next-line @typescript-eslint/only-throw-error -- the backend rejects with IpcError objects
        throw { code: "vault_refused", message, field: null };
      },
    });
    renderWithProviders(<BindingSettings app={clientApp()} environment={environment()} />);
    await userEvent.click(await screen.findByTestId("binding-dpop"));
    expect(await screen.findByTestId("binding-error")).toHaveTextContent(message);
    expect(screen.getByTestId("binding-dpop")).not.toBeChecked();
  });

  it("chooses the proof key's algorithm: a new key, its thumbprint shown", async () => {
    const backend = bindingBackend({ dpop: true, jkt: JKT, alg: "ES256", par: false });
    renderWithProviders(<BindingSettings app={clientApp()} environment={environment()} />);
    const picker = await screen.findByTestId("binding-alg");
    expect(picker).toHaveValue("ES256");
    expect(picker.parentElement).toHaveTextContent("forgets the token bound to this one");
    await vi.waitFor(() => { expect(within(picker).getAllByRole("option")).toHaveLength(4); });
    await userEvent.selectOptions(picker, "PS256");
    expect(backend.callsOf("set_dpop_alg")).toEqual([{ appId: "app-1", alg: "PS256" }]);
    await vi.waitFor(() => { expect(screen.getByTestId("binding-jkt")).toHaveTextContent(NEW_JKT); });
    expect(screen.getByTestId("binding-alg")).toHaveValue("PS256");
  });

  it("shows the provider's refusal of an algorithm and keeps the key", async () => {
    const message =
      "The provider of “Local” takes DPoP proofs signed with ES256, EdDSA (its metadata's dpop_signing_alg_values_supported), not PS256; choose one of those.";
    fakeBackend({
      app_binding: () => ({ dpop: true, jkt: JKT, alg: "ES256", par: false }),
      key_algorithms: () => ["ES256", "EdDSA", "PS256", "RS256"],
      set_dpop_alg: () => {
        // eslint-disable-next-line @typescript-eslint/only-throw-error -- the backend rejects with IpcError objects
        throw { code: "validation", message, field: "dpop_alg" };
      },
    });
    renderWithProviders(<BindingSettings app={clientApp()} environment={environment()} />);
    const picker = await screen.findByTestId("binding-alg");
    await vi.waitFor(() => { expect(within(picker).getAllByRole("option")).toHaveLength(4); });
    await userEvent.selectOptions(picker, "PS256");
    expect(await screen.findByTestId("binding-error")).toHaveTextContent(message);
    expect(screen.getByTestId("binding-alg")).toHaveValue("ES256");
    expect(screen.getByTestId("binding-jkt")).toHaveTextContent(JKT);
  });
});

import { screen, waitFor } from "@testing-library/react";
import type { ClientApp } from "../bindings/ClientApp";
import { fakeBackend } from "../test/backend";
import { clientApp, environment, secret, tokenStatus } from "../test/fixtures";
import { renderWithProviders } from "../test/render";
import { AppDetail } from "./AppDetail";

describe("AppDetail", () => {
  it("asks for the token, the secrets and the binding with the app, not once it has arrived", async () => {
    let answer: (app: ClientApp) => void = () => undefined;
    const app = clientApp({ id: "app-1" });
    const backend = fakeBackend({
      // held until the test answers: the panels are not drawn before
      get_app: () => new Promise<ClientApp>((resolve) => { answer = resolve; }),
      linked_apps: () => [],
      token_details: () => ({ status: tokenStatus({ none: true }), jwt: null }),
      list_secrets: () => [secret({ app_id: "app-1", label: "main" })],
      app_binding: () => ({ dpop: false, jkt: null, alg: null, par: false }),
      remote_link: () => null,
    });
    renderWithProviders(<AppDetail appId="app-1" environment={environment()} onOpenLinked={() => undefined} onClosed={() => undefined} />);
    await waitFor(() => { expect(backend.callsOf("get_app")).toEqual([{ id: "app-1" }]); });
    expect(backend.callsOf("token_details")).toEqual([{ appId: "app-1" }]);
    expect(backend.callsOf("list_secrets")).toEqual([{ appId: "app-1" }]);
    expect(backend.callsOf("app_binding")).toEqual([{ appId: "app-1" }]);
    expect(screen.getByLabelText("Loading the app")).toHaveAttribute("aria-busy", "true");

    answer(app);
    // shown from the cache: no second round trip for what was asked with the app
    expect(await screen.findByTestId("app-detail")).toBeInTheDocument();
    await screen.findByText("main");
    expect(backend.callsOf("list_secrets")).toHaveLength(1);
    expect(backend.callsOf("app_binding")).toHaveLength(1);
  });
});

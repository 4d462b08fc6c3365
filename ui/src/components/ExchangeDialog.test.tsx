import { screen, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import type { ExchangeError } from "../bindings/ExchangeError";
import { fakeBackend } from "../test/backend";
import { clientApp, environment, tokenStatus } from "../test/fixtures";
import { renderWithProviders } from "../test/render";
import { ExchangeDialog } from "./ExchangeDialog";

const ACCESS_TOKEN = "urn:ietf:params:oauth:token-type:access_token";

/** The environment's statuses: this app, one app with a valid token, one expired, one without. */
const statuses = () => [
  tokenStatus({ issued: Date.now() }, { app_id: "app-1", app_name: "Billing sync" }),
  tokenStatus({ issued: Date.now() }, { app_id: "app-2", app_name: "Reports" }),
  tokenStatus({ issued: Date.now() - 7200_000, expiresIn: 3600 }, { app_id: "app-3", app_name: "Nightly", state: "expired" }),
  tokenStatus({ none: true }, { app_id: "app-4", app_name: "Sign-in" }),
];

const exchangedStatus = tokenStatus({ issued: Date.now(), token: { source: "token_exchange", issued_token_type: ACCESS_TOKEN } });

const refusal = (overrides: Partial<ExchangeError>): ExchangeError => ({
  code: "provider",
  message: "The token exchange was refused.",
  part: "request",
  provider_error: null,
  provider_description: null,
  ...overrides,
});

function open(kind: "sandbox" | "production" = "sandbox") {
  const onExchanged = vi.fn();
  const view = renderWithProviders(
    <ExchangeDialog app={clientApp()} environment={environment({ kind })} onExchanged={onExchanged} onClose={vi.fn()} />,
  );
  return { onExchanged, ...view };
}

describe("ExchangeDialog", () => {
  it("offers the environment's other apps that hold a token, with their state, and sends what was typed", async () => {
    const backend = fakeBackend({ token_statuses: statuses, exchange_token: () => exchangedStatus });
    const { onExchanged } = open();
    const subject = await screen.findByTestId("exchange-subject");
    await within(subject).findByText("Reports — Valid");
    expect(within(subject).getAllByRole("option").map((option) => option.textContent)).toEqual(["Reports — Valid", "Nightly — Expired"]);

    await userEvent.selectOptions(subject, "app-3");
    await userEvent.type(screen.getByTestId("exchange-audience"), "https://reports.example urn:other");
    await userEvent.type(screen.getByTestId("exchange-resource"), "https://api.example.com/");
    await userEvent.selectOptions(screen.getByTestId("exchange-token-type"), "Access token");
    await userEvent.click(screen.getByTestId("exchange-submit"));

    expect(backend.callsOf("exchange_token")).toEqual([
      {
        appId: "app-1",
        request: {
          subject_app: "app-3",
          actor_app: null,
          audiences: ["https://reports.example", "urn:other"],
          resources: ["https://api.example.com/"],
          scopes: null,
          requested_token_type: ACCESS_TOKEN,
        },
      },
    ]);
    expect(onExchanged).toHaveBeenCalledWith(exchangedStatus, expect.objectContaining({ subject: "app-3", scopes: "" }));
  });

  it("shows a refused scope next to the scope field, with the provider's error and description", async () => {
    fakeBackend({
      token_statuses: statuses,
      exchange_token: () => {
        // eslint-disable-next-line @typescript-eslint/only-throw-error -- the backend rejects with ExchangeError objects
        throw refusal({ part: "scope", provider_error: "invalid_scope", provider_description: "scope exceeds the subject token's" });
      },
    });
    const { onExchanged } = open();
    await within(await screen.findByTestId("exchange-subject")).findByText("Reports — Valid");
    await userEvent.type(screen.getByTestId("exchange-scope"), "read write");
    await userEvent.click(screen.getByTestId("exchange-submit"));

    const error = await screen.findByTestId("exchange-error");
    expect(error).toHaveAttribute("data-part", "scope");
    expect(screen.getByTestId("exchange-provider-error")).toHaveTextContent(
      "The provider said invalid_scope: scope exceeds the subject token's.",
    );
    // it is the scope field's note, and the field is marked invalid
    expect(screen.getByTestId("exchange-scope")).toHaveAttribute("aria-invalid", "true");
    expect(screen.getByTestId("exchange-subject")).not.toHaveAttribute("aria-invalid");
    expect(onExchanged).not.toHaveBeenCalled();
  });

  it("shows a subject app without a token next to the subject, and an unoffered grant above the form", async () => {
    let answer = refusal({ code: "login_required", part: "subject", message: "“Reports” needs a sign-in." });
    fakeBackend({
      token_statuses: statuses,
      exchange_token: () => {
        // eslint-disable-next-line @typescript-eslint/only-throw-error -- the backend rejects with ExchangeError objects
        throw answer;
      },
    });
    open();
    await within(await screen.findByTestId("exchange-subject")).findByText("Reports — Valid");
    await userEvent.click(screen.getByTestId("exchange-submit"));
    expect(await screen.findByTestId("exchange-error")).toHaveAttribute("data-part", "subject");
    expect(screen.getByTestId("exchange-subject")).toHaveAttribute("aria-invalid", "true");
    expect(screen.getByTestId("exchange-error")).toHaveTextContent("“Reports” needs a sign-in.");

    answer = refusal({ code: "not_configured", part: "grant", message: "The provider of “Sandbox” does not offer token exchange." });
    await userEvent.click(screen.getByTestId("exchange-submit"));
    const grant = await screen.findByTestId("exchange-error");
    expect(grant).toHaveAttribute("data-part", "grant");
    expect(grant.closest(".notice")).not.toBeNull();
    expect(screen.getByTestId("exchange-subject")).not.toHaveAttribute("aria-invalid");
  });

  it("sends an actor token's app when one is chosen, any other app of the environment", async () => {
    const backend = fakeBackend({ token_statuses: statuses, exchange_token: () => exchangedStatus });
    const { onExchanged } = open();
    const actor = await screen.findByTestId("exchange-actor");
    await within(actor).findByText("Sign-in — no token yet");
    expect(within(actor).getAllByRole("option").map((option) => option.textContent)).toEqual([
      "None",
      "Reports — Valid",
      "Nightly — Expired",
      "Sign-in — no token yet",
    ]);
    expect(actor).toHaveValue("");
    await userEvent.selectOptions(actor, "app-4");
    await userEvent.click(screen.getByTestId("exchange-submit"));
    expect(backend.callsOf("exchange_token")).toEqual([
      {
        appId: "app-1",
        request: expect.objectContaining({ subject_app: "app-2", actor_app: "app-4" }) as unknown,
      },
    ]);
    expect(onExchanged).toHaveBeenCalledWith(exchangedStatus, expect.objectContaining({ subject: "app-2", actor: "app-4" }));
  });

  it("shows a refused actor token next to the actor field", async () => {
    fakeBackend({
      token_statuses: statuses,
      exchange_token: () => {
        // eslint-disable-next-line @typescript-eslint/only-throw-error -- the backend rejects with ExchangeError objects
        throw refusal({ part: "actor", provider_error: "invalid_request", provider_description: "actor_token is invalid or expired" });
      },
    });
    open();
    await within(await screen.findByTestId("exchange-actor")).findByText("Reports — Valid");
    await userEvent.selectOptions(screen.getByTestId("exchange-actor"), "app-2");
    await userEvent.click(screen.getByTestId("exchange-submit"));
    const error = await screen.findByTestId("exchange-error");
    expect(error).toHaveAttribute("data-part", "actor");
    expect(error).toHaveTextContent("The provider said invalid_request: actor_token is invalid or expired.");
    expect(screen.getByTestId("exchange-actor")).toHaveAttribute("aria-invalid", "true");
    expect(screen.getByTestId("exchange-subject")).not.toHaveAttribute("aria-invalid");
  });

  it("says when no other app holds a token and offers no exchange", async () => {
    fakeBackend({ token_statuses: () => [statuses()[0], statuses()[3]], exchange_token: () => exchangedStatus });
    open();
    expect(await screen.findByTestId("exchange-no-subject")).toHaveTextContent("No other app of “Sandbox” holds a token.");
    expect(screen.getByTestId("exchange-submit")).toBeDisabled();
  });

  it("asks first in production", async () => {
    const backend = fakeBackend({ token_statuses: statuses, exchange_token: () => exchangedStatus });
    const { onExchanged } = open("production");
    await within(await screen.findByTestId("exchange-subject")).findByText("Reports — Valid");
    await userEvent.click(screen.getByTestId("exchange-submit"));
    expect(await screen.findByTestId("confirm-dialog")).toHaveTextContent("“Sandbox” is a production environment");
    expect(backend.callsOf("exchange_token")).toEqual([]);
    await userEvent.click(screen.getByTestId("confirm-ok"));
    await vi.waitFor(() => {
      expect(onExchanged).toHaveBeenCalledWith(exchangedStatus, expect.objectContaining({ subject: "app-2" }));
    });
    expect(backend.callsOf("exchange_token")).toHaveLength(1);
  });
});

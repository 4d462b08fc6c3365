import { screen, waitFor } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import type { TeamBadge } from "../bindings/TeamBadge";
import { fakeBackend } from "../test/backend";
import { renderWithProviders } from "../test/render";
import { vaultWords } from "./StatusBar";
import { VaultSignInBanner } from "./VaultSignIn";

const ENDED = "The team vault “acme” no longer takes this computer's token (revoked or expired): sign in again (`authdeck team login acme`).";
const team = (overrides: Partial<TeamBadge> = {}): TeamBadge => ({ team: "acme", method: "token", username: null, ...overrides });

describe("VaultSignInBanner", () => {
  it("is not shown while the vault takes the token", () => {
    fakeBackend({});
    renderWithProviders(<VaultSignInBanner environmentId="env-team" team={team()} state={{ kind: "following", version: 4 }} />);
    expect(screen.queryByTestId("vault-sign-in-banner")).toBeNull();
  });

  it("takes a pasted token in a password field and sends it to the team's sign-in", async () => {
    const backend = fakeBackend({ sign_in_team: () => null });
    renderWithProviders(<VaultSignInBanner environmentId="env-team" team={team()} state={{ kind: "sign_in", message: ENDED }} />);
    expect(screen.getByTestId("vault-sign-in-message")).toHaveTextContent(ENDED);
    await userEvent.click(screen.getByTestId("vault-sign-in"));
    const field = screen.getByTestId("vault-credential");
    expect(field).toHaveAttribute("type", "password");
    expect(screen.getByTestId("vault-sign-in-submit")).toBeDisabled();
    await userEvent.type(field, "s.new-token");
    await userEvent.click(screen.getByTestId("vault-sign-in-submit"));
    await waitFor(() => { expect(screen.queryByTestId("vault-sign-in-dialog")).toBeNull(); });
    expect(backend.callsOf("sign_in_team")).toEqual([{ team: "acme", username: null, credential: "s.new-token" }]);
    expect(document.body.innerHTML).not.toContain("s.new-token");
  });

  it("asks a userpass team for the username (the kept one filled in) and the password", async () => {
    const backend = fakeBackend({ sign_in_team: () => null });
    renderWithProviders(
      <VaultSignInBanner environmentId="env-team" team={team({ method: "userpass", username: "alice" })} state={{ kind: "sign_in", message: ENDED }} />,
    );
    await userEvent.click(screen.getByTestId("vault-sign-in"));
    expect(screen.getByTestId("vault-username")).toHaveValue("alice");
    await userEvent.type(screen.getByTestId("vault-credential"), "wonderland");
    await userEvent.click(screen.getByTestId("vault-sign-in-submit"));
    await waitFor(() => { expect(backend.callsOf("sign_in_team")).toHaveLength(1); });
    expect(backend.callsOf("sign_in_team")[0]).toEqual({ team: "acme", username: "alice", credential: "wonderland" });
  });

  it("keeps the dialog open with the vault's refusal under the field", async () => {
    fakeBackend({
      sign_in_team: () => {
        // eslint-disable-next-line @typescript-eslint/only-throw-error -- the backend rejects with IpcError objects
        throw { code: "vault_refused", message: "The team vault “acme” refused the token (HTTP 403: permission denied).", field: null };
      },
    });
    renderWithProviders(<VaultSignInBanner environmentId="env-team" team={team()} state={{ kind: "sign_in", message: ENDED }} />);
    await userEvent.click(screen.getByTestId("vault-sign-in"));
    await userEvent.type(screen.getByTestId("vault-credential"), "s.wrong");
    await userEvent.click(screen.getByTestId("vault-sign-in-submit"));
    expect(await screen.findByTestId("field-error-credential")).toHaveTextContent("refused the token (HTTP 403: permission denied)");
    expect(screen.getByTestId("vault-sign-in-dialog")).toBeInTheDocument();
  });

  it("starts the browser sign-in of an OIDC team at once, and cancels it when closed", async () => {
    const backend = fakeBackend({ sign_in_team_oidc: () => new Promise(() => undefined), cancel_team_sign_in: () => null });
    renderWithProviders(<VaultSignInBanner environmentId="env-team" team={team({ method: "oidc" })} state={{ kind: "sign_in", message: ENDED }} />);
    await userEvent.click(screen.getByTestId("vault-sign-in"));
    expect(screen.getByTestId("vault-sign-in-browser")).toHaveTextContent("Sign in in the browser that opened");
    expect(screen.queryByTestId("vault-credential")).toBeNull();
    expect(backend.callsOf("sign_in_team_oidc")).toEqual([{ team: "acme" }]);
    await userEvent.click(screen.getByTestId("vault-sign-in-cancel"));
    expect(backend.callsOf("cancel_team_sign_in")).toEqual([{ team: "acme" }]);
  });

  it("sends an AppRole team to the command line, with no sign-in button", () => {
    fakeBackend({});
    renderWithProviders(<VaultSignInBanner environmentId="env-team" team={team({ method: "approle" })} state={{ kind: "sign_in", message: ENDED }} />);
    expect(screen.getByTestId("vault-sign-in-cli")).toHaveTextContent("only the command line does: run authdeck team login acme in a terminal");
    expect(screen.queryByTestId("vault-sign-in")).toBeNull();
  });
});

describe("vaultWords", () => {
  it("says an outage once, with when it began, and that minted tokens are still served", () => {
    const since = new Date("2026-12-01T00:10:00Z").getTime();
    const words = vaultWords(team(), { kind: "unreachable", since, message: "could not be reached" });
    expect(words).toContain("Team vault “acme” unreachable since");
    expect(words).toContain("tokens already got are still served");
    expect(vaultWords(team(), { kind: "following", version: 9 })).toBe("Team vault “acme” · set-up version 9, checked every 5 s");
  });
});

import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import type { SigningKeyMeta } from "../bindings/SigningKeyMeta";
import { fakeBackend } from "../test/backend";
import { clientApp, environment } from "../test/fixtures";
import { renderWithProviders } from "../test/render";
import { SigningKeysPanel } from "./SigningKeysPanel";

const key = (overrides: Partial<SigningKeyMeta> = {}): SigningKeyMeta => ({
  id: "key-1",
  app_id: "app-1",
  alg: "ES256",
  kid: "kid-one-0000000000000000000000000000000000",
  public_jwk: '{"kty":"EC","crv":"P-256","x":"x","y":"y","kid":"kid-one"}',
  label: "Key 1",
  origin: "generated",
  added_at: "2026-11-20T10:00:00Z",
  last_used_at: null,
  state: "active",
  ...overrides,
});

const LAST =
  "This is the last active signing key of “Billing sync”, which authenticates with private_key_jwt, so it cannot be deleted.";
const jwtApp = clientApp({ auth_method: "private_key_jwt" });

describe("SigningKeysPanel", () => {
  it("generates a key with an algorithm from core's list, whatever that list holds", async () => {
    const made = key({ id: "key-2", alg: "EdDSA", label: "CI" });
    const backend = fakeBackend({
      list_signing_keys: () => [],
      // a list the UI does not know: every entry is offered as core names it
      key_algorithms: () => ["ES256", "EdDSA", "PS256"],
      add_signing_key: () => made,
    });
    renderWithProviders(<SigningKeysPanel app={jwtApp} environment={environment()} />);
    expect(await screen.findByTestId("keys-empty")).toBeInTheDocument();
    await userEvent.click(screen.getByTestId("key-add"));
    const choice = await screen.findByTestId("key-alg-choice");
    await waitFor(() => {
      expect(within(choice).getAllByRole("option").map((option) => option.textContent)).toEqual(["ES256", "EdDSA", "PS256"]);
    });
    await userEvent.selectOptions(choice, "EdDSA");
    await userEvent.type(screen.getByTestId("key-label-input"), "CI");
    await userEvent.click(screen.getByTestId("key-save"));
    await waitFor(() => {
      expect(screen.queryByTestId("key-form")).toBeNull();
    });
    expect(backend.callsOf("add_signing_key")).toEqual([
      { input: { app_id: "app-1", label: "CI", source: { kind: "generate", value: "EdDSA" } } },
    ]);
  });

  it("offers 2048, 3072 and 4096 bits for an RSA key, as the CLI's --bits does, and none for another", async () => {
    const made = key({ id: "key-3", alg: "PS256", label: "Big" });
    const backend = fakeBackend({ list_signing_keys: () => [], key_algorithms: () => ["ES256", "PS256", "RS256"], add_signing_key: () => made });
    renderWithProviders(<SigningKeysPanel app={jwtApp} environment={environment()} />);
    await userEvent.click(await screen.findByTestId("key-add"));
    const choice = await screen.findByTestId("key-alg-choice");
    await within(choice).findByText("PS256");
    // an EC key has no size to choose
    expect(screen.queryByTestId("key-bits-choice")).toBeNull();
    await userEvent.selectOptions(choice, "PS256");
    const bits = screen.getByTestId("key-bits-choice");
    expect(within(bits).getAllByRole("option").map((option) => option.textContent)).toEqual(["2048 bits", "3072 bits", "4096 bits"]);
    expect(bits).toHaveValue("2048");
    await userEvent.selectOptions(bits, "4096");
    await userEvent.type(screen.getByTestId("key-label-input"), "Big");
    await userEvent.click(screen.getByTestId("key-save"));
    await waitFor(() => {
      expect(screen.queryByTestId("key-form")).toBeNull();
    });
    expect(backend.callsOf("add_signing_key")).toEqual([
      { input: { app_id: "app-1", label: "Big", source: { kind: "generate_rsa", value: { alg: "PS256", bits: 4096 } } } },
    ]);
  });

  it("generates an RSA key of 2048 bits when no other size is chosen", async () => {
    const backend = fakeBackend({ list_signing_keys: () => [], key_algorithms: () => ["RS256"], add_signing_key: () => key({ alg: "RS256" }) });
    renderWithProviders(<SigningKeysPanel app={jwtApp} environment={environment()} />);
    await userEvent.click(await screen.findByTestId("key-add"));
    await within(await screen.findByTestId("key-alg-choice")).findByText("RS256");
    await userEvent.click(screen.getByTestId("key-save"));
    await waitFor(() => {
      expect(backend.callsOf("add_signing_key")).toEqual([
        { input: { app_id: "app-1", label: "", source: { kind: "generate_rsa", value: { alg: "RS256", bits: 2048 } } } },
      ]);
    });
  });

  it("imports a pasted key through a masked field and never shows it back", async () => {
    const pem = "-----BEGIN PRIVATE KEY-----\nMIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQg\n-----END PRIVATE KEY-----";
    const backend = fakeBackend({ list_signing_keys: () => [], key_algorithms: () => ["ES256"], add_signing_key: () => key({ origin: "imported" }) });
    renderWithProviders(<SigningKeysPanel app={jwtApp} environment={environment()} />);
    await userEvent.click(await screen.findByTestId("key-add"));
    await userEvent.click(screen.getByTestId("key-mode-import"));
    const text = screen.getByTestId("key-import-text");
    expect(text).toHaveClass("masked");
    expect(text).toHaveAttribute("autocomplete", "off");
    expect(text).toHaveAttribute("spellcheck", "false");
    await userEvent.click(text);
    await userEvent.paste(pem);
    await userEvent.click(screen.getByTestId("key-save"));
    await waitFor(() => {
      expect(screen.queryByTestId("key-form")).toBeNull();
    });
    expect(backend.callsOf("add_signing_key")).toEqual([{ input: { app_id: "app-1", label: "", source: { kind: "import", value: pem } } }]);
    expect(document.body.innerHTML).not.toContain("MIGHAgEAMBMG");
  });

  it("lists kid, algorithm and state, copies the public JWK and the JWKS through the backend", async () => {
    const backend = fakeBackend({
      list_signing_keys: () => [key(), key({ id: "key-0", label: "Old", state: "retired", alg: "EdDSA" })],
      copy_public_jwk: () => ({ clear_after_seconds: 30 }),
      copy_jwks: () => ({ clear_after_seconds: 30 }),
    });
    renderWithProviders(<SigningKeysPanel app={jwtApp} environment={environment()} />);
    const rows = await screen.findAllByTestId("key-row");
    const [first, second] = rows as [HTMLElement, HTMLElement];
    expect(rows.map((row) => row.getAttribute("data-state"))).toEqual(["active", "retired"]);
    expect(within(first).getByTestId("key-kid")).toHaveTextContent(key().kid);
    expect(within(second).getByTestId("key-alg")).toHaveTextContent("EdDSA");
    expect(within(second).getByTestId("key-reactivate")).toBeInTheDocument();
    await userEvent.click(within(first).getByTestId("key-copy-jwk"));
    await userEvent.click(screen.getByTestId("key-copy-jwks"));
    expect(backend.callsOf("copy_public_jwk")).toEqual([{ id: "key-1" }]);
    expect(backend.callsOf("copy_jwks")).toEqual([{ appId: "app-1" }]);
  });

  it("shows core's refusal to delete the last active key in place, and keeps the key", async () => {
    fakeBackend({
      list_signing_keys: () => [key()],
      delete_signing_key: () => {
        // eslint-disable-next-line @typescript-eslint/only-throw-error -- the backend rejects with IpcError objects
        throw { code: "last_secret", message: LAST, field: null };
      },
    });
    renderWithProviders(<SigningKeysPanel app={jwtApp} environment={environment()} />);
    await userEvent.click(await screen.findByTestId("key-delete"));
    expect(screen.getByTestId("confirm-dialog")).toHaveTextContent("cannot be recovered here");
    await userEvent.click(screen.getByTestId("confirm-ok"));
    expect(await screen.findByTestId("action-error")).toHaveTextContent(LAST);
    expect(screen.getByTestId("key-row")).toHaveAttribute("data-state", "active");
  });

  it("asks before retiring in production, not in a sandbox", async () => {
    const backend = fakeBackend({ list_signing_keys: () => [key()], retire_signing_key: () => key({ state: "retired" }) });
    const { unmount } = renderWithProviders(<SigningKeysPanel app={jwtApp} environment={environment()} />);
    await userEvent.click(await screen.findByTestId("key-retire"));
    await waitFor(() => {
      expect(backend.callsOf("retire_signing_key")).toEqual([{ id: "key-1" }]);
    });
    expect(screen.queryByTestId("confirm-dialog")).toBeNull();
    unmount();

    const production = environment({ kind: "production", name: "Production" });
    const prod = fakeBackend({ list_signing_keys: () => [key()], retire_signing_key: () => key({ state: "retired" }) });
    renderWithProviders(<SigningKeysPanel app={jwtApp} environment={production} />);
    await userEvent.click(await screen.findByTestId("key-retire"));
    expect(screen.getByTestId("confirm-dialog")).toHaveTextContent("“Production” is a production environment");
    expect(prod.callsOf("retire_signing_key")).toEqual([]);
    await userEvent.click(screen.getByTestId("confirm-ok"));
    await waitFor(() => {
      expect(prod.callsOf("retire_signing_key")).toEqual([{ id: "key-1" }]);
    });
  });

  it("is collapsed for an app of another method that still holds keys, and absent without keys", async () => {
    fakeBackend({ list_signing_keys: () => [key()] });
    const { unmount } = renderWithProviders(<SigningKeysPanel app={clientApp()} environment={environment()} />);
    const collapsed = await screen.findByTestId("keys-collapsed");
    expect(collapsed).not.toHaveAttribute("open");
    expect(collapsed).toHaveTextContent("not used: this app authenticates with client_secret_basic");
    unmount();
    fakeBackend({ list_signing_keys: () => [] });
    renderWithProviders(<SigningKeysPanel app={clientApp()} environment={environment()} />);
    await waitFor(() => {
      expect(screen.queryByTestId("keys-panel")).toBeNull();
    });
  });
});

import { act, screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import type { SecretMeta } from "../bindings/SecretMeta";
import { fakeBackend } from "../test/backend";
import { clientApp, environment, secret } from "../test/fixtures";
import { renderWithProviders } from "../test/render";
import { ClipboardCountdown } from "./Clipboard";
import { SecretsPanel } from "./SecretsPanel";

const LAST =
  "This is the last active secret of “Billing sync”, so it cannot be deleted. Add the new secret first, then retire or delete this one.";

describe("SecretsPanel", () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it("explains in place why the last active secret cannot be deleted, and keeps it", async () => {
    fakeBackend({
      list_secrets: () => [secret()],
      delete_secret: () => {
        // eslint-disable-next-line @typescript-eslint/only-throw-error -- the backend rejects with IpcError objects
        throw { code: "last_secret", message: LAST, field: null };
      },
    });
    renderWithProviders(<SecretsPanel app={clientApp()} environment={environment()} />);
    await userEvent.click(await screen.findByTestId("secret-delete"));
    expect(screen.getByTestId("confirm-dialog")).toHaveTextContent("cannot be recovered here");
    await userEvent.click(screen.getByTestId("confirm-ok"));
    expect(await screen.findByTestId("action-error")).toHaveTextContent(LAST);
    expect(screen.getByTestId("secret-row")).toHaveAttribute("data-state", "active");
    expect(screen.queryByTestId("confirm-dialog")).toBeNull();
  });

  it("stores a pasted secret, says the whitespace was trimmed, and never shows the value", async () => {
    const stored = secret({ id: "sec-2", label: "Rotation 2026-11", fingerprint: "2222" });
    const backend = fakeBackend({ list_secrets: () => [], add_secret: () => ({ secret: stored, trimmed: true }) });
    renderWithProviders(<SecretsPanel app={clientApp()} environment={environment()} />);
    expect(await screen.findByTestId("secrets-empty")).toBeInTheDocument();
    await userEvent.click(screen.getByTestId("secret-add"));
    const value = screen.getByTestId("secret-value");
    expect(value).toHaveAttribute("type", "password");
    expect(value).toHaveAttribute("autocomplete", "off");
    expect(value).toHaveAttribute("spellcheck", "false");
    await userEvent.type(screen.getByTestId("secret-label"), "Rotation 2026-11");
    await userEvent.type(value, "  sbx-secret-Bravo-2222 ");
    await userEvent.click(screen.getByTestId("secret-save"));
    expect(await screen.findByTestId("secret-trimmed-notice")).toHaveTextContent(
      "Whitespace around the pasted value was removed before “Rotation 2026-11” was stored",
    );
    expect(screen.queryByTestId("secret-form")).toBeNull();
    expect(backend.callsOf("add_secret")).toEqual([
      { input: { app_id: "app-1", label: "Rotation 2026-11", value: "  sbx-secret-Bravo-2222 ", provider_created_at: null } },
    ]);
    expect(document.body.innerHTML).not.toContain("sbx-secret-Bravo-2222");
  });

  it("after a rotation offers to retire the older secret, and in production asks first, saying so", async () => {
    let secrets: SecretMeta[] = [secret()];
    const fresh = secret({ id: "sec-2", label: "New", fingerprint: "2222", added_at: "2026-11-22T10:00:00Z" });
    const backend = fakeBackend({
      list_secrets: () => secrets,
      add_secret: () => {
        secrets = [fresh, ...secrets];
        return { secret: fresh, trimmed: false };
      },
      retire_secret: (args) => ({ ...secret(), id: args.id as string, state: "retired" }),
    });
    renderWithProviders(
      <SecretsPanel app={clientApp()} environment={environment({ kind: "production", name: "Production" })} />,
    );
    await userEvent.click(await screen.findByTestId("secret-rotate"));
    await userEvent.type(screen.getByTestId("secret-value"), "prd-secret-2222");
    await userEvent.click(screen.getByTestId("secret-save"));
    await userEvent.click(await screen.findByTestId("secret-retire-older"));
    const confirm = screen.getByTestId("confirm-dialog");
    expect(confirm).toHaveTextContent("“Production” is a production environment");
    expect(backend.callsOf("retire_secret")).toEqual([]);
    await userEvent.click(within(confirm).getByTestId("confirm-ok"));
    await waitFor(() => {
      expect(backend.callsOf("retire_secret")).toEqual([{ id: "sec-1" }]);
    });
  });

  it("shows a live countdown after a copy, then “Clipboard cleared” when the backend clears it", async () => {
    vi.useFakeTimers({ shouldAdvanceTime: true });
    const backend = fakeBackend({ list_secrets: () => [secret()], copy_secret: () => ({ clear_after_seconds: 30 }) });
    renderWithProviders(
      <>
        <SecretsPanel app={clientApp()} environment={environment()} />
        <ClipboardCountdown />
      </>,
    );
    await userEvent.click(await screen.findByTestId("secret-copy"));
    expect(await screen.findByTestId("clipboard-countdown")).toHaveTextContent("clears in 30 s");
    await act(async () => {
      await vi.advanceTimersByTimeAsync(5_000);
    });
    expect(screen.getByTestId("clipboard-countdown")).toHaveTextContent("clears in 25 s");
    expect(screen.getByTestId("secret-copy")).toHaveTextContent("Copied · 25 s");
    act(() => {
      backend.emit("clipboard-cleared", { reason: "timeout" });
    });
    expect(screen.queryByTestId("clipboard-countdown")).toBeNull();
    expect(screen.getByTestId("toast")).toHaveTextContent("Clipboard cleared");
    expect(backend.callsOf("copy_secret")).toEqual([{ id: "sec-1" }]);
  });

  it("verifies a secret with a real token request and shows the result on its row", async () => {
    let current = secret();
    const backend = fakeBackend({
      list_secrets: () => [current],
      verify_secret: () => {
        current = { ...current, last_verified_at: new Date().toISOString(), last_verify_ok: false, last_verify_message: "The provider refused the client (invalid_client)." };
        return current;
      },
    });
    renderWithProviders(<SecretsPanel app={clientApp()} environment={environment()} />);
    await userEvent.click(await screen.findByTestId("secret-verify"));
    expect(backend.callsOf("verify_secret")).toEqual([{ id: "sec-1" }]);
    const verified = await screen.findByTestId("secret-verified");
    expect(verified).toHaveAttribute("data-ok", "false");
    expect(verified).toHaveTextContent("Failed just now: The provider refused the client (invalid_client).");
  });

  it("asks nothing of a vault for a local environment, and disables nothing", async () => {
    const backend = fakeBackend({ list_secrets: () => [secret()] });
    renderWithProviders(<SecretsPanel app={clientApp()} environment={environment()} />);
    expect(await screen.findByTestId("secret-row")).toBeInTheDocument();
    expect(screen.queryByTestId("team-policy-note")).toBeNull();
    for (const id of ["secret-add", "secret-copy", "secret-reveal", "secret-retire", "secret-delete"]) expect(screen.getByTestId(id)).toBeEnabled();
    expect(backend.callsOf("team_permissions")).toEqual([]);
  });

  describe("in a team environment", () => {
    const TEAM_LAST =
      "This is the last active secret of “Billing sync” in the team vault, so it cannot be retired or removed. Add the new secret first, then retire or remove this one.";
    const setup = "secret/data/authdeck/acme/sandbox/setup";
    const values = (id: string) => `secret/data/authdeck/acme/sandbox/secrets/${id}`;
    const metadata = (id: string) => `secret/metadata/authdeck/acme/sandbox/secrets/${id}`;
    const may = (capability: string, path: string, allowed: boolean) => ({
      allowed,
      capability,
      path,
      refusal: allowed ? null : `Your vault policy does not allow ${capability === "read" ? "reading" : capability === "update" ? "updating" : "deleting"} ${path} (it needs “${capability}” there).`,
    });
    // the vault's answer for each secret's own paths (sec-1 and sec-2, as the tests list them)
    const rights = (change: boolean, read: boolean, remove: boolean, readable: string[] = ["sec-1", "sec-2"]) => () => ({
      change_setup: may("update", setup, change),
      secrets: ["sec-1", "sec-2"].map((id) => ({
        secret_id: id,
        read: may("read", values(id), read && readable.includes(id)),
        remove: may("delete", metadata(id), remove),
      })),
    });
    const shared = {
      team_of_environment: () => ({ team: "acme", method: "token", username: null }),
      team_permissions: rights(true, true, true),
    };
    const UPDATE_REFUSED = `Your vault policy does not allow updating ${setup} (it needs “update” there).`;
    const DELETE_REFUSED = (id: string) => `Your vault policy does not allow deleting ${metadata(id)} (it needs “delete” there).`;
    const READ_REFUSED = (id: string) => `Your vault policy does not allow reading ${values(id)} (it needs “read” there).`;

    it("disables for a read-only member what the vault says their policy does not allow, naming capability and path", async () => {
      const backend = fakeBackend({
        ...shared,
        team_permissions: rights(false, true, false),
        list_secrets: () => [secret(), secret({ id: "sec-2", label: "Old", fingerprint: "2222", state: "retired" })],
        copy_secret: () => ({ clear_after_seconds: 30 }),
      });
      renderWithProviders(<SecretsPanel app={clientApp()} environment={environment()} />);
      const note = await screen.findByTestId("team-policy-note");
      expect(within(note).getAllByRole("listitem").map((item) => item.textContent)).toEqual([UPDATE_REFUSED, DELETE_REFUSED("sec-1"), DELETE_REFUSED("sec-2")]);
      for (const id of ["secret-add", "secret-rotate", "secret-retire", "secret-reactivate"]) {
        expect(screen.getByTestId(id)).toBeDisabled();
        expect(screen.getByTestId(id)).toHaveAttribute("title", UPDATE_REFUSED);
      }
      const deletes = screen.getAllByTestId("secret-delete");
      expect(deletes.map((button) => [button.hasAttribute("disabled"), button.getAttribute("title")])).toEqual([
        [true, DELETE_REFUSED("sec-1")],
        [true, DELETE_REFUSED("sec-2")],
      ]);
      // reading is allowed: copy, reveal and verify stay
      for (const id of ["secret-copy", "secret-reveal", "secret-verify"]) {
        for (const button of screen.getAllByTestId(id)) expect(button).toBeEnabled();
      }
      await userEvent.click(screen.getAllByTestId("secret-copy")[0] as HTMLElement);
      await waitFor(() => {
        expect(backend.callsOf("copy_secret")).toEqual([{ id: "sec-1" }]);
      });
      expect(backend.callsOf("team_permissions")).toEqual([{ environmentId: environment().id }]);
    });

    it("disables copy, reveal and verify when the policy does not allow reading the values", async () => {
      fakeBackend({ ...shared, team_permissions: rights(true, false, true), list_secrets: () => [secret()] });
      renderWithProviders(<SecretsPanel app={clientApp()} environment={environment()} />);
      expect(await screen.findByTestId("team-policy-note")).toHaveTextContent(READ_REFUSED("sec-1"));
      for (const id of ["secret-copy", "secret-reveal", "secret-verify"]) {
        expect(screen.getByTestId(id)).toBeDisabled();
        expect(screen.getByTestId(id)).toHaveAttribute("title", READ_REFUSED("sec-1"));
      }
      for (const id of ["secret-add", "secret-rotate", "secret-retire", "secret-delete"]) expect(screen.getByTestId(id)).toBeEnabled();
    });

    it("says a team secret's delete button removes it from the team vault, not the keychain", async () => {
      fakeBackend({ ...shared, list_secrets: () => [secret()] });
      renderWithProviders(<SecretsPanel app={clientApp()} environment={environment()} />);
      await waitFor(() => {
        expect(screen.getByTestId("secret-delete")).toHaveAttribute("title", "Delete from the team vault “acme”");
      });
    });

    it("disables reading only the secret whose own path the policy does not allow", async () => {
      fakeBackend({
        ...shared,
        team_permissions: rights(true, true, true, ["sec-1"]),
        list_secrets: () => [secret(), secret({ id: "sec-2", label: "New", fingerprint: "2222" })],
      });
      renderWithProviders(<SecretsPanel app={clientApp()} environment={environment()} />);
      const note = await screen.findByTestId("team-policy-note");
      expect(within(note).getAllByRole("listitem").map((item) => item.textContent)).toEqual([READ_REFUSED("sec-2")]);
      for (const id of ["secret-copy", "secret-reveal", "secret-verify"]) {
        const [first, second] = screen.getAllByTestId(id) as [HTMLElement, HTMLElement];
        expect(first).toBeEnabled();
        expect(second).toBeDisabled();
        expect(second).toHaveAttribute("title", READ_REFUSED("sec-2"));
      }
    });

    it("retires a secret through the same command as a local one, and says so", async () => {
      let secrets: SecretMeta[] = [secret(), secret({ id: "sec-2", label: "New", fingerprint: "2222" })];
      const backend = fakeBackend({
        ...shared,
        list_secrets: () => secrets,
        retire_secret: (args) => {
          secrets = secrets.map((s) => (s.id === args.id ? { ...s, state: "retired" } : s));
          return secrets.find((s) => s.id === args.id);
        },
      });
      renderWithProviders(<SecretsPanel app={clientApp()} environment={environment()} />);
      expect(await screen.findAllByTestId("secret-row")).toHaveLength(2);
      await userEvent.click(screen.getAllByTestId("secret-retire")[0] as HTMLElement);
      await waitFor(() => {
        expect(backend.callsOf("retire_secret")).toEqual([{ id: "sec-1" }]);
      });
      expect(await screen.findByTestId("toast")).toHaveTextContent(`Retired “${secret().label}”`);
    });

    it("asks before removing from the team vault, naming it, and shows the vault's refusal of the last active secret in place", async () => {
      fakeBackend({
        ...shared,
        list_secrets: () => [secret()],
        delete_secret: () => {
          // eslint-disable-next-line @typescript-eslint/only-throw-error -- the backend rejects with IpcError objects
          throw { code: "last_secret", message: TEAM_LAST, field: null };
        },
      });
      renderWithProviders(<SecretsPanel app={clientApp()} environment={environment()} />);
      await userEvent.click(await screen.findByTestId("secret-delete"));
      await waitFor(() => {
        expect(screen.getByTestId("confirm-dialog")).toHaveTextContent(
          "is removed from the team vault “acme” with every version, for every member",
        );
      });
      await userEvent.click(screen.getByTestId("confirm-ok"));
      expect(await screen.findByTestId("action-error")).toHaveTextContent(TEAM_LAST);
      expect(screen.getByTestId("secret-row")).toHaveAttribute("data-state", "active");
    });
  });
});

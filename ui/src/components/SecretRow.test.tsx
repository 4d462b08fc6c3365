import { act, screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { fakeBackend } from "../test/backend";
import { secret } from "../test/fixtures";
import { renderWithProviders } from "../test/render";
import { SecretRow } from "./SecretRow";

const VALUE = "sbx-secret-Alpha-1111";
const row = (overrides = {}) => (
  <ul>
    <SecretRow
      secret={secret(overrides)}
      rotationDays={90}
      onRetire={vi.fn()}
      onReactivate={vi.fn()}
      onDelete={vi.fn()}
      onVerify={vi.fn()}
      verifying={false}
    />
  </ul>
);

describe("SecretRow", () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it("shows a revealed value only until hide_after_seconds have passed, then nowhere in the DOM", async () => {
    vi.useFakeTimers({ shouldAdvanceTime: true });
    fakeBackend({ reveal_secret: () => ({ value: VALUE, hide_after_seconds: 10 }) });
    renderWithProviders(row());
    expect(document.body.textContent).not.toContain(VALUE);

    await userEvent.click(screen.getByTestId("secret-reveal"));
    expect(await screen.findByTestId("secret-revealed")).toHaveTextContent(VALUE);
    expect(screen.getByText("hides in 10 s")).toBeInTheDocument();

    await act(async () => {
      await vi.advanceTimersByTimeAsync(9_000);
    });
    expect(screen.getByTestId("secret-revealed")).toHaveTextContent(VALUE);
    await act(async () => {
      await vi.advanceTimersByTimeAsync(1_500);
    });
    expect(screen.queryByTestId("secret-revealed")).toBeNull();
    expect(document.body.innerHTML).not.toContain(VALUE);
  });

  it("hides at once on Hide, and drops the value when the row goes away", async () => {
    fakeBackend({ reveal_secret: () => ({ value: VALUE, hide_after_seconds: 10 }) });
    const { unmount } = renderWithProviders(row());
    await userEvent.click(screen.getByTestId("secret-reveal"));
    await screen.findByTestId("secret-revealed");
    await userEvent.click(screen.getByTestId("secret-reveal"));
    expect(screen.queryByTestId("secret-revealed")).toBeNull();
    expect(document.body.innerHTML).not.toContain(VALUE);
    // revealed again, then the row goes away (another app was opened)
    await userEvent.click(screen.getByTestId("secret-reveal"));
    await screen.findByTestId("secret-revealed");
    unmount();
    expect(document.body.innerHTML).not.toContain(VALUE);
  });

  it("warns in words when a secret is older than the rotation policy", () => {
    fakeBackend({});
    renderWithProviders(row({ age_days: 120, rotation_due: true }));
    expect(screen.getByTestId("secret-rotation-warning")).toHaveTextContent(
      "120 days old — older than the 90-day rotation policy",
    );
  });

  it("says how old it is and shows only the last four characters", () => {
    fakeBackend({});
    renderWithProviders(row({ age_days: 3 }));
    expect(screen.getByTestId("secret-age")).toHaveTextContent("added 3 days ago");
    expect(screen.getByTestId("secret-fingerprint")).toHaveTextContent("…1111");
    expect(screen.queryByTestId("secret-rotation-warning")).toBeNull();
  });

  it("shows no part of a secret too short for a fingerprint, and says why", () => {
    fakeBackend({});
    renderWithProviders(row({ fingerprint: "" }));
    const ending = screen.getByTestId("secret-fingerprint");
    expect(ending).toHaveTextContent(/^—$/);
    expect(ending).toHaveAttribute("title", "Shorter than 16 characters: no part of it is shown");
  });

  it("shows the last verification: refused with the provider's words", () => {
    renderWithProviders(
      row({
        last_verified_at: new Date(Date.now() - 5 * 60_000).toISOString(),
        last_verify_ok: false,
        last_verify_message: "invalid_client: client authentication failed",
      }),
    );
    const verified = screen.getByTestId("secret-verified");
    expect(verified).toHaveAttribute("data-ok", "false");
    expect(verified).toHaveTextContent("Failed 5 min ago: invalid_client: client authentication failed");
  });

  it("shows a successful verification and when a token was last requested with the secret", () => {
    renderWithProviders(
      row({
        last_verified_at: new Date(Date.now() - 2 * 60_000).toISOString(),
        last_verify_ok: true,
        last_used_at: new Date(Date.now() - 3 * 3600_000).toISOString(),
      }),
    );
    const verified = screen.getByTestId("secret-verified");
    expect(verified).toHaveAttribute("data-ok", "true");
    expect(verified).toHaveTextContent("Verified 2 min ago");
    expect(screen.getByTestId("secret-row")).toHaveTextContent("Last used 3 h ago");
  });

  it("shows no verification before the first one", () => {
    renderWithProviders(row());
    expect(screen.queryByTestId("secret-verified")).toBeNull();
    expect(screen.getByTestId("secret-row")).not.toHaveTextContent("Last used");
  });
});

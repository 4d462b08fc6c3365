import { screen, waitFor, within } from "@testing-library/react";
import { fakeBackend } from "../test/backend";
import { environment, tokenStatus } from "../test/fixtures";
import { renderWithProviders } from "../test/render";
import { TokenOverview } from "./TokenOverview";

describe("TokenOverview", () => {
  it("counts and shows an ended sign-in as its own state, with no time left", async () => {
    const now = Date.now();
    fakeBackend({
      token_statuses: () => [
        tokenStatus({ issued: now, expiresIn: 3600 }),
        tokenStatus(
          { issued: now, expiresIn: 3600, token: { source: "authorization_code", sign_in_ended_at: new Date(now).toISOString() } },
          { app_id: "app-2", app_name: "Native", client_type: "public", state: "sign_in_ended" },
        ),
      ],
    });
    renderWithProviders(<TokenOverview environment={environment()} onOpen={() => undefined} onClose={() => undefined} />);
    const overview = screen.getByTestId("token-overview");
    await waitFor(() => {
      expect(within(overview).getAllByTestId("token-overview-row")).toHaveLength(2);
    });
    expect(overview).toHaveTextContent("1 valid · 1 sign-in ended");
    const ended = within(overview).getAllByTestId("token-overview-row")[1] as HTMLElement;
    expect(ended).toHaveAttribute("data-state", "sign_in_ended");
    expect(within(ended).getByText("Sign-in ended")).toHaveClass("token-sign_in_ended");
    expect(ended).toHaveTextContent("sign-in ended");
    expect(ended).not.toHaveTextContent(/left/);
  });
});

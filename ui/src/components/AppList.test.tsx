import { fireEvent, screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import type { AppSummary } from "../bindings/AppSummary";
import { fakeBackend } from "../test/backend";
import { clientApp, summaryOf } from "../test/fixtures";
import { renderWithProviders } from "../test/render";
import { AppList } from "./AppList";

const apps: AppSummary[] = [
  summaryOf(clientApp({ id: "a", display_name: "Billing sync", client_id: "billing-sbx-123", labels: ["payments"] })),
  summaryOf(clientApp({ id: "b", display_name: "Mobile app", client_id: "mobile-9", client_type: "public", link: null }), { active_secrets: 0 }),
  summaryOf(clientApp({ id: "c", display_name: "Reports exporter", client_id: "reports-77", link: null }), { active_secrets: 0, rotation_due: true }),
];

function list(props: Partial<Parameters<typeof AppList>[0]> = {}) {
  const onSelect = vi.fn();
  const onNew = vi.fn();
  fakeBackend({});
  renderWithProviders(
    <AppList apps={apps} loading={false} selectedId={null} onSelect={onSelect} onNew={onNew} canCreate environmentName="Sandbox" {...props} />,
  );
  return { onSelect, onNew };
}
const rowNames = () => screen.queryAllByTestId("app-row").map((row) => row.querySelector(".app-row-name")?.textContent);

describe("AppList", () => {
  it("shows each app's name, client ID, type and what needs attention", () => {
    list();
    expect(rowNames()).toEqual(["Billing sync", "Mobile app", "Reports exporter"]);
    const [billing, mobile, reports] = screen.getAllByTestId("app-row");
    expect(billing).toHaveAttribute("data-app-id", "a");
    expect(billing).toHaveTextContent("billing-sbx-123");
    expect(billing).toHaveTextContent("payments");
    // a public app needs no secret; a confidential one without any says so
    expect(mobile).not.toHaveTextContent("no secret");
    expect(reports).toHaveTextContent("no secret");
    expect(reports?.querySelector(".dot-warning")).not.toBeNull();
  });

  it("asks no secret of a confidential app that signs with a key", () => {
    const signed = summaryOf(clientApp({ id: "d", display_name: "Signed service", client_id: "signed-1", auth_method: "private_key_jwt" }), { active_secrets: 0 });
    list({ apps: [signed] });
    const [row] = screen.getAllByTestId("app-row");
    expect(row).toHaveTextContent("confidential");
    expect(row).not.toHaveTextContent("no secret");
  });

  it("filters as you type, and Escape clears the filter", async () => {
    list();
    const filter = screen.getByTestId("app-filter");
    await userEvent.type(filter, "PAYM");
    expect(rowNames()).toEqual(["Billing sync"]);
    await userEvent.clear(filter);
    await userEvent.type(filter, "nothing-like-this");
    expect(await screen.findByTestId("app-no-match")).toHaveTextContent("No app matches “nothing-like-this”");
    await userEvent.keyboard("{Escape}");
    expect(filter).toHaveValue("");
    expect(rowNames()).toHaveLength(3);
  });

  it("moves the highlight with the arrow keys and opens it with Enter", async () => {
    const { onSelect } = list({ selectedId: "a" });
    const filter = screen.getByTestId("app-filter");
    filter.focus();
    await userEvent.keyboard("{ArrowDown}{ArrowDown}");
    expect(onSelect).not.toHaveBeenCalled();
    expect(screen.getByTestId("app-list")).toHaveAttribute("aria-activedescendant", "app-row-c");
    await userEvent.keyboard("{ArrowUp}{Enter}");
    expect(onSelect.mock.calls).toEqual([["b"]]);
  });

  it("focuses the filter on “/” when not typing elsewhere", () => {
    list();
    fireEvent.keyDown(document.body, { key: "/" });
    expect(screen.getByTestId("app-filter")).toHaveFocus();
  });

  it("explains an empty environment and offers a new app", async () => {
    const { onNew } = list({ apps: [] });
    expect(screen.getByTestId("app-empty")).toHaveTextContent("No client apps here yet");
    await userEvent.click(screen.getByRole("button", { name: "New app" }));
    expect(onNew).toHaveBeenCalledTimes(1);
  });

  it("renders only a window of rows for 10,000 apps", () => {
    const many = Array.from({ length: 10_000 }, (_, n) =>
      summaryOf(clientApp({ id: `app-${n}`, display_name: `App ${String(n).padStart(5, "0")}`, client_id: `client-${n}` })),
    );
    list({ apps: many });
    const rendered = screen.getAllByTestId("app-row").length;
    expect(rendered).toBeGreaterThan(5);
    expect(rendered).toBeLessThan(60);
  });
});

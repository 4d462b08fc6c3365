import { screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { fakeBackend } from "../test/backend";
import { settings } from "../test/fixtures";
import { renderWithProviders } from "../test/render";
import { SettingsDialog } from "./SettingsDialog";

const info = { version: "0.1.0", data_dir: "/d", keychain_namespace: "authdeck", debug_build: false, demo_issuer: null };

describe("SettingsDialog", () => {
  it("shows each notification kind on and saves the ones turned off", async () => {
    const backend = fakeBackend({ app_info: () => info, update_settings: (args) => args.settings });
    const onClose = vi.fn();
    renderWithProviders(<SettingsDialog settings={settings()} onClose={onClose} onImportExport={vi.fn()} />);
    for (const kind of ["sign_in_needed", "renewal_failed", "rotation_due", "sign_in_completed"]) {
      expect(screen.getByTestId(`settings-notify-${kind}`)).toBeChecked();
    }
    await userEvent.click(screen.getByTestId("settings-notify-sign_in_needed"));
    await userEvent.click(screen.getByTestId("settings-notify-rotation_due"));
    await userEvent.click(screen.getByTestId("settings-save"));
    expect(backend.callsOf("update_settings")).toEqual([
      {
        settings: {
          ...settings(),
          notifications: { sign_in_needed: false, renewal_failed: true, rotation_due: false, sign_in_completed: true },
        },
      },
    ]);
    expect(onClose).toHaveBeenCalledOnce();
  });

  it("keeps running in the tray at first and saves the switch turned off", async () => {
    const backend = fakeBackend({ app_info: () => info, update_settings: (args) => args.settings });
    renderWithProviders(<SettingsDialog settings={settings()} onClose={vi.fn()} onImportExport={vi.fn()} />);
    expect(screen.getByTestId("settings-keep-in-tray")).toBeChecked();
    await userEvent.click(screen.getByTestId("settings-keep-in-tray"));
    await userEvent.click(screen.getByTestId("settings-save"));
    expect(backend.callsOf("update_settings")).toEqual([{ settings: { ...settings(), keep_in_tray: false } }]);
  });
});

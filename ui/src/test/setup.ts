import "@testing-library/jest-dom/vitest";
import { cleanup } from "@testing-library/react";

// The webview's Tauri API does not exist under jsdom: every test talks to a fake backend
// (see test/backend.ts) through these two mocked modules, and nothing else is mocked.
vi.mock("@tauri-apps/api/core", () => ({ invoke: vi.fn() }));
vi.mock("@tauri-apps/api/event", () => ({ listen: vi.fn() }));

afterEach(() => {
  cleanup();
});

// jsdom lays nothing out, so every element measures 0×0 and the virtual list would render no
// rows. Give elements the size the app list has in the real window.
Object.defineProperty(HTMLElement.prototype, "clientHeight", { configurable: true, get: () => 600 });
Object.defineProperty(HTMLElement.prototype, "clientWidth", { configurable: true, get: () => 320 });
// Nor does it scroll: the palette keeps its highlighted option in view.
Element.prototype.scrollIntoView = () => undefined;

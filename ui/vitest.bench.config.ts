// The UI micro-benchmarks (bench/*.perf.tsx): `npm run bench`. Not part of `npm test`. React's
// production build, as in the app (its development build's checks would dwarf the figures).
import { defineConfig, mergeConfig } from "vitest/config";
import base from "./vite.config";

export default mergeConfig(
  base,
  defineConfig({
    mode: "production",
    test: { include: ["bench/**/*.perf.tsx"], testTimeout: 600_000, env: { NODE_ENV: "production" } },
  }),
);

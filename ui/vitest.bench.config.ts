// The UI micro-benchmarks (bench/*.perf.tsx): `npm run bench`. Not part of `npm test`.
import { defineConfig, mergeConfig } from "vitest/config";
import base from "./vite.config";

export default mergeConfig(base, defineConfig({ test: { include: ["bench/**/*.perf.tsx"], testTimeout: 600_000 } }));

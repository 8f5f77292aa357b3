/// <reference types="vitest/config" />
import react from "@vitejs/plugin-react";
import { fileURLToPath } from "node:url";
import { defineConfig } from "vite";

// Where `npm run dev` forwards /api, /auth and /health (the API started by `make run` by default).
const apiTarget = process.env.API_PROXY_TARGET ?? "http://127.0.0.1:8000";
const proxied = { target: apiTarget, changeOrigin: false, xfwd: true };

export default defineConfig({
  plugins: [react()],
  // `@/lib/format` is `src/lib/format` (also in tsconfig.app.json "paths"; Vitest reads this file).
  resolve: { alias: { "@": fileURLToPath(new URL("./src", import.meta.url)) } },
  server: {
    host: "127.0.0.1",
    port: 5173,
    proxy: { "/api": proxied, "/auth": proxied, "/health": proxied },
  },
  preview: { host: "127.0.0.1", port: 4173 },
  build: {
    outDir: "dist",
    // manifest.json lets scripts/check-budget.mjs find what the first page load fetches.
    manifest: true,
    sourcemap: false,
    target: "es2022",
    chunkSizeWarningLimit: 600,
  },
  test: {
    environment: "jsdom",
    globals: true,
    setupFiles: ["./src/test/setup.ts"],
    include: ["src/**/*.test.{ts,tsx}"],
    css: false,
    restoreMocks: true,
  },
});

import { defineConfig } from "@playwright/test";
import base, { chromium } from "./playwright.config";

/** `npm run bench`: the measurements behind bench/results/web.json (not part of `make test`). */
export default defineConfig({
  ...base,
  testIgnore: [],
  testMatch: ["bench.spec.ts"],
  timeout: 300_000,
  reporter: [["list"]],
  use: { ...base.use, launchOptions: chromium, trace: "off" },
});

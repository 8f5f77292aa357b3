import AxeBuilder from "@axe-core/playwright";
import { test as base, expect, type Page } from "@playwright/test";
import { copyFileSync, mkdirSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const webDir = resolve(dirname(fileURLToPath(import.meta.url)), "..");
export const SCREENSHOT_DIR = resolve(webDir, "test-results/screenshots");
const DOCS_SCREENSHOT_DIR = resolve(webDir, "../docs/screenshots");

export const PHONE = { width: 375, height: 812 };
export const DESKTOP = { width: 1280, height: 900 };

/** Tests run against the server the harness started (globalSetup sets E2E_BASE_URL). */
export const test = base.extend({
  baseURL: async ({}, use) => {
    const url = process.env.E2E_BASE_URL;
    if (!url) throw new Error("E2E_BASE_URL is not set: run through playwright.config.ts");
    await use(url);
  },
});
export { expect };

/** Zero serious or critical WCAG 2.1 A/AA violations on the page as it is now. */
export async function expectAccessible(page: Page, label: string): Promise<void> {
  const results = await new AxeBuilder({ page })
    .withTags(["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"])
    .analyze();
  const blocking = results.violations.filter(
    (v) => v.impact === "serious" || v.impact === "critical",
  );
  const summary = blocking.map(
    (v) =>
      `${v.id} (${v.impact}): ${v.help}\n    ${v.nodes.map((n) => n.target.join(" ")).join("\n    ")}`,
  );
  expect(summary, `axe violations on ${label}`).toEqual([]);
}

/**
 * Saves a full-page screenshot as a test artifact (test-results/screenshots/<name>.png) and, with
 * UPDATE_DOCS_SCREENSHOTS=1, copies it to docs/screenshots/ for the README.
 */
export async function saveScreenshot(page: Page, name: string, forDocs = false): Promise<void> {
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  const file = resolve(SCREENSHOT_DIR, `${name}.png`);
  await page.screenshot({ path: file, fullPage: true, animations: "disabled" });
  if (forDocs && process.env.UPDATE_DOCS_SCREENSHOTS === "1") {
    mkdirSync(DOCS_SCREENSHOT_DIR, { recursive: true });
    copyFileSync(file, resolve(DOCS_SCREENSHOT_DIR, `${name}.png`));
  }
}

/** No sideways scrolling: the page fits the viewport (checked at 375 px). */
export async function expectNoHorizontalScroll(page: Page): Promise<void> {
  const overflow = await page.evaluate(
    () => document.documentElement.scrollWidth - document.documentElement.clientWidth,
  );
  expect(overflow, "page is wider than the viewport").toBeLessThanOrEqual(0);
}

let counter = 0;
/** A fresh account's credentials; the password is long and random enough for the API's policy. */
export function newAccount() {
  counter += 1;
  const id = `${Date.now().toString(36)}${counter}${Math.random().toString(36).slice(2, 6)}`;
  return {
    displayName: "Ada Lovelace",
    email: `ada.${id}@example.com`,
    password: `Copper kettle ${id} orchard lantern`,
  };
}

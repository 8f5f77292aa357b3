/**
 * Every page, at desktop (light and dark) and phone width: zero serious/critical axe violations,
 * no sideways scrolling at 375 px, and a screenshot saved under test-results/screenshots/.
 */
import type { Page } from "@playwright/test";
import { signUp } from "./admin";
import {
  DESKTOP,
  expect,
  expectAccessible,
  expectNoHorizontalScroll,
  PHONE,
  saveScreenshot,
  test,
} from "./fixtures";

type PageCase = {
  name: string;
  open: (page: Page) => Promise<void>;
  docs?: boolean;
};

const QUOTE_URL =
  "/?amount=250000&rate=6.5&term=30&freq=monthly&type=level-payment&start=2027-01-15&fee=Origination%20fee~1500~0";

const pages: PageCase[] = [
  {
    name: "calculator",
    docs: true,
    open: async (page) => {
      await page.goto(QUOTE_URL);
      await expect(page.getByTestId("payment")).toBeVisible();
      await expect(page.getByRole("img", { name: /remaining balance/ })).toBeVisible();
    },
  },
  {
    name: "calculator-errors",
    open: async (page) => {
      await page.goto(QUOTE_URL.replace("rate=6.5", "rate=150"));
      await expect(page.getByLabel("Interest rate")).toHaveAttribute("aria-invalid", "true");
    },
  },
  {
    name: "sign-in",
    docs: true,
    open: async (page) => {
      await page.goto("/sign-in");
      await expect(page.getByRole("heading", { name: "Sign in" })).toBeVisible();
    },
  },
  {
    name: "sign-up",
    open: async (page) => {
      await page.goto("/sign-up");
      await expect(page.getByRole("heading", { name: "Open an account" })).toBeVisible();
    },
  },
  {
    name: "account",
    docs: true,
    open: async (page) => {
      await signUp(page);
      await expect(page.getByTestId("profile-email")).toBeVisible();
    },
  },
  {
    name: "not-found",
    open: async (page) => {
      await page.goto("/no-such-page");
      await expect(page.getByRole("heading", { name: "We can't find that page" })).toBeVisible();
    },
  },
  {
    name: "unreachable",
    docs: true,
    open: async (page) => {
      await page.route(/\/(api|auth|health)\//, (route) => route.abort("connectionrefused"));
      await page.goto("/");
      await expect(page.getByTestId("unreachable")).toBeVisible();
    },
  },
];

for (const { name, open, docs } of pages) {
  test.describe(name, () => {
    test(`desktop, light: accessible; screenshot`, async ({ page }) => {
      await page.setViewportSize(DESKTOP);
      await page.emulateMedia({ colorScheme: "light" });
      await open(page);
      await expectAccessible(page, `${name} (desktop, light)`);
      await saveScreenshot(page, `${name}-desktop`, docs);
    });

    test(`desktop, dark: accessible; screenshot`, async ({ page }) => {
      await page.setViewportSize(DESKTOP);
      await page.emulateMedia({ colorScheme: "dark" });
      await open(page);
      await expectAccessible(page, `${name} (desktop, dark)`);
      await saveScreenshot(page, `${name}-desktop-dark`, docs && name === "calculator");
    });

    test(`phone 375 px: accessible, no sideways scrolling; screenshot`, async ({ page }) => {
      await page.setViewportSize(PHONE);
      await open(page);
      await expectNoHorizontalScroll(page);
      await expectAccessible(page, `${name} (phone)`);
      await saveScreenshot(page, `${name}-phone`, docs);
    });
  });
}

test("the theme toggle switches and remembers the theme", async ({ page }) => {
  await page.emulateMedia({ colorScheme: "light" });
  await page.goto("/sign-in");
  await page.getByRole("button", { name: "Switch to dark theme" }).click();
  await expect(page.locator("html")).toHaveAttribute("data-theme", "dark");
  await page.reload();
  await expect(page.locator("html")).toHaveAttribute("data-theme", "dark");
  await expect(page.getByRole("button", { name: "Switch to light theme" })).toBeVisible();
});

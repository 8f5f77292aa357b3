import type { APIRequestContext, Page } from "@playwright/test";
import { expect } from "./fixtures";

/**
 * Every e2e sign-in goes through this file, in the browser (`signInAs`) and over the API (`bearer`),
 * so a change to how people sign in (a second factor for staff) is made in one place.
 */

export type Auth = { Authorization: string };

/** The admin the harness created (or the one E2E_ADMIN_EMAIL names for a running server). */
export function adminCredentials(): { email: string; password: string } {
  const email = process.env.E2E_ADMIN_EMAIL;
  const password = process.env.E2E_ADMIN_PASSWORD;
  if (!email || !password) throw new Error("E2E_ADMIN_EMAIL and E2E_ADMIN_PASSWORD are not set");
  return { email, password };
}

/** Sign in through the sign-in page and wait until the header shows the signed-in state. */
export async function signInAs(page: Page, email: string, password: string): Promise<void> {
  await page.goto("/sign-in");
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByRole("banner").getByRole("button", { name: "Sign out" })).toBeVisible();
}

export async function signInAsAdmin(page: Page): Promise<void> {
  const { email, password } = adminCredentials();
  await signInAs(page, email, password);
}

/** An API bearer header for someone, from the same sign-in the browser uses. */
export async function bearer(
  request: APIRequestContext,
  email: string,
  password: string,
): Promise<Auth> {
  const response = await request.post("/auth/login", { data: { email, password } });
  expect(response.status(), await response.text()).toBe(200);
  return { Authorization: `Bearer ${(await response.json()).accessToken}` };
}

export async function adminBearer(request: APIRequestContext): Promise<Auth> {
  const { email, password } = adminCredentials();
  return bearer(request, email, password);
}

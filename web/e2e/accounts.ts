import type { APIRequestContext, Page } from "@playwright/test";
import { adminBearer } from "./admin";
import { expect, newAccount } from "./fixtures";
import { latestMail, linkIn } from "./mail";

/**
 * New accounts for a test: registered over the API (as a borrower, or given a staff role by the
 * admin), and the sign-up's email confirmation opened in the browser from the mail sink. Signing
 * up, in and out in the browser is in admin.ts with the rest of the sign-ins.
 */

export type Account = ReturnType<typeof newAccount>;

/** A fresh account registered over the API, with its user id. */
export async function register(request: APIRequestContext): Promise<Account & { id: string }> {
  const account = newAccount();
  const registered = await request.post("/auth/register", { data: account });
  expect(registered.status(), await registered.text()).toBe(201);
  return { ...account, id: (await registered.json()).user.id as string };
}

/** A registered account the admin gives the underwriter role. */
export async function newUnderwriter(request: APIRequestContext) {
  const account = await register(request);
  const roles = await request.put(`/api/admin/users/${account.id}/roles`, {
    headers: await adminBearer(request),
    data: { roles: ["underwriter"] },
  });
  expect(roles.status(), await roles.text()).toBe(200);
  return account;
}

/** Opens the link the sign-up mailed to `email` (read from the sink), which confirms the address. */
export async function confirmEmailInPage(page: Page, email: string): Promise<void> {
  const confirm = new URL(linkIn(await latestMail(email, "Confirm your email")));
  await page.goto(confirm.pathname + confirm.search);
  await expect(page.getByRole("status")).toContainText("your email address is confirmed");
}

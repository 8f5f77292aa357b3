import { signOut, signUp } from "./admin";
import { expect, newAccount, test } from "./fixtures";

test("sign up, stay signed in across a reload, sign out, sign back in", async ({ page }) => {
  const account = await signUp(page);
  await expect(page.getByTestId("profile-email")).toHaveText(account.email);
  const banner = page.getByRole("banner");
  await expect(banner.getByRole("button", { name: "Sign out" })).toBeVisible();
  await expect(
    page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Account" }),
  ).toBeVisible();

  // A reload loses the in-memory access token; the refresh cookie silently restores the session.
  await page.reload();
  await expect(page.getByTestId("profile-email")).toHaveText(account.email);
  const cookies = await page.context().cookies();
  const refresh = cookies.find((c) => c.name === "le_refresh");
  expect(refresh?.httpOnly).toBe(true);
  expect(refresh?.path).toBe("/auth");

  await signOut(page);
  await expect.poll(() => new URL(page.url()).pathname).toBe("/"); // signing out from the account page lands home
  await expect(
    page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Account" }),
  ).toHaveCount(0);

  // Signed out means signed out, also after a reload.
  await page.goto("/account");
  await expect(page).toHaveURL(/\/sign-in$/);

  await page.getByLabel("Email").fill(account.email);
  await page.getByLabel("Password").fill("not the password at all");
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByRole("alert")).toContainText("We couldn't sign you in");

  await page.getByLabel("Password").fill(account.password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page).toHaveURL(/\/account$/);
  await expect(page.getByTestId("profile-email")).toHaveText(account.email);
});

test("sign-up problems are explained next to the fields", async ({ page }) => {
  await page.goto("/sign-up");
  await page.getByRole("button", { name: "Open account" }).click();
  await expect(page.getByLabel("Full name")).toHaveAccessibleDescription("Enter your name.");
  await expect(page.getByLabel("Email")).toHaveAccessibleDescription(/Enter an email address/);

  // The API's password policy (a long but guessable password) comes back at the password field.
  const account = newAccount();
  await page.getByLabel("Full name").fill(account.displayName);
  await page.getByLabel("Email").fill(account.email);
  await page.getByLabel("Password", { exact: true }).fill("passwordpassword");
  await page.getByLabel("Confirm password").fill("passwordpassword");
  const rejected = page.waitForResponse((r) => r.url().endsWith("/auth/register"));
  await page.getByRole("button", { name: "Open account" }).click();
  const problem = await (await rejected).json();
  expect(problem.status).toBe(422);
  const password = page.getByLabel("Password", { exact: true });
  await expect(password).toHaveAttribute("aria-invalid", "true");
  await expect(password).toHaveAccessibleDescription(
    new RegExp(
      problem.errors
        .find((e: { field: string }) => e.field === "password")
        .message.slice(1) // shown as a sentence: first letter capitalised
        .replace(/[.*+?^${}()|[\]\\]/g, "\\$&"),
    ),
  );
});

test("an email can only be registered once", async ({ page }) => {
  const account = await signUp(page);
  await signOut(page);
  await page.goto("/sign-up");
  await page.getByLabel("Full name").fill("Someone Else");
  await page.getByLabel("Email").fill(account.email);
  await page.getByLabel("Password", { exact: true }).fill(account.password);
  await page.getByLabel("Confirm password").fill(account.password);
  await page.getByRole("button", { name: "Open account" }).click();
  await expect(page.getByRole("alert")).toContainText("We couldn't open your account");
});

test("change the password from the account page", async ({ page }) => {
  const account = await signUp(page);
  const next = `${account.password} renewed`;
  const form = page.getByRole("region", { name: "Change password" });
  await form.getByLabel("Current password").fill(account.password);
  await form.getByLabel("New password", { exact: true }).fill(next);
  await form.getByLabel("Confirm new password").fill(next);
  await form.getByRole("button", { name: "Change password" }).click();
  await expect(page.getByText("Your password has been changed.")).toBeVisible();

  await signOut(page);
  await page.goto("/sign-in");
  await page.getByLabel("Email").fill(account.email);
  await page.getByLabel("Password").fill(next);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page).toHaveURL(/\/account$/);
});

test("a visitor without a session makes no refresh call and the console stays clean", async ({
  page,
}) => {
  const refreshes: string[] = [];
  const console: string[] = [];
  page.on("request", (r) => {
    if (new URL(r.url()).pathname === "/auth/refresh") refreshes.push(r.url());
  });
  page.on("console", (m) => {
    if (m.type() === "error" || m.type() === "warning") console.push(`${m.type()}: ${m.text()}`);
  });
  for (const path of ["/", "/products", "/sign-in", "/sign-up", "/no-such-page"]) {
    await page.goto(path);
    await expect(page.getByRole("heading", { level: 1 })).toBeVisible();
  }
  expect(refreshes).toEqual([]);
  expect(console).toEqual([]);
});

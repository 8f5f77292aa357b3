import { confirmEmailInPage } from "./accounts";
import { signOut, signUp } from "./admin";
import { expect, test } from "./fixtures";
import { latestMail, linkIn } from "./mail";

test("forgot password: the link from the mail sink sets a new password and the old one stops working", async ({
  page,
}) => {
  const account = await signUp(page);
  // The sign-up's confirmation link, read from the sink, confirms the address.
  await confirmEmailInPage(page, account.email);
  await signOut(page);
  await page.goto("/sign-in");
  await page.getByRole("link", { name: "Forgot your password?" }).click();
  await page.getByLabel("Email").fill(account.email);
  await page.getByRole("button", { name: "Send reset link" }).click();
  await expect(page.getByRole("status")).toContainText("If an account uses that address");

  const reset = new URL(linkIn(await latestMail(account.email, "Reset your")));
  await page.goto(reset.pathname + reset.search);
  const newPassword = "marble orchid sextant 58";
  await page.getByLabel("New password").fill(newPassword);
  await page.getByRole("button", { name: "Set new password" }).click();
  await expect(page.getByRole("status")).toContainText("Your password was changed");

  // The link works once.
  await page.goto(reset.pathname + reset.search);
  await page.getByLabel("New password").fill("another lantern meadow 77");
  await page.getByRole("button", { name: "Set new password" }).click();
  await expect(page.getByText(/already used, has expired/)).toBeVisible();

  await page.goto("/sign-in");
  await page.getByLabel("Email").fill(account.email);
  await page.getByLabel("Password").fill(account.password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByRole("alert")).toContainText("We couldn't sign you in");
  await page.getByLabel("Password").fill(newPassword);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page).toHaveURL(/\/account$/);
  await expect(page.getByTestId("profile-email")).toHaveText(account.email);
});

test("the account page lists sign-ins, ends another one and saves the name", async ({
  page,
  browser,
}) => {
  const account = await signUp(page);

  // A second browser signs in too.
  const other = await browser.newPage();
  await other.goto(`${process.env.E2E_BASE_URL}/sign-in`);
  await other.getByLabel("Email").fill(account.email);
  await other.getByLabel("Password").fill(account.password);
  await other.getByRole("button", { name: "Sign in" }).click();
  await expect(other).toHaveURL(/\/account$/);

  await page.reload();
  await expect(page.getByTestId("sign-in")).toHaveCount(2);
  await page.getByRole("button", { name: "End", exact: true }).click();
  await expect(page.getByTestId("sign-in")).toHaveCount(1);
  await expect(page.getByText("This browser")).toBeVisible();
  // the other browser is signed out at its next request
  await other.reload();
  await expect(other).toHaveURL(/\/sign-in$/);
  await other.close();

  await page.getByLabel("Full name").fill("Grace Brewster Hopper");
  await page.getByRole("button", { name: "Save name" }).click();
  await expect(page.getByText("Your name has been saved.")).toBeVisible();
  await expect(page.getByTestId("profile-name")).toHaveText("Grace Brewster Hopper");
});

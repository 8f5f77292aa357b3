import { readFileSync } from "node:fs";
import type { Page } from "@playwright/test";
import {
  expect,
  expectAccessible,
  expectNoHorizontalScroll,
  PHONE,
  saveScreenshot,
  test,
} from "./fixtures";
import { confirmEmailInPage } from "./accounts";
import { signUp } from "./admin";

/** The sandbox bureau picks a persona from the tax id's last four digits (docs/ORIGINATION.md). */
const PRIME = "0002";
const BANKRUPT = "0005";

const step = (page: Page, name: string) =>
  expect(page.getByRole("heading", { name, level: 2 })).toBeVisible();
const next = (page: Page) => page.getByRole("button", { name: "Save and continue" }).click();

/** Walks the wizard from the loan step to the review step for a sandbox persona. */
async function fillWizard(page: Page, persona: string) {
  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Apply" }).click();
  await step(page, "The loan");
  await page.getByLabel("Amount").fill("5000");
  await page.getByLabel("Number of payments").fill("24");
  // The live estimate: payment and APR from the server's product quote.
  const estimate = page.getByTestId("estimate");
  await expect(estimate).toContainText(/Payment\$\d{3}\.\d{2} to \$\d{3}\.\d{2} monthly/);
  await expect(estimate).toContainText(/APR\d+\.\d+% to \d+\.\d+%/);
  await expectAccessible(page, "apply: loan step");
  await saveScreenshot(page, "apply-loan-step", true);
  await next(page);

  await step(page, "About you");
  // Field errors are sentences at the field, and nothing is saved until they are fixed.
  await next(page);
  await expect(page.getByLabel("First name")).toHaveAccessibleDescription("Enter your first name.");
  await expect(page.getByLabel("ZIP code")).toHaveAccessibleDescription(
    "Enter a five-digit ZIP code, like 10001.",
  );
  await page.getByLabel("First name").fill("Grace");
  await page.getByLabel("Last name").fill("Hopper");
  await page.getByLabel("Date of birth").fill("1985-06-01");
  await page.getByLabel("Social Security number or ITIN").fill(`123-45-${persona}`);
  await page.getByLabel("Street address").fill("1 Main Street");
  await page.getByLabel("City").fill("Springfield");
  await page.getByLabel("State").fill("IL");
  await page.getByLabel("ZIP code").fill("62701");
  await page.getByLabel("Months at this address").fill("48");
  await expectAccessible(page, "apply: identity step with errors");
  await next(page);

  await step(page, "Income and employment");
  await page.getByLabel("Monthly income before tax").fill("6000");
  await page.getByLabel("Employment", { exact: true }).selectOption("employed");
  await page.getByLabel("Months with this employer").fill("48");
  await next(page);

  await step(page, "Housing and other debts");
  await page.getByLabel("Housing", { exact: true }).selectOption("rent");
  await page.getByLabel("Monthly rent or mortgage payment").fill("1200");
  await page.getByLabel("Other monthly debt payments").fill("150");
  await next(page);

  await step(page, "Consents");
  await next(page);
  await expect(page.getByText("We need your consent to a credit report")).toBeVisible();
  await page.getByLabel(/obtain my credit report/).check();
  await page.getByLabel(/receive disclosures, notices/).check();
  await next(page);
  await step(page, "Review and submit");
  await expect(page.getByText(`tax id ***-**-${persona}`)).toBeVisible();
}

test("a new borrower verifies their email, applies, is approved, accepts and finds the loan in My loans", async ({
  page,
}) => {
  test.slow(); // six steps and five accessibility scans: minutes on a busy two-core runner
  const account = await signUp(page);
  await fillWizard(page, PRIME);

  // Not yet verified: the review step says so and points to the account page's resend link.
  await expect(page.getByText("Confirm your email address to submit")).toBeVisible();
  await expect(
    page.getByRole("link", { name: "Send a new one from your account page" }),
  ).toBeVisible();
  await expectAccessible(page, "apply: review step");

  // Verify, then come back: the draft was saved on the server and resumes at the review step.
  await confirmEmailInPage(page, account.email);
  await page.goto("/apply");
  await page.getByRole("region", { name: "Continue an application" }).getByRole("link").click();
  await step(page, "Review and submit");
  await expect(page.getByText("Confirm your email address to submit")).toHaveCount(0);
  await expect(page.getByText(/Credit report \w{3} \d+, \d{4}/)).toBeVisible(); // server's timestamps
  await page.getByRole("button", { name: "Submit application" }).click();

  await expect(page.getByTestId("application-status")).toHaveText("Approved");
  const offer = page.getByRole("article", { name: /Offer 1/ });
  const til = offer.getByRole("group", { name: /Truth in Lending/ });
  await expect(til.getByTestId("til-apr")).toHaveText(/^\d+\.\d{2,3}%$/);
  await expect(til.getByTestId("til-amount-financed")).toHaveText(/^\$\d,\d{3}\.\d{2}$/);
  await expect(til.getByTestId("til-total")).toHaveText(/^\$\d,\d{3}\.\d{2}$/);
  await expect(offer.getByRole("table", { name: /Payment schedule/ })).toContainText(
    /monthly, starting/,
  );
  await expectAccessible(page, "application: approved with offers");
  await saveScreenshot(page, "application-offers", true);
  await page.setViewportSize(PHONE);
  await expectNoHorizontalScroll(page);
  await page.setViewportSize({ width: 1280, height: 900 });

  // Accepting needs the e-signature consent.
  await page.getByLabel("Your full name, as your signature").fill("Grace Hopper");
  await page.getByRole("button", { name: /Accept offer/ }).click();
  await expect(page.getByText(/Tick the box to agree to sign electronically/)).toBeVisible();
  await page.getByLabel(/sign the loan agreement electronically/).check();
  await page.getByRole("button", { name: /Accept offer/ }).click();
  await expect(page.getByTestId("application-status")).toHaveText("Accepted, loan booked");

  await page.getByRole("link", { name: "see it in My loans" }).click();
  // Booked on the offer's terms, waiting for staff to disburse it.
  await expect(page.getByText("Approved, not disbursed")).toBeVisible();
  await expect(page.getByText("$5,000.00")).toBeVisible();
  await page
    .getByRole("navigation", { name: "Main" })
    .getByRole("link", { name: "My loans" })
    .click();
  const loan = page.getByRole("row").filter({ hasText: "PERSONAL" });
  await expect(loan).toHaveCount(1);
  await expect(loan).toContainText("Approved, not disbursed");
  await expect(loan).toContainText("$5,000.00");

  await page
    .getByRole("navigation", { name: "Main" })
    .getByRole("link", { name: "My applications" })
    .click();
  await expect(page.getByRole("row").filter({ hasText: "Accepted, loan booked" })).toHaveCount(1);
  await expectAccessible(page, "my applications");
});

test("a declined applicant reads the notice with its reasons and downloads it as a PDF", async ({
  page,
}) => {
  test.slow();
  const account = await signUp(page);
  await confirmEmailInPage(page, account.email);
  await fillWizard(page, BANKRUPT);
  await page.getByRole("button", { name: "Submit application" }).click();

  await expect(page.getByTestId("application-status")).toHaveText("Declined");
  const notice = page.getByRole("region", { name: "Notice of action taken" });
  await expect(notice.getByTestId("notice-reasons").getByRole("listitem").first()).toHaveText(
    "Bankruptcy",
  );
  const score = notice.getByTestId("notice-score");
  await expect(score).toContainText("540");
  await expect(score).toContainText("300 to 850");
  await expect(score).toContainText("sandbox");
  await expect(notice).toContainText("Equal Credit Opportunity Act");
  await expectAccessible(page, "application: declined with notice");
  await saveScreenshot(page, "application-notice", true);
  // A decline cannot be withdrawn or accepted: no such buttons.
  await expect(page.getByRole("button", { name: /Withdraw|Accept/ })).toHaveCount(0);

  const [download] = await Promise.all([
    page.waitForEvent("download"),
    notice.getByRole("button", { name: "Download the notice (PDF)" }).click(),
  ]);
  expect(download.suggestedFilename()).toMatch(/^notice-.*\.pdf$/);
  const pdf = readFileSync(await download.path());
  expect(pdf.subarray(0, 5).toString("latin1")).toBe("%PDF-");
});

test("a borrower withdraws an application they no longer want", async ({ page }) => {
  await signUp(page);
  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Apply" }).click();
  await page.getByLabel("Amount").fill("3000");
  await page.setViewportSize(PHONE); // the wizard and the application page fit a phone
  await expectNoHorizontalScroll(page);
  await next(page);
  await step(page, "About you");
  await page
    .getByRole("navigation", { name: "Main" })
    .getByRole("link", { name: "My applications" })
    .click();
  const row = page.getByRole("row").filter({ hasText: "Draft" });
  await row.getByRole("link").click();
  await expectNoHorizontalScroll(page);
  await expectAccessible(page, "application: draft");
  await page.getByRole("button", { name: "Withdraw application" }).click();
  await page.getByRole("button", { name: "Yes, withdraw the application" }).click();
  await expect(page.getByTestId("application-status")).toHaveText("Withdrawn");
  await expect(page.getByRole("button", { name: /Withdraw/ })).toHaveCount(0);
});

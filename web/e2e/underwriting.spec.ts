import type { APIRequestContext, Page } from "@playwright/test";
import { newUnderwriter, register } from "./accounts";
import { bearer, signInAs, signInAsAdmin, signOut, type Auth } from "./admin";
import {
  DESKTOP,
  PHONE,
  expect,
  expectAccessible,
  expectNoHorizontalScroll,
  saveScreenshot,
  test,
} from "./fixtures";
import { latestMail, linkIn } from "./mail";

// Sandbox personas by the tax id's last four digits (docs/ORIGINATION.md).
const DELINQUENT = "0004"; // referred: delinquent credit
const BANKRUPT = "0005"; // declined: bankruptcy, credit score

/** A borrower who registered and confirmed their email with the link from the mail sink. */
async function verifiedBorrower(request: APIRequestContext): Promise<Auth> {
  const account = await register(request);
  const link = new URL(linkIn(await latestMail(account.email, "Confirm your email")));
  const verified = await request.post("/auth/email/verify", {
    data: { token: link.searchParams.get("token") },
  });
  expect(verified.ok(), await verified.text()).toBe(true);
  return bearer(request, account.email, account.password);
}

/** The borrower applies through the API as a sandbox persona; the surname tells the rows apart. */
async function applyAs(request: APIRequestContext, borrower: Auth, persona: string) {
  const lastName = `Hopper${Math.random().toString(36).slice(2, 7)}`;
  const created = await request.post("/api/applications", {
    headers: borrower,
    data: {
      loan: { productCode: "PERSONAL", amount: "5000", termPeriods: 24, frequency: "monthly" },
      identity: {
        firstName: "Grace",
        lastName,
        birthDate: "1986-12-09",
        taxId: `123-45-${persona}`,
        address: { line1: "1 Navy Way", city: "Arlington", region: "VA", postalCode: "22202" },
      },
      income: { monthlyIncome: "6000", employmentStatus: "employed", monthsEmployed: 48 },
      housing: { housing: "rent", housingPayment: "1200", otherMonthlyDebts: "150" },
      consents: { creditReport: true, electronicDisclosures: true },
    },
  });
  expect(created.status(), await created.text()).toBe(201);
  const id: string = (await created.json()).id;
  const submitted = await request.post(`/api/applications/${id}/submit`, {
    headers: { ...borrower, "Idempotency-Key": crypto.randomUUID() },
  });
  expect(submitted.status(), await submitted.text()).toBe(200);
  return { id, applicant: `Grace ${lastName}`, status: (await submitted.json()).status as string };
}

async function openQueue(page: Page) {
  await page
    .getByRole("navigation", { name: "Main" })
    .getByRole("link", { name: "Underwriting" })
    .click();
  await expect(page.getByRole("heading", { name: "Underwriting queue", level: 1 })).toBeVisible();
}

async function filterStatus(page: Page, status: string) {
  await page.getByLabel("Status", { exact: true }).selectOption({ label: status });
  await page.getByRole("button", { name: "Filter" }).click();
}

test("an underwriter claims a referred application, reads its trace and approves it", async ({
  page,
  request,
}) => {
  const borrower = await verifiedBorrower(request);
  const application = await applyAs(request, borrower, DELINQUENT);
  expect(application.status).toBe("referred");
  const underwriter = await newUnderwriter(request);
  await signInAs(page, underwriter.email, underwriter.password);

  // The queue opens on referred applications; nobody holds this one yet.
  await openQueue(page);
  const row = page.getByRole("row").filter({ hasText: application.applicant });
  await expect(row).toContainText("Referred to an underwriter");
  await expect(row).toContainText("Nobody");
  await page.getByLabel("Claimed by").selectOption({ label: "Not claimed" });
  await page.getByRole("button", { name: "Filter" }).click();
  await expect(page).toHaveURL(/assignee=unassigned/);
  await expect(row).toHaveCount(1);
  await expectAccessible(page, "underwriting queue");
  await saveScreenshot(page, "underwriting-queue", true);
  await row.getByRole("link").click();

  // The review page: the automatic decision, its trace as tables, the sandbox report.
  await expect(
    page.getByRole("heading", { name: `Application from ${application.applicant}` }),
  ).toBeVisible();
  await expect(page.getByTestId("decision-outcome")).toHaveText(
    "Refer to an underwriter (automatic)",
  );
  await expect(page.getByTestId("decision-time")).toHaveText(/^\d+\.\d{3} ms \(policy/);
  const rules = page.getByRole("table", { name: /Declines and referrals/ });
  await expect(
    rules.getByRole("row").filter({ hasText: "One or two delinquencies in 24 months" }),
  ).toContainText("Matched");
  await expect(page.getByRole("table", { name: /Decision out/ })).toContainText(
    "Delinquent past or present credit obligations with others",
  );
  await expect(page.getByRole("table", { name: "Derived before evaluation" })).toContainText(
    "Debt-to-income, with the new payment",
  );
  await expect(page.getByRole("heading", { name: "Credit report · Sandbox bureau" })).toBeVisible();
  await expect(page.getByTestId("sandbox-label")).toContainText("not a real credit report");
  await expect(page.getByTestId("credit-score")).toHaveText("640 (range 300–850)");

  // Unmasking asks the server and says the view is audited.
  await expect(page.getByTestId("tax-id")).toHaveText("***-**-0004");
  await page.getByRole("button", { name: "Show tax id and date of birth" }).click();
  await expect(page.getByTestId("tax-id")).toHaveText("123-45-0004");
  await expect(page.getByTestId("birth-date")).toHaveText("Dec 9, 1986");
  await expect(page.getByRole("status").filter({ hasText: "audit log" })).toBeVisible();
  await expectAccessible(page, "application review");
  await saveScreenshot(page, "underwriting-review", true);
  await page.setViewportSize(PHONE);
  await expectNoHorizontalScroll(page);
  await page.setViewportSize(DESKTOP);

  // Another underwriter claims it first: this page's claim is refused, naming who holds it.
  const other = await newUnderwriter(request);
  const otherAuth = await bearer(request, other.email, other.password);
  const base = `/api/applications/${application.id}`;
  expect((await request.post(`${base}/claim`, { headers: otherAuth })).status()).toBe(200);
  await page.getByRole("button", { name: "Claim" }).click();
  await expect(page.getByRole("alert")).toContainText(
    `already claimed by Ada Lovelace (${other.email})`,
  );
  await expect(page.getByTestId("claimed-by")).toContainText(other.email);
  await expect(page.getByRole("button", { name: "Claim" })).toHaveCount(0);
  await expectAccessible(page, "application claimed by someone else");
  // They release it, and this underwriter claims it.
  expect((await request.post(`${base}/release`, { headers: otherAuth })).status()).toBe(200);
  await page.reload();
  await page.getByRole("button", { name: "Claim" }).click();
  await expect(page.getByRole("status").filter({ hasText: "Claimed" })).toBeVisible();

  // Approve: a note is required.
  await page.getByRole("button", { name: "Record the decision" }).click();
  await expect(page.getByText("Write a note: it is kept with the decision.")).toBeVisible();
  await page.getByLabel("Note").fill("Both lates were during a documented hospital stay");
  await page.getByRole("button", { name: "Record the decision" }).click();
  await expect(page.getByRole("status").filter({ hasText: "Decision recorded" })).toHaveText(
    "Decision recorded: the application is approved.",
  );
  await expect(page.getByTestId("review-record")).toContainText(
    `Approved by Ada Lovelace (${underwriter.email})`,
  );
  await expect(page.getByTestId("review-record")).toContainText("Offer: $5,000.00 over 24");
  await expect(page.getByTestId("application-status")).toContainText("Approved");
  await expectAccessible(page, "application review after the decision");

  const seen = await request.get(`/api/applications/${application.id}`, { headers: borrower });
  const body = await seen.json();
  expect(body.status).toBe("approved");
  expect(body.offers).toHaveLength(1);
});

test("overriding an automatic decline waits for a second person, who confirms it", async ({
  page,
  request,
}) => {
  const borrower = await verifiedBorrower(request);
  const application = await applyAs(request, borrower, BANKRUPT);
  expect(application.status).toBe("declined");
  const underwriter = await newUnderwriter(request);
  await signInAs(page, underwriter.email, underwriter.password);

  await openQueue(page);
  await filterStatus(page, "Declined");
  await expect(page).toHaveURL(/status=declined/);
  await page.getByRole("row").filter({ hasText: application.applicant }).getByRole("link").click();
  await expect(page.getByTestId("decision-outcome")).toHaveText("Decline (automatic)");
  await page.getByRole("button", { name: "Claim" }).click();

  // On a decline the form offers approve or counter-offer, and says it is a proposal.
  await expect(page.getByText("your decision is a proposal")).toBeVisible();
  await expect(page.getByRole("radio", { name: "Decline with reasons" })).toHaveCount(0);
  await page.getByLabel("Note").fill("Bankruptcy discharged; two years of steady income since");
  await page.getByRole("button", { name: "Propose the override" }).click();
  await expect(page.getByRole("status").filter({ hasText: "Override proposed" })).toBeVisible();
  const waiting = page.getByTestId("override-waiting");
  await expect(waiting).toContainText("Waiting for a second person.");
  await expect(waiting).toContainText(`proposed by Ada Lovelace (${underwriter.email})`);
  await expect(waiting).toContainText("You proposed this override");
  await expect(page.getByRole("button", { name: "Confirm override" })).toHaveCount(0);
  await expect(page.getByTestId("application-status")).toContainText("Declined");
  await expectAccessible(page, "override waiting for a second person");

  // The proposer cannot confirm their own proposal: the server refuses.
  const own = await request.post(`/api/applications/${application.id}/override/confirm`, {
    headers: await bearer(request, underwriter.email, underwriter.password),
  });
  expect(own.status()).toBe(403);
  expect((await own.json()).detail).toContain("second person");
  expect(
    (await (await request.get(`/api/applications/${application.id}`, { headers: borrower })).json())
      .status,
  ).toBe("declined");

  // The queue marks it as waiting.
  await page.getByRole("link", { name: "Underwriting queue" }).click();
  await expect(page).toHaveURL(/status=declined/);
  const row = page.getByRole("row").filter({ hasText: application.applicant });
  await expect(row).toContainText("Override waiting for a second person");

  // The admin is the second person: a confirmation step, then the application is approved.
  await signOut(page);
  await signInAsAdmin(page);
  await openQueue(page);
  await filterStatus(page, "Declined");
  await row.getByRole("link").click();
  await expect(page.getByTestId("override-waiting")).toContainText("Waiting for a second person.");
  await page.getByRole("button", { name: "Confirm override" }).click();
  await expect(page.getByRole("group", { name: /Confirm the override\?/ })).toBeVisible();
  await expectAccessible(page, "override confirmation step");
  await saveScreenshot(page, "underwriting-override-confirm");
  await page.getByRole("button", { name: "Yes, confirm the override" }).click();
  await expect(page.getByRole("status").filter({ hasText: "Override confirmed" })).toBeVisible();
  await expect(page.getByTestId("review-record")).toContainText("override confirmed by");
  await expect(page.getByTestId("application-status")).toContainText("Approved");

  const seen = await request.get(`/api/applications/${application.id}`, { headers: borrower });
  const body = await seen.json();
  expect(body.status).toBe("approved");
  expect(body.review.confirmedBy).not.toBe(body.review.by);
});

test("an underwriter declines with ranked Reg B reasons and counter-offers another", async ({
  page,
  request,
}) => {
  const borrower = await verifiedBorrower(request);
  const declining = await applyAs(request, borrower, DELINQUENT);
  const countering = await applyAs(request, borrower, DELINQUENT);
  const underwriter = await newUnderwriter(request);
  await signInAs(page, underwriter.email, underwriter.password);

  // Decline: the reasons are sent in the order ticked, and at most four can be ticked.
  await page.goto(`/underwriting/${declining.id}`);
  await page.getByRole("button", { name: "Claim" }).click();
  await page.getByRole("radio", { name: "Decline with reasons" }).check();
  await page.getByRole("button", { name: "Record the decision" }).click();
  await expect(page.getByText("Pick at least one principal reason.")).toBeVisible();
  const reasons = page.getByRole("group", { name: /Principal reasons/ });
  await reasons
    .getByRole("checkbox", { name: "Excessive obligations in relation to income" })
    .check();
  await reasons
    .getByRole("checkbox", { name: "Delinquent past or present credit obligations with others" })
    .check();
  await reasons.getByRole("checkbox", { name: "Length of employment" }).check();
  await reasons.getByRole("checkbox", { name: "Length of residence" }).check();
  await expect(reasons.getByRole("checkbox", { name: "Bankruptcy" })).toBeDisabled();
  await reasons.getByRole("checkbox", { name: "Length of employment" }).uncheck();
  await reasons.getByRole("checkbox", { name: "Length of residence" }).uncheck();
  await expect(reasons.getByRole("list", { name: "Reasons in rank order" })).toHaveText(
    /^Excessive obligations.*Delinquent past/,
  );
  await page.getByLabel("Note").fill("Two recent lates and a high debt load");
  await expectAccessible(page, "decline with reasons");
  await page.getByRole("button", { name: "Record the decision" }).click();
  await expect(page.getByRole("status").filter({ hasText: "Decision recorded" })).toHaveText(
    "Decision recorded: the application is declined.",
  );
  await expect(page.getByTestId("decision-outcome")).toHaveText("Decline (by an underwriter)");
  const notice = await request.get(`/api/applications/${declining.id}/notice`, {
    headers: borrower,
  });
  expect((await notice.json()).reasons.map((r: { code: string }) => r.code)).toEqual([
    "EXCESSIVE_OBLIGATIONS",
    "DELINQUENT_CREDIT",
  ]);

  // Counter-offer a smaller amount: the borrower gets a counteroffer notice.
  await page.goto(`/underwriting/${countering.id}`);
  await page.getByRole("button", { name: "Claim" }).click();
  await page.getByRole("radio", { name: /Counter-offer/ }).check();
  await page.getByRole("textbox", { name: "Amount", exact: true }).fill("3,000");
  await page.getByLabel("Note").fill("Income supports a smaller loan");
  await page.getByRole("button", { name: "Record the decision" }).click();
  await expect(page.getByTestId("review-record")).toContainText("Counter-offered by");
  await expect(page.getByTestId("review-record")).toContainText("Offer: $3,000.00 over 24");
  const counter = await request.get(`/api/applications/${countering.id}/notice`, {
    headers: borrower,
  });
  const body = await counter.json();
  expect(body.kind).toBe("counteroffer");
  expect(body.counteroffer.amount).toBe("3000");
});

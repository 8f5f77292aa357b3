import type { APIRequestContext } from "@playwright/test";
import { register } from "./accounts";
import { adminBearer, bearer, signInAs, signInAsAdmin } from "./admin";
import { expect, expectAccessible, test } from "./fixtures";

function isoDaysAgo(days: number): string {
  const d = new Date();
  d.setDate(d.getDate() - days);
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, "0")}-${String(d.getDate()).padStart(2, "0")}`;
}

/** A borrower with an active loan: registered, booked and disbursed by staff through the API. */
async function borrowerWithLoan(request: APIRequestContext) {
  const account = await register(request);
  const staff = await adminBearer(request);
  const booked = await request.post("/api/loans", {
    headers: { ...staff, "Idempotency-Key": crypto.randomUUID() },
    data: {
      borrowerId: account.id,
      productCode: "PERSONAL",
      principal: "5000.00",
      termPeriods: 12,
      frequency: "monthly",
      grade: "B",
      startDate: isoDaysAgo(20),
    },
  });
  expect(booked.status(), await booked.text()).toBe(201);
  const loanId: string = (await booked.json()).loan.id;
  const disbursed = await request.post(`/api/loans/${loanId}/disbursement`, {
    headers: { ...staff, "Idempotency-Key": crypto.randomUUID() },
    data: {},
  });
  expect(disbursed.status(), await disbursed.text()).toBe(201);
  return { account, loanId, staff };
}

test("a borrower sees their loan, quotes a payoff and pays through the web channel", async ({
  page,
  request,
}) => {
  const { account } = await borrowerWithLoan(request);
  await signInAs(page, account.email, account.password);
  await page
    .getByRole("navigation", { name: "Main" })
    .getByRole("link", { name: "My loans" })
    .click();
  await expect(page.getByRole("heading", { name: "My loans", level: 1 })).toBeVisible();
  const row = page.getByRole("row").filter({ hasText: "PERSONAL" });
  await expect(row).toHaveCount(1);
  await expect(row).toContainText("Active");
  await row.getByRole("link").click();

  await expect(page.getByTestId("loan-balance")).toHaveText(/^\$5,\d{3}\.\d{2}$/);
  const before = await page.getByTestId("loan-balance").textContent();
  const due = (await page.getByTestId("next-payment").textContent()) ?? "";
  await expect(page.getByRole("table", { name: "Schedule" }).getByRole("row")).toHaveCount(13);
  await expect(page.getByTestId("payoff-total")).toHaveText(/^\$5,\d{3}\.\d{2}$/);
  await expectAccessible(page, "borrower loan page");

  // The payment form offers the next payment; paying it is recorded on the web channel.
  await expect(page.getByLabel("Amount")).toHaveValue(due.replace(/[$,]/g, ""));
  await page.getByRole("button", { name: "Pay" }).click();
  await expect(page.getByRole("status").filter({ hasText: "recorded" })).toHaveText(
    `Payment of ${due} recorded.`,
  );
  await expect(page.getByTestId("loan-balance")).not.toHaveText(before ?? "");
  const history = page.getByRole("table", { name: "Transactions" });
  await expect(history.getByRole("row").filter({ hasText: "Payment" })).toContainText("web");
  // A borrower sees no staff tools.
  await expect(page.getByRole("heading", { name: "Staff actions" })).toHaveCount(0);
  await expect(page.getByRole("heading", { name: "Journal entries" })).toHaveCount(0);

  // An amount that is not one is refused at the field, and nothing is posted.
  await page.getByLabel("Amount").fill("12,5");
  await page.getByRole("button", { name: "Pay" }).click();
  await expect(page.getByText("Enter an amount, like 125.50.")).toBeVisible();
  await expect(history.getByRole("row").filter({ hasText: "Payment" })).toHaveCount(1);
});

test("staff find a loan by email, see its journal, and charge, waive and reverse with reasons", async ({
  page,
  request,
}) => {
  const { account, loanId, staff } = await borrowerWithLoan(request);
  const borrower = await bearer(request, account.email, account.password);
  const paid = await request.post(`/api/loans/${loanId}/transactions`, {
    headers: { ...borrower, "Idempotency-Key": crypto.randomUUID() },
    data: { kind: "payment", amount: "100.00", valueDate: isoDaysAgo(0) },
  });
  expect(paid.status(), await paid.text()).toBe(201);

  await signInAsAdmin(page);
  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Loans" }).click();
  await page.getByLabel("Borrower email").fill(account.email);
  await page.getByRole("button", { name: "Search" }).click();
  const results = page.getByRole("table").getByRole("row").filter({ hasText: "PERSONAL" });
  await expect(results).toHaveCount(1);
  await results.getByRole("link").click();

  const journal = page.getByRole("table", { name: "Journal" });
  await expect(journal.getByRole("row").filter({ hasText: "Disbursement" })).toHaveCount(1);
  await expect(journal.getByRole("row").filter({ hasText: "Payment" })).toHaveCount(1);
  await expect(journal.getByRole("row").filter({ hasText: "Payment" })).toContainText(
    /\(1000\): debit/,
  );

  // A fee without a reason is stopped at the field; with one it posts, then is waived.
  const actions = page.getByRole("form", { name: "Post a transaction" });
  await actions.getByLabel("Transaction").selectOption("fee_charge");
  await actions.getByLabel("Amount").fill("25");
  await actions.getByRole("button", { name: "Post" }).click();
  await expect(actions.getByText("Say why: the reason goes to the audit log.")).toBeVisible();
  await actions.getByLabel("Reason").fill("Late fee agreed with the borrower");
  await actions.getByRole("button", { name: "Post" }).click();
  await expect(actions.getByRole("status")).toContainText("Fee charged");
  await actions.getByLabel("Transaction").selectOption("fee_waiver");
  await actions.getByLabel("Amount").fill("25");
  await actions.getByLabel("Reason").fill("Goodwill: first late payment");
  await actions.getByRole("button", { name: "Post" }).click();
  await expect(actions.getByRole("status")).toContainText("Fee waived");

  // Reverse the borrower's payment as returned (NSF).
  const history = page.getByRole("table", { name: "Transactions" });
  await history.getByRole("button", { name: /^Reverse #/ }).click();
  const reversal = page.getByRole("form", { name: /^Reverse payment/ });
  await reversal.getByLabel("Reason for the reversal").fill("Returned by the bank: NSF");
  await reversal.getByRole("button", { name: "Reverse payment" }).click();
  await expect(history.getByRole("row").filter({ hasText: "Payment reversal" })).toHaveCount(1);
  await expect(history.getByRole("row").filter({ hasText: "(reversed)" })).toHaveCount(1);
  await expect(history.getByRole("button", { name: /^Reverse #/ })).toHaveCount(0);
  await expectAccessible(page, "staff loan page");

  // Each action is in the audit log, with its reason.
  const audit = await request.get(`/api/admin/audit?subjectId=${loanId}`, { headers: staff });
  const events = (await audit.json()).items as { event: string; details: { reason?: string } }[];
  const types = events.map((e) => e.event);
  expect(types).toEqual(
    expect.arrayContaining(["loan.fee.charged", "loan.fee.waived", "loan.payment.reversed"]),
  );
  expect(events.find((e) => e.event === "loan.payment.reversed")?.details.reason).toBe(
    "Returned by the bank: NSF",
  );
});

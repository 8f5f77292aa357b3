import { readFileSync } from "node:fs";
import type { Page } from "@playwright/test";
import { DESKTOP, expect, expectNoHorizontalScroll, test } from "./fixtures";

/** A phone's width (an iPhone 12-15 is 390 px wide). */
const PHONE_390 = { width: 390, height: 844 };

const usd = new Intl.NumberFormat("en-US", { style: "currency", currency: "USD" });
const money = (v: string) => usd.format(v as Intl.StringNumericLiteral);
const rate = (v: string) =>
  `${new Intl.NumberFormat("en-US", { minimumFractionDigits: 2, maximumFractionDigits: 3 }).format(v as Intl.StringNumericLiteral)}%`;

type Quote = {
  payment: string;
  schedule: {
    number: number;
    dueDate: string;
    payment: string;
    principal: string;
    interest: string;
    balance: string;
  }[];
  totals: { interest: string };
  disclosure: {
    apr: string;
    financeCharge: string;
    amountFinanced: string;
    totalOfPayments: string;
  };
};

/** Fill the calculator and return the API's answer to the request the page finally sent. */
async function priceLoan(page: Page): Promise<{ body: Record<string, unknown>; quote: Quote }> {
  await page.goto("/");
  await expect(page.getByTestId("payment")).toBeVisible();
  await page.getByLabel("Loan amount").fill("300000");
  await page.getByLabel("Interest rate").fill("6.25");
  // The term is in months unless the user picks another unit.
  await expect(page.getByLabel("Term unit")).toHaveValue("months");
  await page.getByLabel("Term", { exact: true }).fill("360");
  await page.getByLabel("Start date").fill("2027-01-15");
  await page.getByRole("button", { name: "Add a fee" }).click();
  await page.getByLabel("Fee 1 name").fill("Origination fee");
  const answered = page.waitForResponse(
    (r) =>
      r.url().endsWith("/api/quotes") && r.request().postDataJSON()?.fees?.[0]?.amount === "1500",
  );
  await page.getByLabel("Fee 1 amount").fill("1500");
  const response = await answered;
  expect(response.status()).toBe(200);
  return { body: response.request().postDataJSON(), quote: (await response.json()) as Quote };
}

test("the figures on screen are the API's, for a 360-payment loan", async ({ page, request }) => {
  const { body, quote } = await priceLoan(page);
  expect(body).toMatchObject({
    principal: "300000",
    annualRate: "6.25",
    termPeriods: 360,
    frequency: "monthly",
    amortization: "level-payment",
    startDate: "2027-01-15",
    fees: [{ name: "Origination fee", amount: "1500", financed: false }],
  });
  expect(quote.schedule).toHaveLength(360);

  // The API itself, asked directly, gives the same figures the page shows.
  const direct = await request.post("/api/quotes", { data: body });
  expect(direct.ok()).toBe(true);
  expect(await direct.json()).toEqual(quote);

  await expect(page.getByTestId("payment")).toHaveText(money(quote.payment));
  await expect(page.getByTestId("apr")).toHaveText(rate(quote.disclosure.apr));
  await expect(page.getByTestId("finance-charge")).toHaveText(
    money(quote.disclosure.financeCharge),
  );
  await expect(page.getByTestId("amount-financed")).toHaveText(
    money(quote.disclosure.amountFinanced),
  );
  await expect(page.getByTestId("total-of-payments")).toHaveText(
    money(quote.disclosure.totalOfPayments),
  );
  await expect(page.getByTestId("total-interest")).toHaveText(money(quote.totals.interest));

  const table = page.getByTestId("schedule");
  const first = quote.schedule[0]!;
  const firstRow = table.locator("tbody tr").first();
  await expect(firstRow).toContainText(money(first.payment));
  await expect(firstRow).toContainText(money(first.interest));
  await expect(firstRow).toContainText(money(first.balance));

  // The last page holds the last payment, which ends at a zero balance.
  await page.getByLabel("Rows per page").selectOption("120");
  await page.getByRole("button", { name: "Next" }).click();
  await page.getByRole("button", { name: "Next" }).click();
  await expect(page.getByText("Page 3 of 3")).toBeVisible();
  const last = quote.schedule.at(-1)!;
  const lastRow = table.locator("tbody tr").last();
  await expect(lastRow.locator("td").first()).toHaveText("360");
  await expect(lastRow).toContainText(money(last.payment));
  await expect(lastRow.locator("td").last()).toHaveText(money(last.balance));

  // Both charts render, their horizontal axes labelled in years (the first payment is due in
  // February 2027, the last in January 2057; a 30-year loan keeps every fifth year).
  for (const name of [/remaining balance/, /principal and interest/]) {
    const chart = page.getByRole("img", { name });
    await expect(chart).toBeVisible();
    await expect(
      chart.locator(".recharts-xAxis-tick-labels .recharts-cartesian-axis-tick-value"),
    ).toHaveText(["2030", "2035", "2040", "2045", "2050", "2055"]);
  }
});

test("the address shares the quote: reloading it shows the same loan", async ({ page }) => {
  const { quote } = await priceLoan(page);
  const url = new URL(page.url());
  expect(url.searchParams.get("amount")).toBe("300000");
  expect(url.searchParams.getAll("fee")).toEqual(["Origination fee~1500~0"]);

  await page.goto(url.pathname + url.search);
  await expect(page.getByLabel("Loan amount")).toHaveValue("300000");
  await expect(page.getByLabel("Fee 1 amount")).toHaveValue("1500");
  await expect(page.getByTestId("payment")).toHaveText(money(quote.payment));
});

test("the schedule downloads as CSV", async ({ page }) => {
  const { quote } = await priceLoan(page);
  const downloaded = page.waitForEvent("download");
  await page.getByRole("button", { name: "Download CSV" }).click();
  const download = await downloaded;
  expect(download.suggestedFilename()).toMatch(/\.csv$/);
  const csv = readFileSync((await download.path())!, "utf8")
    .trim()
    .split(/\r?\n/);
  const rows = csv.filter((line) => /^\d+,/.test(line));
  expect(rows).toHaveLength(360);
  expect(csv[0]!.toLowerCase()).toContain("balance");
  expect(rows[0]).toContain(quote.schedule[0]!.payment);
  expect(rows.at(-1)).toContain(quote.schedule.at(-1)!.payment);
});

test("input mistakes are explained next to the fields", async ({ page }) => {
  await page.goto("/");
  await expect(page.getByTestId("payment")).toBeVisible();

  // Checked in the browser: not a number.
  const amount = page.getByLabel("Loan amount");
  await amount.fill("a lot");
  await expect(amount).toHaveAttribute("aria-invalid", "true");
  await expect(amount).toHaveAccessibleDescription("Enter an amount, like 250000.");
  await amount.fill("250000");
  await expect(amount).not.toHaveAttribute("aria-invalid");

  // Checked by the API: a well-formed but unacceptable rate, reported with its field path.
  // (Fee errors come back as `fees.0.amount` and land on that fee's field the same way.)
  const rateInput = page.getByLabel("Interest rate");
  const rejected = page.waitForResponse(
    (r) => r.url().endsWith("/api/quotes") && r.status() === 422,
  );
  await rateInput.fill("150");
  const problem = await (await rejected).json();
  const message: string = problem.errors.find(
    (e: { field: string }) => e.field === "annualRate",
  ).message;
  await expect(rateInput).toHaveAttribute("aria-invalid", "true");
  // Shown as a sentence naming the field ("must be …" → "The interest rate must be ….").
  await expect(rateInput).toHaveAccessibleDescription(
    new RegExp(message.slice(1).replace(/[.*+?^${}()|[\]\\]/g, "\\$&")),
  );
  await expect(
    page.getByRole("alert").filter({ hasText: "check the highlighted fields" }),
  ).toBeVisible();
  // The last figures stay, dimmed and marked out of date, rather than the column going blank.
  await expect(page.getByTestId("out-of-date")).toContainText("Out of date");
  await expect(page.getByTestId("payment")).toBeVisible();
  expect(
    Number(await page.locator(".results").evaluate((el) => getComputedStyle(el).opacity)),
  ).toBeLessThan(0.6);

  await rateInput.fill("6.5");
  await expect(rateInput).not.toHaveAttribute("aria-invalid");
  await expect(page.getByTestId("payment")).toBeVisible();
  await expect(page.getByTestId("out-of-date")).toHaveCount(0);
});

/** Every select in the form is wide enough for its longest choice (text + padding + arrow). */
async function expectSelectsFit(page: Page): Promise<void> {
  await page.getByText("Interest conventions").click();
  const selects = page.locator(".quote-form select");
  expect(await selects.count()).toBeGreaterThanOrEqual(7);
  const cut = await selects.evaluateAll((elements) =>
    (elements as HTMLSelectElement[]).flatMap((el) => {
      const style = getComputedStyle(el);
      const ctx = document.createElement("canvas").getContext("2d")!;
      ctx.font = `${style.fontWeight} ${style.fontSize} ${style.fontFamily}`;
      const room =
        el.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight) - 20;
      return Array.from(el.options)
        .filter((o) => ctx.measureText(o.text).width > room)
        .map((o) => `${el.name || el.getAttribute("aria-label") || el.id}: ${o.text}`);
    }),
  );
  expect(cut, "choices cut off").toEqual([]);
}

test("at 1280 px the selects show their choices in full", async ({ page }) => {
  await page.setViewportSize(DESKTOP);
  await page.goto("/");
  await expect(page.getByTestId("payment")).toBeVisible();
  await expectSelectsFit(page);
  // The results are beside the form, so the pinned payment bar is not shown.
  await expect(page.getByTestId("quote-peek")).toBeHidden();
});

test("on a phone the payment stays in view while typing", async ({ page }) => {
  await page.setViewportSize(PHONE_390);
  await page.goto("/");
  const summary = page.getByTestId("payment");
  await expect(summary).toHaveText(/\$/);
  const peek = page.getByTestId("quote-peek");
  await expect(peek).toBeInViewport();
  // The full summary is below the form, off screen, while the user types at the top.
  const amount = page.getByLabel("Loan amount");
  await amount.fill("18000");
  await page.getByLabel("Term", { exact: true }).fill("48");
  await expect(amount).toBeInViewport();
  await expect(summary).not.toBeInViewport();
  const answered = page.waitForResponse(
    (r) => r.url().endsWith("/api/quotes") && r.request().postDataJSON()?.annualRate === "8.9",
  );
  await page.getByLabel("Interest rate").fill("8.9");
  const quote = (await (await answered).json()) as Quote;
  await expect(peek).toBeInViewport();
  await expect(peek).toContainText(money(quote.payment));
  await expect(peek).toContainText(rate(quote.disclosure.apr));
  await expect(summary).toHaveText(money(quote.payment));
  // "Details" scrolls to the full figures.
  await peek.getByRole("button", { name: "Details" }).click();
  await expect(summary).toBeInViewport();
  await expectNoHorizontalScroll(page);
  await expectSelectsFit(page);
});

test("the calculator works from the keyboard alone", async ({ page }) => {
  await page.goto("/");
  await expect(page.getByTestId("payment")).toBeVisible();
  await page.keyboard.press("Tab");
  await expect(page.getByRole("link", { name: "Skip to content" })).toBeFocused();
  await page.keyboard.press("Enter");
  // From the main content, Tab reaches the first input, which takes typed digits.
  const amount = page.getByLabel("Loan amount");
  for (let i = 0; i < 10 && !(await amount.evaluate((el) => el === document.activeElement)); i++) {
    await page.keyboard.press("Tab");
  }
  await expect(amount).toBeFocused();
  await page.keyboard.press("ControlOrMeta+a");
  await page.keyboard.type("150000");
  await expect(page.getByTestId("payment")).toHaveText(/\$/);
  await expect(page).toHaveURL(/amount=150000/);
});

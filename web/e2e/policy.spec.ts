import AxeBuilder from "@axe-core/playwright";
import { signInAsAdmin } from "./admin";
import { expect, saveScreenshot, test } from "./fixtures";

test("an admin edits the policy, watches a test fail and activation refused, fixes it and activates", async ({
  page,
}) => {
  test.setTimeout(120_000);
  await signInAsAdmin(page);
  await page.goto("/admin/products/PERSONAL/policy");
  await expect(page.getByRole("heading", { name: "PERSONAL credit policy" })).toBeVisible();
  await expect(page.getByRole("heading", { name: /Version 1/ })).toContainText("active");
  await page.getByRole("button", { name: "New draft from the latest version" }).click();
  await expect(page.getByRole("heading", { name: /Version 2/ })).toContainText("draft");

  // The decision graph editor loads on demand and shows the model's nodes.
  const editor = page.getByTestId("jdm-editor");
  await expect(editor).toBeVisible();
  await expect(editor.getByText("Risk grade").first()).toBeVisible({ timeout: 30_000 });

  // Break a test case: the prime borrower "should" be declined.
  const first = page.getByTestId("case-0");
  await first.getByLabel("Expected decision").selectOption("decline");
  await page.getByRole("button", { name: "Save and run tests" }).click();
  await expect(page.getByTestId("check-summary")).toContainText("1 of 20 test cases fail");
  await expect(page.getByTestId("case-0-status")).toHaveText("failed");
  await expect(first).toContainText("decision");
  // Our page passes WCAG 2.1 A/AA; the third-party graph editor is left to its maintainers.
  const axe = await new AxeBuilder({ page })
    .withTags(["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"])
    .exclude('[data-testid="jdm-editor"]')
    .analyze();
  const blocking = axe.violations.filter((v) => v.impact === "serious" || v.impact === "critical");
  expect(
    blocking.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`),
  ).toEqual([]);
  await saveScreenshot(page, "policy-desktop", true);

  await page.getByRole("button", { name: "Activate…" }).click();
  await page.getByRole("button", { name: "Confirm activation" }).click();
  const refusal = page.getByTestId("policy-problem");
  await expect(refusal).toContainText("The policy cannot be activated");
  await expect(refusal).toContainText("testCases.0");

  // Fix it, run the tests again, and activate.
  await first.getByLabel("Expected decision").selectOption("approve");
  await page.getByRole("button", { name: "Save and run tests" }).click();
  await expect(page.getByTestId("check-summary")).toContainText("All 20 test cases pass");
  await expect(page.getByTestId("case-0-status")).toHaveText("passed");

  await page.getByRole("button", { name: "Run simulation" }).click();
  await expect(page.getByTestId("simulation-report")).toContainText("Evaluated20");
  await expect(page.getByTestId("simulation-changed")).toHaveText("0");

  await page.getByRole("button", { name: "Activate…" }).click();
  await page.getByRole("button", { name: "Confirm activation" }).click();
  await expect(page.getByRole("heading", { name: /Version 2/ })).toContainText("active");
  await expect(page.getByRole("row", { name: /Version 1/ })).toContainText("retired");
});

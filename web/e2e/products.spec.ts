import { signInAsAdmin } from "./admin";
import { expect, expectAccessible, saveScreenshot, test } from "./fixtures";

test("the public catalog shows the seeded personal loan with its example and a calculator link", async ({
  page,
}) => {
  await page.goto("/products");
  const card = page.getByRole("region", { name: "Personal loan" });
  await expect(card).toContainText("$2,000.00 to $50,000.00");
  await expect(card).toContainText("12 months to 72 months");
  await expect(page.getByTestId("example-PERSONAL")).toContainText(
    "borrowing $15,000.00 over 36 monthly payments at 27.99%",
  );
  await expectAccessible(page, "products");
  await saveScreenshot(page, "products-desktop", true);
  await card.getByRole("link", { name: "Price it in the calculator" }).click();
  await expect(page).toHaveURL(/amount=15000&rate=27.99&term=36/);
});

test("an admin creates a product, fixes what stops it from publishing, previews and publishes it", async ({
  page,
}) => {
  const code = `E2E-${Date.now().toString(36).toUpperCase()}`;
  await signInAsAdmin(page);
  await page
    .getByRole("navigation", { name: "Main" })
    .getByRole("link", { name: "Admin: products" })
    .click();
  await expect(page.getByRole("heading", { name: "Products", level: 1 })).toBeVisible();
  await page.getByLabel("Code").fill(code);
  await page.getByLabel("Name").fill("Car repair loan");
  await page.getByRole("button", { name: "Create draft" }).click();
  await expect(page).toHaveURL(new RegExp(`/admin/products/${code}/versions/1$`));
  await expect(page.getByRole("heading", { name: /Version 1/ })).toContainText("draft");

  // The live preview prices the definition as it stands.
  await expect(page.getByTestId("preview-payment")).toHaveText(/^\$\d/);
  const before = await page.getByTestId("preview-payment").textContent();
  await page.getByLabel("Rate for grade A, band 1").fill("12");
  await expect(page.getByTestId("preview-payment")).not.toHaveText(before ?? "");

  // A smallest amount above the largest: saved as a draft, but the server says it cannot be
  // published, at the field.
  await page.getByLabel("Smallest amount").fill("90000");
  await page.getByRole("button", { name: "Save draft" }).click();
  await expect(page.getByRole("status").filter({ hasText: "Draft saved." })).toBeVisible();
  await expect(page.getByText("Minimum amount is above the maximum (25000).")).toBeVisible();
  await expectAccessible(page, "product editor");
  await saveScreenshot(page, "product-editor-desktop", true);
  await page.getByRole("button", { name: "Publish…" }).click();
  await page.getByRole("button", { name: "Confirm publish" }).click();
  await expect(
    page.getByRole("alert").filter({ hasText: "Please correct the highlighted fields." }),
  ).toBeVisible();
  await expect(page.getByText("Minimum amount is above the maximum (25000).")).toBeVisible();

  await page.getByLabel("Smallest amount").fill("1500");
  await page.getByLabel("Note (what changed)").fill("Smallest loan 1,500");
  await page.getByRole("button", { name: "Publish…" }).click();
  await expect(page.getByRole("alertdialog")).toContainText("A published version cannot be edited");
  await page.getByRole("button", { name: "Confirm publish" }).click();
  await expect(page.getByRole("heading", { name: /Version 1/ })).toContainText("published");
  await expect(page.getByLabel("Smallest amount")).toHaveAttribute("readonly", "");

  await page.goto("/products");
  await expect(page.getByRole("region", { name: "Car repair loan" })).toContainText(
    "$1,500.00 to $25,000.00",
  );

  // A second version, and the diff between the two.
  await page.goto(`/admin/products/${code}`);
  await page.getByRole("button", { name: "New draft from the latest version" }).click();
  await expect(page).toHaveURL(new RegExp(`/admin/products/${code}/versions/2$`));
  await page.getByLabel("Largest amount").fill("30000");
  await page.getByRole("button", { name: "Save draft" }).click();
  await expect(page.getByRole("status").filter({ hasText: "Draft saved." })).toBeVisible();
  await page.goto(`/admin/products/${code}`);
  const changes = page.getByRole("table", { name: "Changes" });
  await expect(changes).toContainText("amount.max");
  await expect(changes).toContainText("30000");
});

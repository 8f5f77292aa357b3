import { expect, test } from "./fixtures";

test("an unknown address shows the not-found page inside the app", async ({ page }) => {
  await page.goto("/no/such/page");
  await expect(page.getByRole("heading", { name: "We can't find that page" })).toBeVisible();
  await expect(page).toHaveTitle("Page not found · Loan Engine");
  await page.getByRole("link", { name: "Go to the loan calculator" }).click();
  await expect(page.getByRole("heading", { name: "Loan calculator" })).toBeVisible();
});

test("API paths are never answered by the app's index page", async ({ request }) => {
  const response = await request.get("/api/no-such-route");
  expect(response.status()).toBe(404);
  expect(response.headers()["content-type"]).toContain("application/problem+json");
});

test("when the API cannot be reached, a friendly page offers to try again", async ({ page }) => {
  await page.goto("/");
  await expect(page.getByTestId("payment")).toBeVisible();

  // Cut the API off (as when the network drops or the origin is down) and change an input.
  await page.route(/\/(api|auth|health)\//, (route) => route.abort("connectionrefused"));
  await page.getByLabel("Loan amount").fill("123456");
  const unreachable = page.getByTestId("unreachable");
  await expect(unreachable).toBeVisible();
  await expect(
    page.getByRole("heading", { name: "We can't reach Loan Engine right now" }),
  ).toBeVisible();

  await page.getByRole("button", { name: "Try again" }).click();
  await expect(page.getByText("Still no answer. Please try again shortly.")).toBeVisible();

  // Service back: the retry brings the calculator back with the user's input intact.
  await page.unroute(/\/(api|auth|health)\//);
  await page.getByRole("button", { name: "Try again" }).click();
  await expect(unreachable).toBeHidden();
  await expect(page.getByLabel("Loan amount")).toHaveValue("123456");
  await expect(page.getByTestId("payment")).toBeVisible();
});

test("a gateway error from the proxy also counts as unreachable", async ({ page }) => {
  await page.route(/\/api\//, (route) =>
    route.fulfill({ status: 504, contentType: "text/html", body: "<h1>504 Gateway Timeout</h1>" }),
  );
  await page.goto("/");
  await expect(page.getByTestId("unreachable")).toBeVisible();
});

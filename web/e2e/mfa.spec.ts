import { newUnderwriter, register } from "./accounts";
import {
  nextCode,
  readRecoveryCodes,
  recoveryCodesOf,
  rememberSecondFactor,
  signInAs,
  signOut,
  totp,
} from "./admin";
import { expect, expectAccessible, saveScreenshot, test } from "./fixtures";

// Codes are single use per 30-second step: a test that uses several may wait for the next step.
test.setTimeout(150_000);

test("a staff member sets up two-step sign-in at the first sign-in, then signs in with a code and with a recovery code", async ({
  page,
  request,
}) => {
  const staff = await newUnderwriter(request);

  // First sign-in: the password alone gives no session, the enrolment screen shows the secret.
  await signInAs(page, staff.email, staff.password, {
    onStep: async (step) => {
      expect(step).toBe("enrol");
      await expect(page.getByTestId("mfa-uri")).toHaveAttribute("href", /^otpauth:\/\/totp\//);
      await expectAccessible(page, "two-step sign-in setup");
      await saveScreenshot(page, "mfa-enrolment");
    },
  });
  expect(recoveryCodesOf(staff.email)).toHaveLength(10);
  await page.goto("/account");
  await expect(page.getByTestId("mfa-status")).toContainText("10 recovery codes left");
  await expect(page.getByRole("button", { name: "Turn off" })).toHaveCount(0); // required for staff
  await signOut(page);

  // Again: the challenge, answered with a code from the app.
  let steps: string[] = [];
  await signInAs(page, staff.email, staff.password, {
    onStep: async (step) => {
      steps.push(step);
      await expectAccessible(page, "two-step sign-in challenge");
    },
  });
  expect(steps).toEqual(["challenge"]);
  await signOut(page);

  // And with a recovery code: it works once, and the account page counts it.
  steps = [];
  await signInAs(page, staff.email, staff.password, {
    with: "recovery",
    onStep: async (step) => {
      steps.push(step);
    },
  });
  expect(steps).toEqual(["challenge"]);
  await page.goto("/account");
  await expect(page.getByTestId("mfa-status")).toContainText("9 recovery codes left");
});

test("a wrong code is explained and the sign-in can still be finished", async ({
  page,
  request,
}) => {
  const staff = await newUnderwriter(request);
  await signInAs(page, staff.email, staff.password); // enrols
  await signOut(page);
  await signInAs(page, staff.email, staff.password, {
    onStep: async () => {
      const wrong = totp("JBSWY3DPEHPK3PXP"); // a code of some other secret
      await page.getByLabel("Authentication code").fill(wrong);
      await page.getByRole("button", { name: "Verify" }).click();
      await expect(page.getByText("is not correct")).toBeVisible();
    },
  });
});

test("a borrower turns two-step sign-in on from the account page, signs in with it, and turns it off", async ({
  page,
  request,
}) => {
  const borrower = await register(request);
  await signInAs(page, borrower.email, borrower.password); // no second step yet
  await page.goto("/account");
  await expect(page.getByTestId("mfa-status")).toContainText("Off");
  await page.getByRole("button", { name: "Set up two-step sign-in" }).click();
  const secret = (await page.getByTestId("mfa-secret").textContent())?.replace(/\s/g, "") ?? "";
  expect(secret).toMatch(/^[A-Z2-7]{32}$/);
  await page.getByLabel("Authentication code").fill(totp(secret));
  await page.getByRole("button", { name: "Turn on" }).click();
  const codes = await readRecoveryCodes(page);
  expect(codes).toHaveLength(10);
  rememberSecondFactor(borrower.email, secret, codes);
  await expectAccessible(page, "account page with recovery codes");
  await page.getByRole("button", { name: "Done" }).click();
  await expect(page.getByTestId("mfa-status")).toContainText("10 recovery codes left");
  await signOut(page);

  const steps: string[] = [];
  await signInAs(page, borrower.email, borrower.password, {
    onStep: async (step) => {
      steps.push(step);
    },
  });
  expect(steps).toEqual(["challenge"]);

  await page.goto("/account");
  await page.getByLabel("Current authentication code").fill(await nextCode(borrower.email));
  await page.getByRole("button", { name: "Turn off" }).click();
  await expect(page.getByTestId("mfa-status")).toContainText("Off");
});

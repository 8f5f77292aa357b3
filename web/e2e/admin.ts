import type { APIRequestContext, Page } from "@playwright/test";
import { createHmac } from "node:crypto";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { resolve } from "node:path";
import { expect, newAccount } from "./fixtures";

/**
 * Every e2e sign-in goes through this file, in the browser (`signInAs`, `signUp`, `signOut`) and
 * over the API (`bearer`), so a change to how people sign in is made in one place. Staff sign in with a second factor: the
 * first sign-in of a staff account sets up an authenticator (the secret is read from the page or the
 * API answer and remembered per email for the run, in E2E_DATA_DIR), later ones answer the challenge
 * with a TOTP code computed here (RFC 6238), or with a remembered recovery code on request.
 */

export type Auth = { Authorization: string };
export type SecondFactor = "code" | "recovery";

/** The admin the harness created (or the one E2E_ADMIN_EMAIL names for a running server). */
export function adminCredentials(): { email: string; password: string } {
  const email = process.env.E2E_ADMIN_EMAIL;
  const password = process.env.E2E_ADMIN_PASSWORD;
  if (!email || !password) throw new Error("E2E_ADMIN_EMAIL and E2E_ADMIN_PASSWORD are not set");
  return { email, password };
}

// ---- TOTP (RFC 6238: HMAC-SHA1, 6 digits, 30-second steps) ------------------------------------

const STEP_S = 30;

function base32(secret: string): Buffer {
  const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
  let bits = "";
  for (const ch of secret.replace(/[\s=]/g, "").toUpperCase()) {
    const value = alphabet.indexOf(ch);
    if (value < 0) throw new Error(`not base32: ${ch}`);
    bits += value.toString(2).padStart(5, "0");
  }
  const bytes = bits.match(/.{8}/g) ?? [];
  return Buffer.from(bytes.map((b) => parseInt(b, 2)));
}

/** The code of `secret` for time step `step` (RFC 4226 dynamic truncation). */
export function totp(secret: string, step = Math.floor(Date.now() / 1000 / STEP_S)): string {
  const counter = Buffer.alloc(8);
  counter.writeBigUInt64BE(BigInt(step));
  const mac = createHmac("sha1", base32(secret)).update(counter).digest();
  const offset = mac[mac.length - 1] & 0x0f;
  const value = (mac.readUInt32BE(offset) & 0x7fffffff) % 1_000_000;
  return value.toString().padStart(6, "0");
}

// ---- what the run knows of each account's second factor ---------------------------------------

type Factor = { secret: string; lastStep: number; recoveryCodes: string[] };
const inMemory = new Map<string, Factor>();

function storePath(): string | null {
  const dir = process.env.E2E_DATA_DIR;
  return dir ? resolve(dir, "e2e-second-factors.json") : null;
}

function load(): Record<string, Factor> {
  const path = storePath();
  if (!path) return Object.fromEntries(inMemory);
  return existsSync(path) ? (JSON.parse(readFileSync(path, "utf8")) as Record<string, Factor>) : {};
}

function save(email: string, factor: Factor | null): void {
  const path = storePath();
  const key = email.toLowerCase();
  if (!path) {
    if (factor) inMemory.set(key, factor);
    else inMemory.delete(key);
    return;
  }
  const all = load();
  if (factor) all[key] = factor;
  else delete all[key];
  writeFileSync(path, JSON.stringify(all, null, 2));
}

function factorOf(email: string): Factor {
  const factor = load()[email.toLowerCase()];
  if (!factor)
    throw new Error(`${email} has two-step sign-in on, but this run never saw its secret`);
  return factor;
}

/** Remember an authenticator set up outside this file (the account page), with its first code's step. */
export function rememberSecondFactor(email: string, secret: string, recoveryCodes: string[] = []) {
  save(email, { secret, lastStep: Math.floor(Date.now() / 1000 / STEP_S), recoveryCodes });
}

export function forgetSecondFactor(email: string): void {
  save(email, null);
}

export function recoveryCodesOf(email: string): string[] {
  return [...factorOf(email).recoveryCodes];
}

/** A code the server has not accepted yet: the current step's, or the next one's (the server accepts
 * one step either side); when both were used, wait for the next step. */
export async function nextCode(email: string): Promise<string> {
  const factor = factorOf(email);
  const now = Math.floor(Date.now() / 1000 / STEP_S);
  const step = Math.max(now, factor.lastStep + 1);
  if (step > now + 1) {
    await new Promise((r) => setTimeout(r, (step - 1) * STEP_S * 1000 - Date.now() + 200));
  }
  save(email, { ...factor, lastStep: step });
  return totp(factor.secret, step);
}

function takeRecoveryCode(email: string): string {
  const factor = factorOf(email);
  const code = factor.recoveryCodes.pop();
  if (!code) throw new Error(`no recovery code of ${email} is left in this run`);
  save(email, factor);
  return code;
}

// ---- in the browser ---------------------------------------------------------------------------

export type SignInOptions = {
  /** Answer a challenge with a code from the app (default) or with one of the recovery codes. */
  with?: SecondFactor;
  /** Called when the page shows a second step ("challenge" or "enrol"), before it is answered. */
  onStep?: (step: "challenge" | "enrol") => Promise<void>;
};

/** Sign in through the sign-in page, answer a second step if there is one, and wait until the
 * header shows the signed-in state. */
export async function signInAs(
  page: Page,
  email: string,
  password: string,
  options: SignInOptions = {},
): Promise<void> {
  await page.goto("/sign-in");
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Sign in" }).click();
  const signedIn = page.getByRole("banner").getByRole("button", { name: "Sign out" });
  const challenge = page.getByRole("heading", { name: "Two-step sign-in", level: 1, exact: true });
  const enrol = page.getByRole("heading", { name: "Set up two-step sign-in", level: 1 });
  await expect(signedIn.or(challenge).or(enrol)).toBeVisible();
  if (await challenge.isVisible()) {
    await options.onStep?.("challenge");
    if (options.with === "recovery") {
      await page.getByRole("button", { name: "Use a recovery code" }).click();
      await page.getByLabel("Recovery code").fill(takeRecoveryCode(email));
    } else {
      await page.getByLabel("Authentication code").fill(await nextCode(email));
    }
    await page.getByRole("button", { name: "Verify" }).click();
  } else if (await enrol.isVisible()) {
    await enrolInPage(page, email, options);
  }
  await expect(signedIn).toBeVisible();
}

async function enrolInPage(page: Page, email: string, options: SignInOptions): Promise<void> {
  const secret = (await page.getByTestId("mfa-secret").textContent())?.replace(/\s/g, "") ?? "";
  save(email, { secret, lastStep: 0, recoveryCodes: [] });
  await options.onStep?.("enrol");
  await page.getByLabel("Authentication code").fill(await nextCode(email));
  await page.getByRole("button", { name: "Confirm and sign in" }).click();
  const codes = await readRecoveryCodes(page);
  save(email, { ...factorOf(email), recoveryCodes: codes });
  await page.getByRole("button", { name: "Continue" }).click();
}

/** The recovery codes a page shows (after an enrolment or on the account page). */
export async function readRecoveryCodes(page: Page): Promise<string[]> {
  const list = page.getByTestId("recovery-codes").getByRole("listitem");
  await expect(list.first()).toBeVisible();
  return (await list.allTextContents()).map((c) => c.trim());
}

export async function signInAsAdmin(page: Page, options: SignInOptions = {}): Promise<void> {
  const { email, password } = adminCredentials();
  await signInAs(page, email, password, options);
}

/** Open an account on the sign-up page: the app signs it in and shows the account page. */
export async function signUp(page: Page, account = newAccount()) {
  await page.goto("/sign-up");
  await page.getByLabel("Full name").fill(account.displayName);
  await page.getByLabel("Email").fill(account.email);
  await page.getByLabel("Password", { exact: true }).fill(account.password);
  await page.getByLabel("Confirm password").fill(account.password);
  await page.getByRole("button", { name: "Open account" }).click();
  await expect(page).toHaveURL(/\/account$/);
  return account;
}

/** Sign out from the header and wait until it shows the signed-out state: the refresh token is
 * revoked by then, so the next page does not sign back in. */
export async function signOut(page: Page): Promise<void> {
  await page.getByRole("banner").getByRole("button", { name: "Sign out" }).click();
  await expect(page.getByRole("banner").getByRole("link", { name: "Sign in" })).toBeVisible();
}

// ---- over the API -----------------------------------------------------------------------------

/** An API bearer header for someone, from the same sign-in the browser uses (with its second step). */
export async function bearer(
  request: APIRequestContext,
  email: string,
  password: string,
): Promise<Auth> {
  const response = await request.post("/auth/login", { data: { email, password } });
  expect(response.status(), await response.text()).toBe(200);
  let body = await response.json();
  if (body.step === "challenge") {
    const answer = await request.post("/auth/login/mfa", {
      data: { mfaToken: body.mfaToken, code: await nextCode(email) },
    });
    expect(answer.status(), await answer.text()).toBe(200);
    body = await answer.json();
  } else if (body.step === "enrol") {
    const setup = await request.post("/auth/login/enrolment", {
      data: { mfaToken: body.mfaToken },
    });
    expect(setup.status(), await setup.text()).toBe(200);
    save(email, { secret: (await setup.json()).secret, lastStep: 0, recoveryCodes: [] });
    const confirmed = await request.post("/auth/login/enrolment/confirm", {
      data: { mfaToken: body.mfaToken, code: await nextCode(email) },
    });
    expect(confirmed.status(), await confirmed.text()).toBe(200);
    body = await confirmed.json();
    save(email, { ...factorOf(email), recoveryCodes: body.recoveryCodes });
  }
  return { Authorization: `Bearer ${body.accessToken}` };
}

export async function adminBearer(request: APIRequestContext): Promise<Auth> {
  const { email, password } = adminCredentials();
  return bearer(request, email, password);
}

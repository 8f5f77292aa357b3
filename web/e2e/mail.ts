import { execFileSync } from "node:child_process";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { expect } from "./fixtures";

const repoDir = resolve(dirname(fileURLToPath(import.meta.url)), "../..");

/** The newest message the development mail sink kept for `to` whose subject contains `subject`, read
 * with `loan-engine mail list|show` as a developer would. Waits for the worker to deliver it. */
export async function latestMail(to: string, subject: string): Promise<string> {
  const dataDir = process.env.E2E_DATA_DIR;
  if (!dataDir) throw new Error("E2E_DATA_DIR is not set: the harness starts the mail sink");
  const cli = resolve(repoDir, ".venv/bin/loan-engine");
  const env = { ...process.env, LOAN_ENGINE_DATA_DIR: dataDir };
  let id: string | undefined;
  await expect
    .poll(
      () => {
        const listing = execFileSync(cli, ["mail", "list", "--limit", "50"], {
          env,
          encoding: "utf8",
        });
        id = listing
          .split("\n")
          .find((line) => line.includes(to) && line.includes(subject))
          ?.split(/\s+/)[0];
        return id;
      },
      { timeout: 30_000, message: `a "${subject}" message to ${to} in the mail sink` },
    )
    .toBeTruthy();
  return execFileSync(cli, ["mail", "show", id as string], { env, encoding: "utf8" });
}

export function linkIn(message: string): string {
  const found = message.match(/https?:\/\/\S+token=[\w-]+/);
  if (!found) throw new Error(`no link in:\n${message}`);
  return found[0];
}

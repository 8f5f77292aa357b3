/**
 * The e2e harness: builds the app (unless E2E_SKIP_BUILD=1), starts the real API on a free port
 * with an embedded PostgreSQL in a fresh data folder (.data/e2e-<random>, deleted afterwards) and
 * WEB_DIST=web/dist, waits until /health/ready answers, and tells the tests where it is
 * (E2E_BASE_URL). In development mode the API seeds the shipped personal loan and its policy; an
 * admin is created first with `loan-engine users create-admin` (E2E_ADMIN_EMAIL, E2E_ADMIN_PASSWORD).
 * Without SMTP settings the API runs the development mail sink; E2E_DATA_DIR lets tests read it.
 * Used as Playwright's globalSetup; the returned function is the teardown.
 */
import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, openSync, readFileSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const webDir = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const repoDir = resolve(webDir, "..");

export function freePort(): Promise<number> {
  return new Promise((ok, fail) => {
    const server = createServer();
    server.unref();
    server.on("error", fail);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => (typeof address === "object" && address ? ok(address.port) : fail()));
    });
  });
}

async function waitReady(url: string, child: ChildProcess, logFile: string, timeoutMs: number) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) {
      throw new Error(
        `the API exited with code ${child.exitCode} before it was ready; its log (${logFile}):\n` +
          readFileSync(logFile, "utf8").slice(-4000),
      );
    }
    try {
      const response = await fetch(`${url}/health/ready`);
      if (response.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`the API was not ready within ${timeoutMs / 1000}s; see ${logFile}`);
}

export type Backend = {
  url: string;
  stop: () => Promise<void>;
  admin: Credentials;
  dataDir: string;
};
export type Credentials = { email: string; password: string };

export async function startBackend(): Promise<Backend> {
  const dist = resolve(webDir, "dist");
  if (process.env.E2E_SKIP_BUILD !== "1" || !existsSync(resolve(dist, "index.html"))) {
    execFileSync("npm", ["run", "build"], { cwd: webDir, stdio: "inherit" });
  }
  const server = resolve(repoDir, ".venv/bin/loan-engine");
  if (!existsSync(server)) {
    throw new Error(`${server} not found: run \`make install\` at the repository root first`);
  }
  const port = await freePort();
  const dataDir = resolve(repoDir, ".data", `e2e-${randomBytes(4).toString("hex")}`);
  mkdirSync(dataDir, { recursive: true });
  const resultsDir = resolve(webDir, "test-results");
  mkdirSync(resultsDir, { recursive: true });
  const logFile = resolve(resultsDir, `api-${port}.log`);
  const log = openSync(logFile, "w");
  const env = { ...process.env };
  delete env.DATABASE_URL;
  const serverEnv = {
    ...env,
    ENVIRONMENT: "dev",
    WEB_DIST: dist,
    LOAN_ENGINE_DATA_DIR: dataDir,
    JWT_SECRET: randomBytes(32).toString("hex"),
    LOG_FORMAT: "json",
  };
  // The admin pages' tests sign in as an admin made the way an operator makes the first one.
  const admin = {
    email: `admin.${randomBytes(3).toString("hex")}@example.com`,
    password: `Admin ${randomBytes(8).toString("hex")} lantern`,
  };
  execFileSync(server, ["users", "create-admin", "--email", admin.email, "--password-stdin"], {
    cwd: repoDir,
    env: serverEnv,
    input: `${admin.password}\n`,
    stdio: ["pipe", "ignore", "inherit"],
  });
  const child = spawn(server, ["serve", "--host", "127.0.0.1", "--port", String(port)], {
    cwd: repoDir,
    env: serverEnv,
    stdio: ["ignore", log, log],
    detached: true,
  });
  const url = `http://127.0.0.1:${port}`;
  const stop = async () => {
    if (child.exitCode === null && child.pid) {
      const exited = new Promise((r) => child.once("exit", r));
      process.kill(-child.pid, "SIGTERM");
      const timeout = new Promise((r) => setTimeout(r, 30_000, "timeout"));
      if ((await Promise.race([exited, timeout])) === "timeout")
        process.kill(-child.pid, "SIGKILL");
    }
    rmSync(dataDir, { recursive: true, force: true });
  };
  try {
    await waitReady(url, child, logFile, 180_000);
  } catch (error) {
    await stop();
    throw error;
  }
  return { url, stop, admin, dataDir };
}

export default async function globalSetup(): Promise<() => Promise<void>> {
  if (process.env.E2E_BASE_URL) return async () => {}; // testing an already running server
  const backend = await startBackend();
  process.env.E2E_BASE_URL = backend.url;
  process.env.E2E_ADMIN_EMAIL = backend.admin.email;
  process.env.E2E_ADMIN_PASSWORD = backend.admin.password;
  process.env.E2E_DATA_DIR = backend.dataDir; // where the development mail sink keeps messages
  return backend.stop;
}

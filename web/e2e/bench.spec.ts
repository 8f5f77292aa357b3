/**
 * Web performance figures, written to bench/results/web.json (and quoted in web/README.md):
 *  - initial JavaScript, gzip (from the production build's manifest; scripts/check-budget.mjs);
 *  - time to interactive of the calculator, production build served locally by the API, cold cache;
 *  - calculator round trip for a 360-payment quote: request sent → figures rendered.
 *
 * Time to interactive here is the later of (a) the calculator's form being mounted with its input
 * handlers and (b) the end of the last long main-thread task (>50 ms) observed during load: the
 * point from which a keystroke is handled at once. First-quote time (form + figures on screen) is
 * reported alongside. Timings come from the page's own Performance API (navigation, paint, marks
 * the app sets, long tasks), medians over several cold loads.
 */
import { execFileSync } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import os from "node:os";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { expect, test } from "./fixtures";

const webDir = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const out = resolve(webDir, "../bench/results/web.json");
const LOADS = 7;
const ROUND_TRIPS = 25;
const URL_360 = "/?amount=250000&rate=6.5&term=30&freq=monthly&type=level-payment&start=2027-01-15";

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};
const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)]!;
};
const round = (x: number) => Math.round(x * 10) / 10;

test("measure the web app", async ({ browser, baseURL }) => {
  const budget = JSON.parse(
    execFileSync("node", [resolve(webDir, "scripts/check-budget.mjs"), "--json"], {
      encoding: "utf8",
    }),
  );

  type Load = {
    fcp: number;
    formInteractive: number;
    lastLongTaskEnd: number;
    tti: number;
    firstQuote: number;
    dcl: number;
  };
  const loads: Load[] = [];
  for (let i = 0; i < LOADS; i++) {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    await page.addInitScript(() => {
      const w = window as unknown as { benchLongTasks: { start: number; end: number }[] };
      w.benchLongTasks = [];
      new PerformanceObserver((list) => {
        for (const e of list.getEntries())
          w.benchLongTasks.push({ start: e.startTime, end: e.startTime + e.duration });
      }).observe({ type: "longtask", buffered: true });
    });
    await page.goto(`${baseURL}${URL_360}`);
    await expect(page.getByTestId("payment")).toBeVisible();
    await page.waitForTimeout(300); // let any trailing task finish and be observed
    const load = await page.evaluate(() => {
      const nav = performance.getEntriesByType("navigation")[0] as PerformanceNavigationTiming;
      const mark = (name: string) =>
        performance.getEntriesByName(name, "mark")[0]?.startTime ?? NaN;
      const fcp = performance.getEntriesByName("first-contentful-paint")[0]?.startTime ?? NaN;
      const tasks = (window as unknown as { benchLongTasks: { end: number }[] }).benchLongTasks;
      const formInteractive = mark("calculator:interactive");
      const lastLongTaskEnd = tasks.reduce((m, t) => Math.max(m, t.end), 0);
      return {
        fcp,
        dcl: nav.domContentLoadedEventEnd,
        formInteractive,
        lastLongTaskEnd,
        tti: Math.max(formInteractive, lastLongTaskEnd, nav.domContentLoadedEventEnd),
        firstQuote: mark("quote:rendered"),
      };
    });
    loads.push(load);
    await context.close();
  }

  // Round trips on one page: each new amount → one 360-payment quote → rendered.
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  await page.goto(`${baseURL}${URL_360}`);
  await expect(page.getByTestId("payment")).toBeVisible();
  const roundTrips: number[] = [];
  const serverTimes: number[] = [];
  for (let i = 0; i < ROUND_TRIPS; i++) {
    await page.evaluate(() => {
      performance.clearMeasures("quote:roundtrip");
      performance.clearResourceTimings();
    });
    const answered = page.waitForResponse(
      (r) => r.url().endsWith("/api/quotes") && r.status() === 200,
    );
    await page.getByLabel("Loan amount").fill(String(200000 + i * 1000));
    await answered;
    await page.waitForFunction(() => performance.getEntriesByName("quote:roundtrip").length > 0);
    const { rt, server, rows } = await page.evaluate(() => {
      const resource = performance
        .getEntriesByType("resource")
        .filter((e) => e.name.endsWith("/api/quotes"))
        .at(-1) as PerformanceResourceTiming | undefined;
      return {
        rt: performance.getEntriesByName("quote:roundtrip").at(-1)!.duration,
        server: resource ? resource.responseEnd - resource.startTime : NaN,
        rows: document.querySelector('[data-testid="schedule"] caption')?.textContent ?? "",
      };
    });
    expect(rows).toContain("of 360");
    roundTrips.push(rt);
    serverTimes.push(server);
  }
  await context.close();

  const chromiumVersion = browser.version();
  const result = {
    measuredAt: new Date().toISOString(),
    machine: {
      cpus: os.cpus().length,
      cpuModel: os.cpus()[0]?.model,
      memoryGiB: Math.round(os.totalmem() / 2 ** 30),
      node: process.version,
      chromium: chromiumVersion,
    },
    setup:
      "production build (vite build) served by `loan-engine serve` (WEB_DIST) on 127.0.0.1 with the embedded PostgreSQL; headless Chromium, 1280x900, cold cache per load",
    initialJs: {
      gzipBytes: budget.initialJsGzipBytes,
      budgetBytes: budget.budgetBytes,
      files: budget.initialFiles,
      initialCssGzipBytes: budget.initialCssGzipBytes,
      lazyChunks: budget.lazyChunks,
    },
    calculatorLoad: {
      runs: LOADS,
      medianMs: {
        firstContentfulPaint: round(median(loads.map((l) => l.fcp))),
        domContentLoaded: round(median(loads.map((l) => l.dcl))),
        formInteractive: round(median(loads.map((l) => l.formInteractive))),
        timeToInteractive: round(median(loads.map((l) => l.tti))),
        firstQuoteRendered: round(median(loads.map((l) => l.firstQuote))),
      },
      definition:
        "timeToInteractive = max(calculator form mounted, end of last long task, DOMContentLoaded), from navigation start",
    },
    quoteRoundTrip360: {
      runs: ROUND_TRIPS,
      definition:
        "request sent (after the 300 ms typing debounce) → payment, disclosure and schedule committed to the DOM (charts redraw right after in a deferred render)",
      medianMs: round(median(roundTrips)),
      p95Ms: round(pct(roundTrips, 95)),
      minMs: round(Math.min(...roundTrips)),
      apiMedianMs: round(median(serverTimes)),
    },
  };
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(out, JSON.stringify(result, null, 2) + "\n");
  console.log(JSON.stringify(result, null, 2));
});

// Size budget for the first page load (size, not time), checked against the production build.
//
// "Initial JavaScript" is what the browser must fetch before the app can start: the entry chunk
// named in index.html plus every chunk it imports statically (Vite adds them as modulepreload).
// Route pages must be separate chunks fetched on demand. Fails (exit 1) when over budget.
//
//   node scripts/check-budget.mjs [--json]   (after `npm run build`)
import { existsSync, readFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";

export const INITIAL_JS_BUDGET = 200 * 1000; // bytes, gzip (200 KB)
const REQUIRED_LAZY = [
    "src/features/calculator/components/CalculatorPage.tsx",
    "src/features/calculator/components/QuoteCharts.tsx",
    "src/features/auth/components/SignInPage.tsx",
    "src/features/auth/components/SignUpPage.tsx",
    "src/features/auth/components/AccountPage.tsx",
    "src/features/products/components/ProductsPage.tsx",
    "src/features/products/components/AdminProductsPage.tsx",
    "src/features/products/components/ProductDetailPage.tsx",
    "src/features/products/components/VersionEditorPage.tsx",
    "src/features/policy/components/PolicyPage.tsx",
    "src/features/policy/components/DecisionModelEditor.tsx",
];

const dist = resolve(dirname(fileURLToPath(import.meta.url)), "../dist");
const manifestPath = resolve(dist, ".vite/manifest.json");
if (!existsSync(manifestPath)) {
    console.error("budget: dist/.vite/manifest.json is missing; run `npm run build` first.");
    process.exit(2);
}
const manifest = JSON.parse(readFileSync(manifestPath, "utf8"));
const gz = (file) => gzipSync(readFileSync(resolve(dist, file)), { level: 9 }).length;

const entryKey = Object.keys(manifest).find((k) => manifest[k].isEntry);
const initial = new Set();
const visit = (key) => {
    const chunk = manifest[key];
    if (!chunk || initial.has(chunk.file)) return;
    initial.add(chunk.file);
    for (const dep of chunk.imports ?? []) visit(dep);
};
visit(entryKey);

const initialFiles = [...initial].map((file) => ({ file, gzip: gz(file) }));
const initialJs = initialFiles.reduce((sum, f) => sum + f.gzip, 0);
const initialCss = (manifest[entryKey].css ?? []).reduce((sum, f) => sum + gz(f), 0);
const lazyChunks = Object.entries(manifest)
    .filter(([, c]) => c.isDynamicEntry)
    .map(([key, c]) => ({ source: key, file: c.file, gzip: gz(c.file) }));

const problems = [];
if (initialJs > INITIAL_JS_BUDGET) {
    problems.push(
        `initial JS is ${(initialJs / 1000).toFixed(1)} KB gzip, over the ${INITIAL_JS_BUDGET / 1000} KB budget`,
    );
}
for (const source of REQUIRED_LAZY) {
    const chunk = manifest[source];
    if (!chunk?.isDynamicEntry) problems.push(`${source} is not a separate lazily loaded chunk`);
    else if (initial.has(chunk.file)) problems.push(`${source} is loaded up front`);
}

const report = {
    budgetBytes: INITIAL_JS_BUDGET,
    initialJsGzipBytes: initialJs,
    initialCssGzipBytes: initialCss,
    initialFiles,
    lazyChunks,
};
if (process.argv.includes("--json")) console.log(JSON.stringify(report, null, 2));
else {
    console.log(
        `budget: initial JS ${(initialJs / 1000).toFixed(1)} KB gzip (budget ${INITIAL_JS_BUDGET / 1000} KB), initial CSS ${(initialCss / 1000).toFixed(1)} KB gzip`,
    );
    for (const f of initialFiles)
        console.log(`  initial  ${f.file}  ${(f.gzip / 1000).toFixed(1)} KB`);
    for (const c of lazyChunks)
        console.log(`  lazy     ${c.file}  ${(c.gzip / 1000).toFixed(1)} KB  (${c.source})`);
}
if (problems.length) {
    for (const p of problems) console.error(`budget: FAIL — ${p}`);
    process.exit(1);
}
if (!process.argv.includes("--json")) console.log("budget: OK");

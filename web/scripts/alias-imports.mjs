#!/usr/bin/env node
/**
 * Rewrites imports that cross directories to the `@/` alias (`@/` is `src/`), so the lint rules in
 * .oxlintrc.json hold:
 *
 * - an import that leaves its unit (a feature `features/<name>`, `app`, `lib`, `test`) becomes
 *   `@/<path from src>`; imports inside a unit are relative (an `@/` one is turned back);
 * - a feature importing named things from inside another feature (`../../auth/hooks/useSession`)
 *   imports them from that feature's public entry instead (`@/features/auth`), and the entry
 *   (`features/<name>/index.ts`) gains the matching `export { … } from "./…"` line.
 *
 * Idempotent: run it after merging code written with relative imports. `--check` changes nothing
 * and exits 1 if anything would change. Default and namespace imports from another feature's
 * insides cannot be moved to its entry automatically: they are listed, and lint names them too.
 *
 *   node scripts/alias-imports.mjs [--check]
 */
import { execFileSync } from "node:child_process";
import { readdirSync, readFileSync, writeFileSync, existsSync } from "node:fs";
import { dirname, join, relative, resolve, sep } from "node:path";
import { fileURLToPath } from "node:url";

const SRC = resolve(dirname(fileURLToPath(import.meta.url)), "../src");
const CHECK = process.argv.includes("--check");
const SKIP = new Set(["lib/api/schema.gen.ts"]);

const posix = (p) => p.split(sep).join("/");

function* sources(dir) {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
        const path = join(dir, entry.name);
        if (entry.isDirectory()) yield* sources(path);
        else if (/\.(ts|tsx)$/.test(entry.name) && !SKIP.has(posix(relative(SRC, path))))
            yield path;
    }
}

/** The unit a path (relative to src) belongs to: `features/<name>`, or its first directory. */
function unitOf(rel) {
    const parts = rel.split("/");
    if (parts[0] === "features" && parts.length > 1) return `features/${parts[1]}`;
    return parts.length > 1 ? parts[0] : "";
}

/** `features/auth/hooks/useSession` → "auth" when it is inside a feature other than `importer`'s. */
function otherFeature(importerUnit, targetRel) {
    const unit = unitOf(targetRel);
    if (!unit.startsWith("features/") || unit === importerUnit) return null;
    if (targetRel === unit || targetRel === `${unit}/index`) return null; // already the entry
    return unit;
}

const entryLines = new Map(); // features/<name> → lines to add to its index.ts
const problems = [];

function addToEntry(unit, targetRel, names, typeOnly) {
    const from = `./${targetRel.slice(unit.length + 1)}`;
    const lines = entryLines.get(unit) ?? new Set();
    const values = names.filter((n) => !typeOnly && !n.type).map((n) => n.name);
    const types = names.filter((n) => typeOnly || n.type).map((n) => n.name);
    if (values.length) lines.add(`export { ${values.join(", ")} } from "${from}";`);
    if (types.length) lines.add(`export type { ${types.join(", ")} } from "${from}";`);
    entryLines.set(unit, lines);
}

/** `type Role, useSession as use` → [{ name: "Role", type: true }, { name: "useSession" }]. */
function parseNames(list) {
    return list
        .split(",")
        .map((s) => s.trim())
        .filter(Boolean)
        .map((s) => {
            const type = s.startsWith("type ");
            const name = (type ? s.slice(5) : s).split(/\s+as\s+/)[0].trim();
            return { name, type };
        });
}

// `import { a, type B } from "x"` / `import type { B } from "x"`: candidates for a feature's entry.
const NAMED = /import\s+(type\s+)?\{([^}]*)\}\s*from\s*(["'])(\.\.\/[^"']+)\3/g;
// Every other place a module path that climbs (`../`) appears: from "x", import "x", import("x"),
// vi.mock("x"). Imports from the same directory or below (`./x`) never cross a unit.
const ANY =
    /(\bfrom\s*|\bimport\s*\(\s*|\bimport\s+|\bvi\.(?:mock|importActual)\(\s*)(["'])(\.\.\/[^"']+)\2/g;

const ALIASED =
    /(\bfrom\s*|\bimport\s*\(\s*|\bimport\s+|\bvi\.(?:mock|importActual)\(\s*)(["'])(@\/[^"']+)\2/g;

let changed = 0;
const written = [];
for (const file of sources(SRC)) {
    const rel = posix(relative(SRC, file));
    const unit = unitOf(rel);
    const target = (spec) => posix(relative(SRC, resolve(dirname(file), spec)));
    const before = readFileSync(file, "utf8");

    let text = before.replace(NAMED, (whole, typeOnly, list, q, spec) => {
        const to = target(spec);
        const feature = unit.startsWith("features/") ? otherFeature(unit, to) : null;
        if (!feature) return whole;
        addToEntry(feature, to, parseNames(list), !!typeOnly);
        return whole.replace(`${q}${spec}${q}`, `${q}@/${feature}${q}`);
    });
    text = text.replace(ANY, (whole, lead, q, spec) => {
        const to = target(spec);
        if (unitOf(to) === unit) return whole;
        if (otherFeature(unit, to) && unit.startsWith("features/") && !to.endsWith(".css")) {
            problems.push(
                `${rel}: "${spec}" reaches inside ${unitOf(to)}; import it from @/${unitOf(to)}`,
            );
        }
        return `${lead}${q}@/${to}${q}`;
    });
    // The other way: `@/…` pointing inside the importer's own unit goes back to a relative path.
    text = text.replace(ALIASED, (whole, lead, q, spec) => {
        const to = spec.slice(2);
        if (unitOf(to) !== unit || unit === "") return whole;
        const back = posix(relative(dirname(file), join(SRC, to)));
        return `${lead}${q}${back.startsWith(".") ? back : `./${back}`}${q}`;
    });
    if (text !== before) {
        changed++;
        console.log(`${CHECK ? "would rewrite" : "rewrote"} ${rel}`);
        if (!CHECK) {
            writeFileSync(file, text);
            written.push(file);
        }
    }
}

for (const [unit, lines] of entryLines) {
    const entry = join(SRC, unit, "index.ts");
    const current = existsSync(entry)
        ? readFileSync(entry, "utf8")
        : `/** The public entry of ${unit}: other features import from here only (see .oxlintrc.json). */\n`;
    const missing = [...lines].filter((line) => !current.includes(line));
    if (!missing.length) continue;
    changed++;
    console.log(`${CHECK ? "would add to" : "added to"} ${unit}/index.ts: ${missing.join(" ")}`);
    if (!CHECK) {
        writeFileSync(entry, current.replace(/\n*$/, "\n") + missing.join("\n") + "\n");
        written.push(entry);
    }
}

// Shorter paths can let a wrapped import fit on one line: leave the files as `format:check` wants.
if (written.length) {
    // web/'s own prettier, wherever the script is run from.
    const prettier = resolve(SRC, "../node_modules/.bin/prettier");
    execFileSync(prettier, ["--write", "--log-level", "warn", ...written], {
        stdio: "inherit",
        cwd: resolve(SRC, ".."),
    });
}

for (const p of problems) console.error(`alias-imports: ${p}`);
if (!changed) console.log("alias-imports: nothing to rewrite.");
process.exit((CHECK && changed) || problems.length ? 1 : 0);

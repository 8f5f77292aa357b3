import type { Decision, DecisionOut, PolicyTestCase } from "./api/types";

export const DECISIONS: Decision[] = ["approve", "refer", "decline"];

/** A test case's facts as the text an admin edits (indented JSON). */
export function factsText(testCase: PolicyTestCase): string {
  return JSON.stringify(testCase.facts, null, 2);
}

/** The facts typed in, or a message saying why they are not JSON. */
export function parseFacts(text: string): { facts?: PolicyTestCase["facts"]; error?: string } {
  try {
    const value: unknown = JSON.parse(text);
    if (typeof value !== "object" || value === null || Array.isArray(value)) {
      return { error: "Facts must be a JSON object with application and credit." };
    }
    return { facts: value as PolicyTestCase["facts"] };
  } catch (error) {
    return { error: `Not valid JSON: ${(error as Error).message}` };
  }
}

/** "A, B" → ["A", "B"]; empty → null (the expectation does not check reasons). */
export function parseList(text: string): string[] | null {
  const items = text
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean);
  return items.length ? items : null;
}

/**
 * Messages keyed by test case index from the server's field errors (`testCases.3.expect.decision`,
 * or activation's `testCases.3`), and the rest (the model's).
 */
export function splitErrors(errors: readonly { field: string; message: string }[]): {
  byCase: Record<number, string[]>;
  other: { field: string; message: string }[];
} {
  const byCase: Record<number, string[]> = {};
  const other: { field: string; message: string }[] = [];
  for (const error of errors) {
    const match = /^testCases\.(\d+)(?:\.(.*))?$/.exec(error.field);
    if (match) {
      const index = Number(match[1]);
      (byCase[index] ??= []).push(match[2] ? `${match[2]}: ${error.message}` : error.message);
    } else other.push(error);
  }
  return { byCase, other };
}

/** A decision said briefly: "approve, grade B, up to 20000". */
export function outcome(d: DecisionOut): string {
  return [d.decision, d.grade && `grade ${d.grade}`, d.maxAmount && `up to ${d.maxAmount}`]
    .filter(Boolean)
    .join(", ");
}

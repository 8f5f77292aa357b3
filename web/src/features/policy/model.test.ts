import { outcome, parseFacts, parseList, splitErrors } from "./model";

describe("policy model", () => {
  it("files the server's messages under their test case, and keeps the model's apart", () => {
    const { byCase, other } = splitErrors([
      { field: "testCases.0", message: "Prime: decision: expected decline, got approve" },
      { field: "testCases.3.expect.reasons", message: "unknown reason codes ['X']" },
      { field: "model", message: "not monotone: a higher score never worsens the decision" },
    ]);
    expect(byCase).toEqual({
      0: ["Prime: decision: expected decline, got approve"],
      3: ["expect.reasons: unknown reason codes ['X']"],
    });
    expect(other).toEqual([
      { field: "model", message: "not monotone: a higher score never worsens the decision" },
    ]);
  });

  it("parses facts and lists, saying what is wrong", () => {
    expect(parseFacts('{"application": {}, "credit": {}}').facts).toEqual({
      application: {},
      credit: {},
    });
    expect(parseFacts("[1]").error).toMatch("JSON object");
    expect(parseFacts("{oops").error).toMatch("Not valid JSON");
    expect(parseList(" A, ,B ")).toEqual(["A", "B"]);
    expect(parseList("  ")).toBeNull();
    expect(outcome({ decision: "approve", grade: "B", maxAmount: "20000", reasons: [] })).toBe(
      "approve, grade B, up to 20000",
    );
  });
});

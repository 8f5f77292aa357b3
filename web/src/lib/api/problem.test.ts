import {
  ApiError,
  ApiUnreachableError,
  apiError,
  describeError,
  fieldSentence,
  humanizeField,
  isUnreachable,
  toProblem,
} from "./problem";

describe("field messages", () => {
  it("puts the field's name before a fragment, so it reads as a sentence", () => {
    expect(fieldSentence("currentPassword", "is not correct")).toBe(
      "Current password is not correct.",
    );
    expect(fieldSentence("principal", "must be between 1000 and 50000", "Loan amount")).toBe(
      "Loan amount must be between 1000 and 50000.",
    );
    expect(fieldSentence("reason", "is required for this transaction.")).toBe(
      "Reason is required for this transaction.",
    );
  });

  it("keeps a message that is already a sentence", () => {
    expect(fieldSentence("email", "Enter an email address, such as ops@bank.example.")).toBe(
      "Enter an email address, such as ops@bank.example.",
    );
    expect(fieldSentence("", "must be a JSON object")).toBe("Must be a JSON object.");
  });

  it("spells out field paths", () => {
    expect(humanizeField("displayName")).toBe("Display name");
    expect(humanizeField("fees.2.amount")).toBe("Fee 3 amount");
    expect(humanizeField("pricing.grid")).toBe("Pricing grid");
    expect(humanizeField("term.max")).toBe("Maximum term");
    expect(humanizeField("")).toBe("");
  });
});

describe("problem+json", () => {
  const validation = new ApiError(422, {
    type: "urn:loan-engine:problem:validation-error",
    title: "Invalid input",
    status: 422,
    detail: "annualRate: must be at most 100",
    requestId: "abc123",
    errors: [
      { field: "annualRate", message: "must be at most 100" },
      { field: "fees.0.amount", message: "must be positive" },
    ],
  });

  it("indexes field messages by their dotted path, as sentences naming the field", () => {
    expect(validation.fieldErrors).toEqual({
      annualRate: "Annual rate must be at most 100.",
      "fees.0.amount": "Fee 1 amount must be positive.",
    });
    expect(validation.fieldErrorsWith({ annualRate: "Interest rate" }).annualRate).toBe(
      "Interest rate must be at most 100.",
    );
  });

  it("keeps non-problem bodies readable and never loses the status", () => {
    expect(toProblem(502, "<html>Bad gateway</html>", "Bad Gateway")).toMatchObject({
      status: 502,
      title: "Bad Gateway",
    });
    expect(toProblem(500, undefined).title).toBe("Request failed (500)");
  });

  it("treats network failures and gateway errors as an unreachable API", () => {
    expect(isUnreachable(new ApiUnreachableError())).toBe(true);
    expect(isUnreachable(new ApiError(503, toProblem(503, undefined)))).toBe(true);
    expect(isUnreachable(new ApiError(504, toProblem(504, undefined)))).toBe(true);
    expect(isUnreachable(validation)).toBe(false);
    // A bare 500 is a proxy's (Vite's dev proxy with the API stopped); the API's own carries a problem.
    expect(isUnreachable(apiError(500, "connect ECONNREFUSED"))).toBe(true);
    expect(isUnreachable(apiError(500, { title: "Internal server error", status: 500 }))).toBe(
      false,
    );
  });

  it("describes errors in plain words", () => {
    expect(describeError(validation)).toBe("Please correct the highlighted fields.");
    const conflict = new ApiError(409, {
      type: "urn:loan-engine:problem:conflict",
      title: "Conflict",
      status: 409,
      detail: "An account with this email already exists.",
    });
    expect(describeError(conflict)).toBe("An account with this email already exists.");
    expect(describeError(new Error("boom"))).toBe("Something went wrong. Please try again.");
  });
});

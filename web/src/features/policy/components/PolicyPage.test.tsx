import { QueryClientProvider } from "@tanstack/react-query";
import { render, screen, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { MemoryRouter } from "react-router";
import { createQueryClient } from "@/lib/api/queryClient";
import type { CheckReport, PolicyTestCase, PolicyVersionRead } from "../api/types";
import { PolicyEditor } from "./PolicyPage";
import { api, problem, PROBLEM_HEADERS, stubApi } from "@/test/stubApi";

vi.mock("./DecisionModelEditor", () => ({ default: () => <div data-testid="jdm-editor" /> }));

const FACTS: PolicyTestCase["facts"] = {
  application: {
    monthlyIncome: "6000",
    housingPayment: "1500",
    otherMonthlyDebts: "300",
    employmentStatus: "employed",
    monthsEmployed: 48,
    requestedAmount: "15000",
    termPeriods: 36,
  },
  credit: {
    score: 720,
    inquiries6m: 1,
    delinquencies24m: 0,
    publicRecords: 0,
    monthsSinceBankruptcy: null,
    revolvingUtilization: 0.3,
    tradelines: 8,
  },
};

function draft(): PolicyVersionRead {
  return {
    productCode: "PERSONAL",
    version: 2,
    status: "draft",
    name: "Consumer installment",
    description: "",
    model: { nodes: [], edges: [] },
    testCases: [
      { name: "Prime borrower", facts: FACTS, expect: { decision: "approve", grade: "B" } },
    ],
    reads: ["credit.score"],
    createdAt: "2026-03-01T10:00:00Z",
    activatedAt: null,
    retiredAt: null,
  };
}

function failing(): CheckReport {
  return {
    passed: false,
    samples: 150,
    violations: [],
    cases: [
      {
        name: "Prime borrower",
        passed: false,
        differences: ["decision: expected decline, got approve"],
        actual: { decision: "approve", grade: "B", maxAmount: "20000", reasons: [] },
      },
    ],
  };
}

function renderEditor() {
  const onChoose = vi.fn();
  render(
    <QueryClientProvider client={createQueryClient()}>
      <MemoryRouter>
        <PolicyEditor row={draft()} onChoose={onChoose} />
      </MemoryRouter>
    </QueryClientProvider>,
  );
  return onChoose;
}

const BASE = "/api/admin/products/PERSONAL/policy/versions/2";
const VERSION = "/api/admin/products/{code}/policy/versions/{version}";

describe("PolicyEditor", () => {
  it("saves an edited test case, runs the checks with one button and shows the failure at the case", async () => {
    const user = userEvent.setup();
    const calls = stubApi(
      api.put(VERSION, async ({ request, response }) => {
        const { testCases } = await request.json();
        return response(200).json({ ...draft(), testCases: testCases ?? [] });
      }),
      api.post(`${VERSION}/check`, ({ response }) => response(200).json(failing())),
    );
    renderEditor();
    expect(await screen.findByTestId("jdm-editor")).toBeInTheDocument();
    const card = screen.getByTestId("case-0");
    await user.selectOptions(within(card).getByLabelText("Expected decision"), "decline");
    await user.click(screen.getByRole("button", { name: "Save and run tests" }));
    expect(await screen.findByTestId("check-summary")).toHaveTextContent("1 of 1 test cases fail");
    expect(screen.getByTestId("case-0-status")).toHaveTextContent("failed");
    expect(card).toHaveTextContent("decision: expected decline, got approve");
    expect(calls.map((c) => [c.method, c.path])).toEqual([
      ["PUT", BASE],
      ["POST", `${BASE}/check`],
    ]);
    expect(calls[0]?.body).toMatchObject({ testCases: [{ expect: { decision: "decline" } }] });
  });

  it("does not send facts that are not JSON", async () => {
    const user = userEvent.setup();
    const calls = stubApi(
      api.post(`${VERSION}/check`, ({ response }) => response(200).json(failing())),
    );
    renderEditor();
    const facts = within(screen.getByTestId("case-0")).getByLabelText(/Facts/);
    await user.type(facts, "{{");
    expect(screen.getByText(/Not valid JSON/)).toBeInTheDocument();
    expect(screen.getByRole("button", { name: /run tests/i })).toBeDisabled();
    expect(screen.getByRole("button", { name: "Activate…" })).toBeDisabled();
    expect(calls).toEqual([]);
  });

  it("activates only after confirmation and lists the refusal reasons", async () => {
    const user = userEvent.setup();
    stubApi(
      api.post(`${VERSION}/activate`, ({ response }) =>
        response(422).json(
          problem(422, "Invalid input", {
            type: "urn:loan-engine:problem:validation",
            detail: "The policy cannot be activated: 2 check(s) failed",
            errors: [
              {
                field: "testCases.0",
                message: "Prime borrower: decision: expected decline, got approve",
              },
              {
                field: "model",
                message: "not monotone: a higher score never worsens the decision",
              },
            ],
          }),
          PROBLEM_HEADERS,
        ),
      ),
    );
    const onChoose = renderEditor();
    await user.click(screen.getByRole("button", { name: "Activate…" }));
    expect(screen.getByRole("alertdialog")).toHaveTextContent(
      "test cases and the monotonicity checks run first",
    );
    await user.click(screen.getByRole("button", { name: "Confirm activation" }));
    const refusal = await screen.findByTestId("policy-problem");
    expect(refusal).toHaveTextContent("The policy cannot be activated: 2 check(s) failed");
    expect(
      within(refusal)
        .getAllByRole("listitem")
        .map((li) => li.textContent),
    ).toEqual([
      "testCases.0: Prime borrower: decision: expected decline, got approve.",
      "model: Not monotone: a higher score never worsens the decision.",
    ]);
    expect(screen.getByTestId("case-0")).toHaveTextContent(
      "Prime borrower: decision: expected decline, got approve",
    );
    expect(onChoose).not.toHaveBeenCalled();
  });
});

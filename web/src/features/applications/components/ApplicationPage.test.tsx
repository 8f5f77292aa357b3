import { QueryClientProvider } from "@tanstack/react-query";
import { render, screen, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { createMemoryRouter, RouterProvider } from "react-router";
import { createQueryClient } from "@/lib/api/queryClient";
import { HttpResponse } from "msw";
import { api, stubApi } from "@/test/stubApi";
import type { Application, Notice, Offer } from "../api/types";
import ApplicationPage from "./ApplicationPage";

const offer: Offer = {
  number: 1,
  amount: "4000",
  termPeriods: 24,
  frequency: "monthly",
  grade: "B",
  annualRate: "9.99",
  payment: "184.58",
  apr: "12.875",
  financeCharge: "549.98",
  amountFinanced: "3920.00",
  totalOfPayments: "4469.98",
  startDate: "2026-12-04",
  firstPaymentDate: "2027-01-04",
  counteroffer: true,
  finalPayment: "184.64",
  finalPaymentDate: "2028-12-04",
};

const app: Application = {
  id: "6f2c1d7e-0000-4000-8000-000000000001",
  status: "approved",
  channel: "web",
  borrowerId: "6f2c1d7e-0000-4000-8000-0000000000b0",
  createdAt: "2026-12-04T03:00:00Z",
  updatedAt: "2026-12-04T03:05:00Z",
  loan: { productCode: "PERSONAL", amount: "5000", termPeriods: 24, frequency: "monthly" },
  identity: null,
  income: null,
  housing: null,
  consents: null,
  submittedAt: "2026-12-04T03:05:00Z",
  decision: {
    outcome: "approve",
    by: "policy",
    policyVersion: 1,
    policyName: "Personal",
    grade: "B",
    maxAmount: "4000",
    reasons: [],
    durationMs: "3.2",
    decidedAt: "2026-12-04T03:05:00Z",
  },
  offers: [offer],
  expiresAt: "2027-01-03T03:05:00Z",
  acceptedOffer: null,
  loanId: null,
  assigneeId: null,
  review: null,
  missing: [],
};

const notice: Notice = {
  kind: "counteroffer",
  applicationId: app.id,
  date: "2026-12-04",
  applicant: "Grace Hopper",
  creditor: "Loan Engine, 1 Example Street",
  action: "We can offer you a smaller loan than you asked for.",
  reasons: [
    { code: "INCOME_INSUFFICIENT", text: "Income insufficient for amount of credit requested" },
  ],
  counteroffer: offer,
  creditScore: 702,
  scoreRange: [300, 850],
  scoreDate: "2026-12-04",
  keyFactors: ["Proportion of balances to credit limits is too high"],
  bureau: "Loan Engine sandbox bureau (test data, not a real credit report)",
  sandbox: true,
  ecoaNotice: "The Federal Equal Credit Opportunity Act prohibits creditors from discriminating.",
  fcraNotice: "You have a right to a free copy of your report.",
};

function renderPage() {
  const router = createMemoryRouter([{ path: "/applications/:id", Component: ApplicationPage }], {
    initialEntries: [`/applications/${app.id}`],
  });
  render(
    <QueryClientProvider client={createQueryClient()}>
      <RouterProvider router={router} />
    </QueryClientProvider>,
  );
}

describe("ApplicationPage", () => {
  it("shows a counteroffer's Truth-in-Lending box and schedule as the server priced them, and its notice", async () => {
    stubApi(
      api.get("/api/applications/{application_id}/notice", ({ response }) =>
        response(200).json(notice),
      ),
      api.get("/api/applications/{application_id}", ({ response }) => response(200).json(app)),
    );
    renderPage();
    const box = await screen.findByRole("group", { name: "Truth in Lending disclosure, offer 1" });
    expect(within(box).getByTestId("til-apr")).toHaveTextContent("12.875%");
    expect(within(box).getByTestId("til-finance-charge")).toHaveTextContent("$549.98");
    expect(within(box).getByTestId("til-amount-financed")).toHaveTextContent("$3,920.00");
    expect(within(box).getByTestId("til-total")).toHaveTextContent("$4,469.98");
    const schedule = screen.getByRole("table", { name: "Payment schedule, offer 1" });
    const rows = within(schedule).getAllByRole("row").slice(1);
    expect(rows.map((r) => r.textContent)).toEqual([
      "23$184.58monthly, starting Jan 4, 2027",
      "1$184.64on Dec 4, 2028",
    ]);
    const shown = await screen.findByRole("region", { name: "Counteroffer notice" });
    expect(within(shown).getByTestId("notice-score")).toHaveTextContent("702");
    expect(within(shown).getByTestId("notice-score")).toHaveTextContent("sandbox");
    expect(within(shown).getByTestId("notice-counteroffer")).toHaveTextContent(
      "Our offer: $4,000.00 over 24 payments of $184.58, APR 12.875%",
    );
    expect(screen.getAllByRole("group", { name: /Truth in Lending/ })).toHaveLength(1);
    expect(within(shown).getByTestId("notice-reasons")).toHaveTextContent(
      "Income insufficient for amount of credit requested",
    );
  });

  it("keeps the Idempotency-Key when accepting could not reach the server, and links the booked loan", async () => {
    const user = userEvent.setup();
    const plain = { ...app, offers: [{ ...offer, counteroffer: false }] }; // no notice to fetch
    const keys: (string | null)[] = [];
    const calls = stubApi(
      api.post("/api/applications/{application_id}/accept", ({ request, response }) => {
        keys.push(request.headers.get("Idempotency-Key"));
        if (keys.length === 1) return response.untyped(HttpResponse.error()); // the network failed
        return response(200).json({
          ...plain,
          status: "booked",
          acceptedOffer: 1,
          loanId: "loan-1",
        });
      }),
      api.get("/api/applications/{application_id}", ({ response }) => response(200).json(plain)),
    );
    renderPage();
    await user.type(
      await screen.findByLabelText("Your full name, as your signature"),
      "Grace Hopper",
    );
    await user.click(screen.getByRole("button", { name: /Accept offer/ }));
    expect(
      await screen.findByText(
        "Tick the box to agree to sign electronically; the offer is accepted only with your signature.",
      ),
    ).toBeInTheDocument();
    expect(keys).toHaveLength(0);

    await user.click(screen.getByLabelText(/sign the loan agreement electronically/));
    await user.click(screen.getByRole("button", { name: /Accept offer/ }));
    expect(
      await screen.findByText("The Loan Engine service cannot be reached."),
    ).toBeInTheDocument();
    await user.click(screen.getByRole("button", { name: /Accept offer/ }));
    expect(await screen.findByRole("link", { name: "see it in My loans" })).toHaveAttribute(
      "href",
      "/loans/loan-1",
    );
    const [first, retry, ...more] = keys;
    expect(more).toHaveLength(0);
    expect(first).toBeTruthy();
    expect(retry).toBe(first);
    expect(calls.filter((c) => c.path.endsWith("/accept")).at(-1)?.body).toEqual({
      offer: 1,
      esignConsent: true,
      signatureName: "Grace Hopper",
    });
  });

  it("shows lapsed offers as expired, with nothing left to accept or withdraw", async () => {
    const expired = {
      ...app,
      status: "expired" as const,
      offers: [{ ...offer, counteroffer: false }],
    };
    // No notice handler: asking for one would fail the test (an expired offer has no notice).
    const calls = stubApi(
      api.get("/api/applications/{application_id}", ({ response }) => response(200).json(expired)),
    );
    renderPage();
    expect(await screen.findByTestId("application-status")).toHaveTextContent(
      "Expired (the offer lapsed)",
    );
    expect(
      screen.getByText("These offers have expired and can no longer be accepted."),
    ).toBeInTheDocument();
    expect(screen.getByTestId("decision-text")).toHaveTextContent(/lapsed on Jan 3, 2027/);
    expect(screen.queryByRole("button")).toBeNull();
    expect(calls.map((c) => `${c.method} ${c.path}`)).toEqual([`GET /api/applications/${app.id}`]);
  });
});

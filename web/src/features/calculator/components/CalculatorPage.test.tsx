import { QueryClientProvider } from "@tanstack/react-query";
import { act, render, screen, waitFor } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { createMemoryRouter, RouterProvider } from "react-router";
import { createQueryClient } from "../../../app/queryClient";
import { json, sampleQuote } from "../../../test/fixtures";
import CalculatorPage from "./CalculatorPage";

vi.mock("./QuoteCharts", () => ({ default: () => <div data-testid="charts" /> }));

function renderPage(url = "/?amount=10000&rate=6&term=3&unit=payments&start=2026-01-15") {
  const router = createMemoryRouter([{ path: "/", Component: CalculatorPage }], {
    initialEntries: [url],
  });
  render(
    <QueryClientProvider client={createQueryClient()}>
      <RouterProvider router={router} />
    </QueryClientProvider>,
  );
  return router;
}

type Call = { body: Record<string, unknown>; signal: AbortSignal };

function stubApi(answer: (call: Call, index: number) => Promise<Response> | Response) {
  const calls: Call[] = [];
  vi.stubGlobal(
    "fetch",
    vi.fn(async (request: Request) => {
      const call = {
        body: (await request.json()) as Record<string, unknown>,
        signal: request.signal,
      };
      calls.push(call);
      return answer(call, calls.length - 1);
    }),
  );
  return calls;
}

describe("CalculatorPage", () => {
  it("prices the loan in the URL and shows the disclosure figures", async () => {
    const calls = stubApi(() => json(sampleQuote()));
    renderPage();
    expect(await screen.findByTestId("payment")).toHaveTextContent("$3,367.22");
    expect(screen.getByTestId("apr")).toHaveTextContent("6.00%");
    expect(screen.getByTestId("finance-charge")).toHaveTextContent("$100.15");
    expect(screen.getByTestId("amount-financed")).toHaveTextContent("$10,000.00");
    expect(screen.getByTestId("total-of-payments")).toHaveTextContent("$10,100.15");
    expect(screen.getAllByRole("row")).toHaveLength(4);
    expect(calls[0]?.body).toMatchObject({
      principal: "10000",
      annualRate: "6",
      termPeriods: 3,
      frequency: "monthly",
      startDate: "2026-01-15",
    });
  });

  it("waits for typing to pause and cancels a request that went stale", async () => {
    const user = userEvent.setup();
    let release: (() => void) | undefined;
    const calls = stubApi((call, index) => {
      if (index !== 1) return json(sampleQuote(String(call.body.principal)));
      // The second request hangs until the test lets it go; it must be aborted first.
      return new Promise<Response>((resolve, reject) => {
        call.signal.addEventListener("abort", () =>
          reject(new DOMException("aborted", "AbortError")),
        );
        release = () => resolve(json(sampleQuote("999.99")));
      });
    });
    const router = renderPage();
    await screen.findByTestId("payment");
    const amount = screen.getByLabelText("Loan amount");

    await user.clear(amount);
    await user.type(amount, "20000");
    await waitFor(() => expect(calls).toHaveLength(2));
    expect(calls[1]?.body.principal).toBe("20000"); // one request for five keystrokes

    await user.type(amount, "0");
    await waitFor(() => expect(calls).toHaveLength(3));
    expect(calls[1]?.signal.aborted).toBe(true);
    expect(await screen.findByTestId("payment")).toHaveTextContent("$200,000.00");
    act(() => release?.());
    expect(screen.getByTestId("payment")).toHaveTextContent("$200,000.00");
    expect(router.state.location.search).toContain("amount=200000");
  });

  it("shows the API's validation messages next to their fields", async () => {
    stubApi(() =>
      json(
        {
          type: "urn:loan-engine:problem:validation-error",
          title: "Invalid input",
          status: 422,
          detail: "annualRate: must be at most 100",
          errors: [{ field: "annualRate", message: "must be at most 100" }],
        },
        422,
        "application/problem+json",
      ),
    );
    renderPage("/?amount=10000&rate=150&term=3&unit=payments&start=2026-01-15");
    const rate = screen.getByLabelText("Interest rate");
    await waitFor(() => expect(rate).toHaveAttribute("aria-invalid", "true"));
    expect(rate).toHaveAccessibleDescription(/The interest rate must be at most 100\./);
  });

  it("checks the shape of inputs before asking the API", async () => {
    const calls = stubApi(() => json(sampleQuote()));
    const user = userEvent.setup();
    renderPage();
    await screen.findByTestId("payment");
    const amount = screen.getByLabelText("Loan amount");
    await user.clear(amount);
    await user.type(amount, "a lot");
    expect(amount).toHaveAccessibleDescription("Enter an amount, like 250000.");
    await act(() => new Promise((r) => setTimeout(r, 400)));
    expect(calls).toHaveLength(1);
  });

  it("keeps the last figures, marked out of date, when the API then fails", async () => {
    const user = userEvent.setup();
    stubApi((_call, index) =>
      index === 0
        ? json(sampleQuote())
        : json(
            { type: "about:blank", title: "Internal server error", status: 500, requestId: "r-7" },
            500,
            "application/problem+json",
          ),
    );
    renderPage();
    expect(await screen.findByTestId("payment")).toHaveTextContent("$3,367.22");
    expect(screen.queryByTestId("out-of-date")).not.toBeInTheDocument();
    await user.type(screen.getByLabelText("Loan amount"), "5");
    expect(await screen.findByRole("alert")).toHaveTextContent("Reference: r-7");
    expect(screen.getByTestId("out-of-date")).toHaveTextContent(/Out of date/);
    expect(screen.getByTestId("payment")).toHaveTextContent("$3,367.22");
    expect(screen.getByTestId("quote-peek")).toHaveTextContent("Out of date");
  });

  it("says plainly when the API fails, with the reference to quote", async () => {
    stubApi(() =>
      json(
        {
          type: "urn:loan-engine:problem:internal-error",
          title: "Internal server error",
          status: 500,
          requestId: "req-42",
        },
        500,
        "application/problem+json",
      ),
    );
    renderPage();
    expect(await screen.findByRole("alert")).toHaveTextContent("We couldn't price this loan");
    expect(screen.getByRole("alert")).toHaveTextContent("Reference: req-42");
  });
});

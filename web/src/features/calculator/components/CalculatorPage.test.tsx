import { QueryClientProvider } from "@tanstack/react-query";
import { act, render, screen, waitFor } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { createMemoryRouter, RouterProvider } from "react-router";
import { createQueryClient } from "@/lib/api/queryClient";
import { sampleQuote } from "@/test/fixtures";
import { api, problem, PROBLEM_HEADERS, stubApi } from "@/test/stubApi";
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

describe("CalculatorPage", () => {
  it("prices the loan in the URL and shows the disclosure figures", async () => {
    const calls = stubApi(
      api.post("/api/quotes", ({ response }) => response(200).json(sampleQuote())),
    );
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
    let sent = 0;
    const calls = stubApi(
      api.post("/api/quotes", async ({ request, response }) => {
        const body = await request.json();
        if (sent++ !== 1) return response(200).json(sampleQuote(body.principal));
        // The second request hangs until the test lets it go; it must be aborted first.
        await new Promise<void>((resolve) => (release = resolve));
        return response(200).json(sampleQuote("999.99"));
      }),
    );
    const router = renderPage();
    await screen.findByTestId("payment");
    const amount = screen.getByLabelText("Loan amount");

    await user.clear(amount);
    await user.type(amount, "20000");
    await waitFor(() => expect(calls).toHaveLength(2));
    await waitFor(() => expect(calls[1]?.body).toMatchObject({ principal: "20000" })); // one request for five keystrokes

    await user.type(amount, "0");
    await waitFor(() => expect(calls).toHaveLength(3));
    expect(calls[1]?.signal.aborted).toBe(true);
    expect(await screen.findByTestId("payment")).toHaveTextContent("$200,000.00");
    act(() => release?.());
    expect(screen.getByTestId("payment")).toHaveTextContent("$200,000.00");
    expect(router.state.location.search).toContain("amount=200000");
  });

  it("shows the API's validation messages next to their fields", async () => {
    stubApi(
      api.post("/api/quotes", ({ response }) =>
        response(422).json(
          problem(422, "Invalid input", {
            type: "urn:loan-engine:problem:validation-error",
            detail: "annualRate: must be at most 100",
            errors: [{ field: "annualRate", message: "must be at most 100" }],
          }),
          PROBLEM_HEADERS,
        ),
      ),
    );
    renderPage("/?amount=10000&rate=150&term=3&unit=payments&start=2026-01-15");
    const rate = screen.getByLabelText("Interest rate");
    await waitFor(() => expect(rate).toHaveAttribute("aria-invalid", "true"));
    expect(rate).toHaveAccessibleDescription(/The interest rate must be at most 100\./);
  });

  it("checks the shape of inputs before asking the API", async () => {
    const calls = stubApi(
      api.post("/api/quotes", ({ response }) => response(200).json(sampleQuote())),
    );
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
    let sent = 0;
    stubApi(
      api.post("/api/quotes", ({ response }) =>
        sent++ === 0
          ? response(200).json(sampleQuote())
          : response.untyped(
              Response.json(problem(500, "Internal server error", { requestId: "r-7" }), {
                status: 500,
                ...PROBLEM_HEADERS,
              }),
            ),
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
    stubApi(
      api.post("/api/quotes", ({ response }) =>
        response.untyped(
          Response.json(problem(500, "Internal server error", { requestId: "req-42" }), {
            status: 500,
            ...PROBLEM_HEADERS,
          }),
        ),
      ),
    );
    renderPage();
    expect(await screen.findByRole("alert")).toHaveTextContent("We couldn't price this loan");
    expect(screen.getByRole("alert")).toHaveTextContent("Reference: req-42");
  });
});

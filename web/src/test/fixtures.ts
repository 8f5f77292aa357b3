import type { Quote } from "@/features/calculator/api/types";

/** A small, internally consistent quote (3 monthly payments) as the API would send it. */
export function sampleQuote(payment = "3367.22"): Quote {
  return {
    currency: "USD",
    prepaidInterest: "0.00",
    payment,
    schedule: [
      {
        number: 1,
        dueDate: "2026-02-15",
        payment,
        principal: "3317.22",
        interest: "50.00",
        fees: "0.00",
        balance: "6682.78",
      },
      {
        number: 2,
        dueDate: "2026-03-15",
        payment,
        principal: "3333.81",
        interest: "33.41",
        fees: "0.00",
        balance: "3348.97",
      },
      {
        number: 3,
        dueDate: "2026-04-15",
        payment: "3365.71",
        principal: "3348.97",
        interest: "16.74",
        fees: "0.00",
        balance: "0.00",
      },
    ],
    totals: { payments: "10100.15", principal: "10000.00", interest: "100.15", fees: "0.00" },
    disclosure: {
      apr: "6.0000",
      financeCharge: "100.15",
      amountFinanced: "10000.00",
      totalOfPayments: "10100.15",
    },
  };
}

export function json(body: unknown, status = 200, type = "application/json"): Response {
  return new Response(JSON.stringify(body), { status, headers: { "Content-Type": type } });
}

import { QueryClientProvider } from "@tanstack/react-query";
import { render, screen, waitFor } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { MemoryRouter } from "react-router";
import { createQueryClient } from "@/lib/api/queryClient";
import { sampleQuote } from "@/test/fixtures";
import { sampleDraft } from "../fixtures";
import { VersionEditor } from "./VersionEditorPage";
import { api, problem, PROBLEM_HEADERS, stubApi } from "@/test/stubApi";

const VERSION = "/api/admin/products/{code}/versions/{version}";
const preview = (payment?: string) =>
  api.post("/api/admin/products/quote-preview", ({ response }) =>
    response(200).json(sampleQuote(payment)),
  );

function renderEditor(row = sampleDraft()) {
  render(
    <QueryClientProvider client={createQueryClient()}>
      <MemoryRouter>
        <VersionEditor row={row} currency="USD" name="Car loan" online={1} />
      </MemoryRouter>
    </QueryClientProvider>,
  );
}

describe("VersionEditor", () => {
  it("prices the definition being edited in the live preview", async () => {
    const calls = stubApi(preview("612.34"));
    renderEditor();
    expect(await screen.findByTestId("preview-payment")).toHaveTextContent("$612.34");
    const sent = calls.find((c) => c.path === "/api/admin/products/quote-preview");
    expect(sent?.body).toMatchObject({
      currency: "USD",
      grade: "A",
      principal: "10000",
      termPeriods: 36,
    });
  });

  it("shows a draft's publish blockers and the server's 422 messages at their fields", async () => {
    const user = userEvent.setup();
    stubApi(
      preview(),
      api.post(`${VERSION}/publish`, ({ response }) =>
        response(422).json(
          problem(422, "Invalid input", {
            type: "urn:loan-engine:problem:validation",
            errors: [
              {
                field: "definition.pricing.grid.0.rates.0",
                message: "40 % is outside the floor and ceiling",
              },
            ],
          }),
          PROBLEM_HEADERS,
        ),
      ),
    );
    renderEditor(
      sampleDraft([{ field: "definition.amount.min", message: "is above the maximum (25000)" }]),
    );
    const smallest = screen.getByLabelText("Smallest amount");
    expect(smallest).toHaveAttribute("aria-invalid", "true");
    expect(screen.getByText("Minimum amount is above the maximum (25000).")).toBeInTheDocument();

    await user.click(screen.getByRole("button", { name: "Publish…" }));
    expect(screen.getByRole("alertdialog")).toHaveTextContent("version 1 will be retired");
    await user.click(screen.getByRole("button", { name: "Confirm publish" }));
    expect(await screen.findByText("40 % is outside the floor and ceiling.")).toBeInTheDocument();
    expect(screen.getByLabelText("Rate for grade A, band 1")).toHaveAttribute(
      "aria-invalid",
      "true",
    );
    expect(smallest).not.toHaveAttribute("aria-invalid");
  });

  it("publishes only after confirmation, saving unsaved edits first", async () => {
    const user = userEvent.setup();
    const calls = stubApi(
      preview(),
      api.put(VERSION, async ({ request, response }) => {
        const { definition } = await request.json();
        return response(200).json({ ...sampleDraft(), definition });
      }),
      api.post(`${VERSION}/publish`, ({ response }) =>
        response(200).json({
          ...sampleDraft(),
          status: "published",
          publishedAt: "2026-03-02T10:00:00Z",
        }),
      ),
    );
    renderEditor();
    await user.clear(screen.getByLabelText("Largest amount"));
    await user.type(screen.getByLabelText("Largest amount"), "30000");
    await user.click(screen.getByRole("button", { name: "Publish…" }));
    expect(calls.some((c) => c.path.endsWith("/publish"))).toBe(false);
    await user.click(screen.getByRole("button", { name: "Confirm publish" }));
    expect(await screen.findByText("Version 2 is published.")).toBeInTheDocument();
    const writes = calls.filter((c) => c.method !== "GET" && !c.path.endsWith("quote-preview"));
    expect(writes.map((c) => [c.method, c.path])).toEqual([
      ["PUT", "/api/admin/products/CAR/versions/2"],
      ["POST", "/api/admin/products/CAR/versions/2/publish"],
    ]);
    expect(writes[0]?.body).toMatchObject({ definition: { amount: { max: "30000" } } });
    await waitFor(() =>
      expect(screen.getByLabelText("Largest amount")).toHaveAttribute("readonly"),
    );
  });
});

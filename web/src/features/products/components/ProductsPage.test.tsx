import { QueryClientProvider } from "@tanstack/react-query";
import { render, screen } from "@testing-library/react";
import { createMemoryRouter, RouterProvider } from "react-router";
import { createQueryClient } from "@/lib/api/queryClient";
import { api, stubApi } from "@/test/stubApi";
import { sampleProduct } from "../fixtures";
import ProductsPage from "./ProductsPage";

function renderPage() {
  const router = createMemoryRouter([{ path: "/products", Component: ProductsPage }], {
    initialEntries: ["/products"],
  });
  render(
    <QueryClientProvider client={createQueryClient()}>
      <RouterProvider router={router} />
    </QueryClientProvider>,
  );
}

describe("ProductsPage", () => {
  it("lists each product with its ranges, its representative example and a calculator link", async () => {
    stubApi(api.get("/api/products", ({ response }) => response(200).json([sampleProduct()])));
    renderPage();
    const card = await screen.findByRole("region", { name: "Personal loan" });
    expect(card).toHaveTextContent("$2,000.00 to $50,000.00");
    expect(card).toHaveTextContent("12 months to 72 months");
    expect(card).toHaveTextContent("7.99% to 29.99%");
    expect(screen.getByTestId("example-PERSONAL")).toHaveTextContent(
      "borrowing $15,000.00 over 36 monthly payments at 27.99% interest costs $620.17 a payment, $22,326.12 in all (finance charge $7,776.12). APR 30.42%.",
    );
    expect(screen.getByRole("link", { name: "Price it in the calculator" })).toHaveAttribute(
      "href",
      "/?amount=15000&rate=27.99&term=36&unit=payments&freq=monthly",
    );
  });

  it("says so when nothing is on offer", async () => {
    stubApi(api.get("/api/products", ({ response }) => response(200).json([])));
    renderPage();
    expect(await screen.findByText("No products are on offer right now.")).toBeInTheDocument();
  });
});

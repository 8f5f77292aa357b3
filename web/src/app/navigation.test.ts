import { NAV_ITEMS, visibleNavItems } from "./navigation";

describe("navigation", () => {
  it("shows visitors only the public pages", () => {
    expect(visibleNavItems(false, []).map((i) => i.to)).toEqual(["/", "/products"]);
  });

  it("adds my loans, applying and the account page once signed in", () => {
    expect(visibleNavItems(true, ["borrower"]).map((i) => i.label)).toEqual([
      "Loan calculator",
      "Products",
      "My loans",
      "Apply",
      "My applications",
      "Account",
    ]);
  });

  it("gives staff the loan search, once, whatever other roles they hold", () => {
    const labels = visibleNavItems(true, ["borrower", "underwriter"]).map((i) => i.label);
    expect(labels).toContain("Loans");
    expect(labels).not.toContain("My loans");
  });

  it("shows admins the admin pages", () => {
    expect(visibleNavItems(true, ["admin"]).map((i) => i.to)).toContain("/admin/products");
    expect(visibleNavItems(true, ["borrower"]).map((i) => i.to)).not.toContain("/admin/products");
  });

  it("shows underwriters and admins the underwriting queue, and nobody else", () => {
    expect(visibleNavItems(true, ["underwriter"]).map((i) => i.label)).toContain("Underwriting");
    expect(visibleNavItems(true, ["admin"]).map((i) => i.to)).toContain("/underwriting");
    expect(visibleNavItems(true, ["borrower"]).map((i) => i.to)).not.toContain("/underwriting");
  });

  it("hides role-restricted links from other roles", () => {
    NAV_ITEMS.push({
      to: "/queue",
      label: "Review queue",
      audience: "signed-in",
      roles: ["underwriter"],
    });
    try {
      expect(visibleNavItems(true, ["borrower"]).map((i) => i.to)).not.toContain("/queue");
      expect(visibleNavItems(true, ["underwriter"]).map((i) => i.to)).toContain("/queue");
      expect(visibleNavItems(false, []).map((i) => i.to)).not.toContain("/queue");
    } finally {
      NAV_ITEMS.pop();
    }
  });
});

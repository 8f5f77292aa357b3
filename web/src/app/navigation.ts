import type { Role } from "@/features/auth/api/auth";

export type NavItem = {
  to: string;
  label: string;
  /** Who sees the link: everyone, only signed-in users, or signed-in users with one of `roles`. */
  audience: "everyone" | "signed-in";
  roles?: Role[];
};

/**
 * The navigation, in order. Only pages that work are listed; staff pages join here (with their
 * roles) as their features land.
 */
export const NAV_ITEMS: NavItem[] = [
  { to: "/", label: "Loan calculator", audience: "everyone" },
  { to: "/products", label: "Products", audience: "everyone" },
  // One page, two audiences: staff search every loan, a borrower sees their own (staff label first).
  { to: "/loans", label: "Loans", audience: "signed-in", roles: ["admin", "underwriter"] },
  { to: "/loans", label: "My loans", audience: "signed-in", roles: ["borrower"] },
  { to: "/apply", label: "Apply", audience: "signed-in", roles: ["borrower"] },
  { to: "/applications", label: "My applications", audience: "signed-in", roles: ["borrower"] },
  {
    to: "/underwriting",
    label: "Underwriting",
    audience: "signed-in",
    roles: ["admin", "underwriter"],
  },
  { to: "/account", label: "Account", audience: "signed-in" },
  { to: "/admin/products", label: "Admin: products", audience: "signed-in", roles: ["admin"] },
];

export function visibleNavItems(signedIn: boolean, roles: readonly Role[]): NavItem[] {
  const visible = NAV_ITEMS.filter((item) => {
    if (item.audience === "everyone") return true;
    if (!signedIn) return false;
    return !item.roles || item.roles.some((r) => roles.includes(r));
  });
  return visible.filter((item, i) => visible.findIndex((other) => other.to === item.to) === i);
}

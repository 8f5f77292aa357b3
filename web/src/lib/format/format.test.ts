import { formatDate, formatMoney, formatRate, todayIso } from ".";

describe("format", () => {
  it("formats decimal strings as money without float rounding", () => {
    expect(formatMoney("1264.14")).toBe("$1,264.14");
    expect(formatMoney("12345678901234.57")).toBe("$12,345,678,901,234.57");
    expect(formatMoney("0.005")).toBe("$0.01");
  });

  it("formats other currencies", () => {
    expect(formatMoney("10", "EUR")).toBe("€10.00");
  });

  it("formats rates with two to three decimals", () => {
    expect(formatRate("6.5")).toBe("6.50%");
    expect(formatRate("6.7421")).toBe("6.742%");
  });

  it("formats ISO dates without shifting them across time zones", () => {
    expect(formatDate("2027-01-31")).toBe("Jan 31, 2027");
    expect(formatDate("not-a-date")).toBe("not-a-date");
  });

  it("gives today's date in ISO form", () => {
    expect(todayIso(new Date(2026, 0, 5))).toBe("2026-01-05");
  });
});

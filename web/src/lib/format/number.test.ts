import { cleanNumber, parseAmount } from "./number";

describe("cleanNumber", () => {
  it("drops currency signs, spaces and thousands separators", () => {
    expect(cleanNumber("$250,000.00")).toBe("250000.00");
    expect(cleanNumber(" 6.5 % ")).toBe("6.5");
    expect(cleanNumber("1,234,567")).toBe("1234567");
  });

  it("keeps a comma that is not a thousands separator, so the number fails its check", () => {
    expect(cleanNumber("7,9")).toBe("7,9");
    expect(cleanNumber("25000,50")).toBe("25000,50");
    expect(cleanNumber("1,23,456")).toBe("1,23,456");
  });
});

describe("parseAmount", () => {
  it("takes amounts with up to two decimals", () => {
    expect(parseAmount("$1,200.50")).toBe("1200.50");
    expect(parseAmount("89")).toBe("89");
  });

  it("refuses what is not an amount", () => {
    expect(parseAmount("")).toBeNull();
    expect(parseAmount("12.345")).toBeNull();
    expect(parseAmount("7,9")).toBeNull();
    expect(parseAmount("-5")).toBeNull();
    expect(parseAmount("abc")).toBeNull();
  });
});

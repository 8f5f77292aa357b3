import { yearTicks } from "./chartTicks";

/** `count` monthly payments, the first due in `firstMonth` (1-12) of 2027. */
function monthly(count: number, firstMonth = 2) {
  return Array.from({ length: count }, (_, i) => {
    const month = firstMonth - 1 + i;
    const year = 2027 + Math.floor(month / 12);
    const mm = String((month % 12) + 1).padStart(2, "0");
    return { number: i + 1, dueDate: `${year}-${mm}-15` };
  });
}

describe("year ticks for the charts", () => {
  it("puts one tick at each year's first payment, labelled with the year", () => {
    const { ticks, label } = yearTicks(monthly(36));
    // Feb 2027 is payment 1; Jan 2028 is payment 12; Jan 2029 payment 24; Jan 2030 payment 36.
    expect(ticks).toEqual([1, 12, 24, 36]);
    expect(ticks.map(label)).toEqual(["2027", "2028", "2029", "2030"]);
  });

  it("keeps round years only on a long loan", () => {
    const { ticks, label } = yearTicks(monthly(360));
    expect(ticks.map(label)).toEqual(["2030", "2035", "2040", "2045", "2050", "2055"]);
    expect(label(2)).toBe("");
  });

  it("labels a loan shorter than a year with its year", () => {
    const { ticks, label } = yearTicks(monthly(6));
    expect(ticks.map(label)).toEqual(["2027"]);
  });
});

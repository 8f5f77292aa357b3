/** Where the charts' horizontal axis puts its labels: at the first payment of each year. */

type Row = { number: number; dueDate: string };

export type YearTicks = {
  /** The payment numbers that get a tick (the chart's x values). */
  ticks: number[];
  /** The year label for each of those payment numbers. */
  label: (paymentNumber: unknown) => string;
};

const STEPS = [1, 2, 5, 10, 25, 50];

/**
 * One tick per calendar year, at that year's first payment, labelled with the year. Long loans
 * keep every 2nd, 5th or 10th year (round years: 2030, 2035…) so at most `maxTicks` labels fit a
 * half-width chart on a phone.
 */
export function yearTicks(schedule: readonly Row[], maxTicks = 8): YearTicks {
  const firsts: { number: number; year: number }[] = [];
  for (const row of schedule) {
    const year = Number(row.dueDate.slice(0, 4));
    if (firsts.at(-1)?.year !== year) firsts.push({ number: row.number, year });
  }
  const step = STEPS.find((s) => Math.ceil(firsts.length / s) <= maxTicks) ?? 100;
  const kept = step === 1 ? firsts : firsts.filter((f) => f.year % step === 0);
  const years = new Map(kept.map((f) => [f.number, String(f.year)]));
  return { ticks: kept.map((f) => f.number), label: (n) => years.get(Number(n)) ?? "" };
}

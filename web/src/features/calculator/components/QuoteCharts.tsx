import {
  Area,
  AreaChart,
  Bar,
  BarChart,
  CartesianGrid,
  Legend,
  ResponsiveContainer,
  Tooltip,
  XAxis,
  YAxis,
} from "recharts";
import { formatDate, formatMoney } from "@/lib/format";
import type { ScheduleRow } from "../api/types";
import { yearTicks } from "../chartTicks";

type Props = { schedule: ScheduleRow[]; currency: string };

// Chart geometry needs numbers; these conversions are for drawing only. Every figure shown as text
// (tooltips included) is formatted from the API's decimal strings.
type Point = { n: number; balance: number; principal: number; interest: number };

const compactFormat = new Intl.NumberFormat("en-US", {
  notation: "compact",
  maximumFractionDigits: 1,
});
const compact = (value: number) => compactFormat.format(value);
const MARGIN = { top: 8, right: 8, bottom: 0, left: 0 };
const AXIS_TICK = { fontSize: 12, fill: "var(--text-muted)" };
const TOOLTIP_STYLE = { background: "var(--surface)", border: "1px solid var(--border)" };
/** Up to this many payments the split reads best as bars; beyond, two stacked step areas draw
 * the same split far faster than hundreds of bars (the chart re-renders as the user types). */
const MAX_BARS = 60;

function legendLabel(value: string) {
  return <span style={{ color: "var(--text)" }}>{value}</span>;
}

/** Balance over time and each period's principal/interest split (lazy-loaded with recharts). */
export default function QuoteCharts({ schedule, currency }: Props) {
  const rows = new Map(schedule.map((r) => [r.number, r]));
  const data: Point[] = schedule.map((r) => ({
    n: r.number,
    balance: Number(r.balance),
    principal: Number(r.principal),
    interest: Number(r.interest),
  }));
  const money = (v: string | undefined) => (v === undefined ? "" : formatMoney(v, currency));
  const label = (n: unknown) => {
    const row = rows.get(Number(n));
    return row ? `Payment ${row.number} · ${formatDate(row.dueDate)}` : "";
  };
  const splitTooltip = (_v: unknown, name: unknown, item: { payload?: Point }) => {
    const row = item.payload ? rows.get(item.payload.n) : undefined;
    return [money(name === "Interest" ? row?.interest : row?.principal), String(name)];
  };
  const first = schedule[0];
  const last = schedule.at(-1);
  const years = yearTicks(schedule);
  const axes = [
    <CartesianGrid key="grid" stroke="var(--border)" vertical={false} />,
    <XAxis
      key="x"
      dataKey="n"
      ticks={years.ticks}
      interval={0}
      tickFormatter={years.label}
      tick={AXIS_TICK}
      tickLine={false}
    />,
    <YAxis
      key="y"
      tick={AXIS_TICK}
      tickLine={false}
      axisLine={false}
      tickFormatter={compact}
      width={48}
    />,
  ];
  const legend = <Legend wrapperStyle={{ fontSize: 13 }} formatter={legendLabel} />;

  return (
    <div className="charts">
      <figure className="card chart">
        <figcaption>
          <h2>Balance over time</h2>
          <p className="muted">
            {first && last
              ? `From ${money(first.balance)} after the first payment to ${money(last.balance)} after payment ${last.number}.`
              : ""}
          </p>
        </figcaption>
        <div
          className="chart__plot"
          role="img"
          aria-label="Area chart of the remaining balance after each payment. The schedule table below lists every value."
        >
          <ResponsiveContainer width="100%" height={240}>
            <AreaChart data={data} margin={MARGIN}>
              {axes}
              <Tooltip
                labelFormatter={label}
                formatter={(_v, _name, item) => [
                  money(rows.get(item.payload.n)?.balance),
                  "Balance",
                ]}
                contentStyle={TOOLTIP_STYLE}
              />
              <Area
                type="monotone"
                dataKey="balance"
                name="Balance"
                stroke="var(--chart-balance)"
                fill="var(--chart-balance)"
                fillOpacity={0.15}
                strokeWidth={2}
                isAnimationActive={false}
              />
            </AreaChart>
          </ResponsiveContainer>
        </div>
      </figure>
      <figure className="card chart">
        <figcaption>
          <h2>Principal and interest per payment</h2>
          <p className="muted">
            How each payment divides between paying down the loan and interest.
          </p>
        </figcaption>
        <div
          className="chart__plot"
          role="img"
          aria-label="Stacked chart of the principal and interest in each payment. The schedule table below lists every value."
        >
          <ResponsiveContainer width="100%" height={240}>
            {data.length <= MAX_BARS ? (
              <BarChart data={data} margin={MARGIN}>
                {axes}
                <Tooltip
                  labelFormatter={label}
                  formatter={splitTooltip}
                  contentStyle={TOOLTIP_STYLE}
                />
                {legend}
                <Bar
                  dataKey="principal"
                  name="Principal"
                  stackId="split"
                  fill="var(--chart-principal)"
                  isAnimationActive={false}
                />
                <Bar
                  dataKey="interest"
                  name="Interest"
                  stackId="split"
                  fill="var(--chart-interest)"
                  isAnimationActive={false}
                />
              </BarChart>
            ) : (
              <AreaChart data={data} margin={MARGIN}>
                {axes}
                <Tooltip
                  labelFormatter={label}
                  formatter={splitTooltip}
                  contentStyle={TOOLTIP_STYLE}
                />
                {legend}
                <Area
                  type="stepAfter"
                  dataKey="principal"
                  name="Principal"
                  stackId="split"
                  stroke="var(--chart-principal)"
                  fill="var(--chart-principal)"
                  fillOpacity={0.9}
                  isAnimationActive={false}
                />
                <Area
                  type="stepAfter"
                  dataKey="interest"
                  name="Interest"
                  stackId="split"
                  stroke="var(--chart-interest)"
                  fill="var(--chart-interest)"
                  fillOpacity={0.9}
                  isAnimationActive={false}
                />
              </AreaChart>
            )}
          </ResponsiveContainer>
        </div>
      </figure>
    </div>
  );
}

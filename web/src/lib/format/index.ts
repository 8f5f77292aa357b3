/**
 * Display formatting for the API's decimal strings. Intl.NumberFormat formats a numeric *string*
 * exactly (ES2023), so money is never routed through a binary float on its way to the screen.
 */
const moneyFormats = new Map<string, Intl.NumberFormat>();

function moneyFormat(currency: string): Intl.NumberFormat {
  let format = moneyFormats.get(currency);
  if (!format) {
    format = new Intl.NumberFormat("en-US", { style: "currency", currency });
    moneyFormats.set(currency, format);
  }
  return format;
}

type NumericString = `${number}` | string;

export function formatMoney(value: NumericString, currency = "USD"): string {
  return moneyFormat(currency).format(value as Intl.StringNumericLiteral);
}

const rateFormat = new Intl.NumberFormat("en-US", {
  minimumFractionDigits: 2,
  maximumFractionDigits: 3,
});

/** An annual percentage rate given in percent ("6.5" → "6.50%"). */
export function formatRate(value: NumericString): string {
  return `${rateFormat.format(value as Intl.StringNumericLiteral)}%`;
}

const dateFormat = new Intl.DateTimeFormat("en-US", {
  year: "numeric",
  month: "short",
  day: "numeric",
  timeZone: "UTC",
});

/** An ISO calendar date (YYYY-MM-DD) as "Jan 5, 2027", independent of the viewer's time zone. */
export function formatDate(iso: string): string {
  const parsed = new Date(`${iso}T00:00:00Z`);
  return Number.isNaN(parsed.getTime()) ? iso : dateFormat.format(parsed);
}

/** Today's date as YYYY-MM-DD in the viewer's own calendar. */
export function todayIso(now = new Date()): string {
  const y = now.getFullYear();
  const m = String(now.getMonth() + 1).padStart(2, "0");
  const d = String(now.getDate()).padStart(2, "0");
  return `${y}-${m}-${d}`;
}

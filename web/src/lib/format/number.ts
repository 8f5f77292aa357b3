const GROUPED = /^\d{1,3}(,\d{3})+(\.\d+)?$/;

/**
 * What people type around a number ("$250,000", "6.5 %") stripped before its shape is checked. A comma
 * is dropped only where it separates thousands ("25,000.50"); anywhere else ("7,9", "25000,50") it
 * stays, so the number fails its check and the field says so instead of pricing 79% or 2,500,050.
 */
export function cleanNumber(raw: string): string {
  const bare = raw.replace(/[\s$%€£]/g, "");
  return GROUPED.test(bare) ? bare.replace(/,/g, "") : bare;
}

const AMOUNT = /^\d{1,13}(\.\d{1,2})?$/;

/** A money amount as the API takes it ("1234.5"), or null when `raw` is not one. */
export function parseAmount(raw: string): string | null {
  const clean = cleanNumber(raw);
  return AMOUNT.test(clean) ? clean : null;
}

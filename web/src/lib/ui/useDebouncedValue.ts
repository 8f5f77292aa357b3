import { useEffect, useMemo, useState } from "react";

/** `value`, but only after it has stopped changing for `delayMs`. */
export function useDebouncedValue<T>(value: T, delayMs: number): T {
  const [debounced, setDebounced] = useState(value);
  useEffect(() => {
    const timer = setTimeout(() => setDebounced(value), delayMs);
    return () => clearTimeout(timer);
  }, [value, delayMs]);
  return debounced;
}

/**
 * A request a form builds as the person types, once typing has paused for `delayMs`: `key` (its
 * JSON, null for none) keys the query, so an equal request is the same query; `request` is what to
 * send; `typing` says the form has moved on since (the figures shown are about to change).
 */
export function useDebouncedRequest<T>(request: T | null, delayMs: number) {
  const key = useMemo(() => (request ? JSON.stringify(request) : null), [request]);
  const debouncedKey = useDebouncedValue(key, delayMs);
  const settled = useMemo(
    () => (debouncedKey === null ? null : (JSON.parse(debouncedKey) as T)),
    [debouncedKey],
  );
  return { key: debouncedKey, request: settled, typing: key !== debouncedKey };
}

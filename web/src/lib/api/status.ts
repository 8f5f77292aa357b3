import { useSyncExternalStore } from "react";

/**
 * Whether the API answered at all. Any request that fails to reach it (network error, or a proxy's
 * 502/503/504) flips this to "unreachable" and the shell shows a friendly page until a retry
 * succeeds. Kept outside React so the query cache and the fetch layer can report into it.
 */
let unreachable = false;
const listeners = new Set<() => void>();

export function reportUnreachable(): void {
  if (unreachable) return;
  unreachable = true;
  listeners.forEach((l) => l());
}

export function clearUnreachable(): void {
  if (!unreachable) return;
  unreachable = false;
  listeners.forEach((l) => l());
}

function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

export function useApiUnreachable(): boolean {
  return useSyncExternalStore(subscribe, () => unreachable);
}

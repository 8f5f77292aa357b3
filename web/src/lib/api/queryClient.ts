import { MutationCache, QueryCache, QueryClient } from "@tanstack/react-query";
import { ApiError, isUnreachable } from "./problem";
import { reportUnreachable } from "./status";

function onError(error: unknown): void {
  if (isUnreachable(error)) reportUnreachable();
}

export function createQueryClient(): QueryClient {
  return new QueryClient({
    queryCache: new QueryCache({ onError }),
    mutationCache: new MutationCache({ onError }),
    defaultOptions: {
      queries: {
        // A 4xx is an answer, not a glitch: retrying it only repeats the same problem.
        retry: (count, error) => !(error instanceof ApiError) && !isUnreachable(error) && count < 2,
        refetchOnWindowFocus: false,
        staleTime: 60_000,
      },
      mutations: { retry: false },
    },
  });
}

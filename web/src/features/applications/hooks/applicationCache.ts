import { useQueryClient } from "@tanstack/react-query";
import type { Application } from "../api/types";

export function applicationKey(id: string) {
  return ["applications", "one", id] as const;
}

/** Puts an application the server answered with in the cache, and refetches the lists that show
 * it: what every save, submit, accept and withdraw does with its answer. */
export function useStoreApplication() {
  const queryClient = useQueryClient();
  return async function store(app: Application): Promise<void> {
    queryClient.setQueryData(applicationKey(app.id), app);
    await queryClient.invalidateQueries({ queryKey: ["applications", "list"] });
  };
}

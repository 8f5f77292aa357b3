import { useQueryClient } from "@tanstack/react-query";
import { useRef } from "react";
import { ApiUnreachableError } from "@/lib/api/problem";
import type { Application } from "../api/types";
import { newIdempotencyKey } from "../model";
import { useStoreApplication } from "./applicationCache";

/**
 * Sends a submit or an accept with an Idempotency-Key kept per intended request, as the loans'
 * useIdempotentPost does: the key survives a failure to reach the server (the retry may find the first
 * attempt done and gets its answer) and is renewed once the server has answered. On success the
 * application's queries and the borrower's loans (an accept books one) are refetched.
 */
export function useIdempotentAction() {
  const key = useRef(newIdempotencyKey());
  const queryClient = useQueryClient();
  const store = useStoreApplication();
  return async function send(call: (key: string) => Promise<Application>): Promise<Application> {
    try {
      const result = await call(key.current);
      key.current = newIdempotencyKey();
      await store(result);
      await queryClient.invalidateQueries({ queryKey: ["loans"] });
      return result;
    } catch (error) {
      if (!(error instanceof ApiUnreachableError)) key.current = newIdempotencyKey();
      throw error;
    }
  };
}

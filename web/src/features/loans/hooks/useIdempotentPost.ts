import { useQueryClient } from "@tanstack/react-query";
import { useRef } from "react";
import { ApiUnreachableError } from "@/lib/api/problem";
import type { PostingResult } from "../api/types";
import { newIdempotencyKey } from "../model";

/**
 * Posts a money-moving request with an Idempotency-Key kept per intended posting. The key is kept when
 * the server could not be reached (the retry may find the first attempt posted, and gets its answer),
 * and renewed once the server has answered, so the next submission is a new request. On success the
 * loan's queries are refetched.
 */
export function useIdempotentPost() {
  const key = useRef(newIdempotencyKey());
  const queryClient = useQueryClient();
  return async function post(
    send: (key: string) => Promise<PostingResult>,
  ): Promise<PostingResult> {
    try {
      const result = await send(key.current);
      key.current = newIdempotencyKey();
      await queryClient.invalidateQueries({ queryKey: ["loans"] }); // the loan, its lists and history
      return result;
    } catch (error) {
      if (!(error instanceof ApiUnreachableError)) key.current = newIdempotencyKey();
      throw error;
    }
  };
}

export function loanQueryKey(loanId: string) {
  return ["loans", "one", loanId] as const;
}

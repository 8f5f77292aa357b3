import { useEffect, useRef, useState } from "react";
import { Link, useSearchParams } from "react-router";
import { ProblemAlert } from "@/lib/ui/ProblemAlert";
import { usePageTitle } from "@/lib/ui/usePageTitle";
import { authApi } from "../api/auth";

type State = { kind: "working" } | { kind: "done" } | { kind: "failed"; error: unknown };

/** The page a verification link opens: proves the address at once (the link works once). */
export default function VerifyEmailPage() {
  usePageTitle("Confirm your email address");
  const [params] = useSearchParams();
  const token = params.get("token") ?? "";
  const [state, setState] = useState<State>({ kind: "working" });
  const sent = useRef(false); // StrictMode runs effects twice; the link must be spent once

  useEffect(() => {
    if (sent.current || !token) return;
    sent.current = true;
    authApi.verifyEmail({ token }).then(
      () => setState({ kind: "done" }),
      (error: unknown) => setState({ kind: "failed", error }),
    );
  }, [token]);

  return (
    <div className="narrow">
      <div className="card">
        <h1>Confirm your email address</h1>
        {!token ? (
          <p role="alert">This page needs the link from the confirmation message.</p>
        ) : state.kind === "working" ? (
          <p role="status">Confirming…</p>
        ) : state.kind === "done" ? (
          <p role="status">
            Thank you: your email address is confirmed.{" "}
            <Link to="/account">Go to your account</Link>.
          </p>
        ) : (
          <>
            <ProblemAlert error={state.error} title="We couldn't confirm the address" />
            <p>
              A link works once and for 24 hours; signed in, you can ask for a new one on your{" "}
              <Link to="/account">account page</Link>.
            </p>
          </>
        )}
      </div>
    </div>
  );
}

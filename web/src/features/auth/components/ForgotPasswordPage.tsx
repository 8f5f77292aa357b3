import { useState, type FormEvent } from "react";
import { Link } from "react-router";
import { TextField } from "@/lib/ui/Field";
import { ProblemAlert } from "@/lib/ui/ProblemAlert";
import { usePageTitle } from "@/lib/ui/usePageTitle";
import { useSubmission, type FieldErrors } from "@/lib/ui/useSubmission";
import { SubmitButton } from "@/lib/ui/SubmitButton";
import { authApi } from "../api/auth";

/** Ask for a reset link. The answer is the same whether or not the address has an account. */
export default function ForgotPasswordPage() {
  usePageTitle("Forgot password");
  const [email, setEmail] = useState("");
  const [sent, setSent] = useState(false);
  const { errors, problem, busy, submit: send } = useSubmission();

  function submit(e: FormEvent) {
    e.preventDefault();
    const local: FieldErrors = {};
    if (!email.trim()) local.email = "Enter your email address.";
    void send(local, async () => {
      await authApi.forgotPassword({ email: email.trim() });
      setSent(true);
    });
  }

  return (
    <div className="narrow">
      <div className="card">
        <h1>Forgot your password?</h1>
        {sent ? (
          <p role="status">
            If an account uses that address, we have sent it a link to choose a new password. The
            link works once, for 30 minutes.
          </p>
        ) : (
          <>
            <p className="muted">Enter your account's email address and we'll send you a link.</p>
            <ProblemAlert error={problem} title="We couldn't send the link" />
            <form onSubmit={submit} noValidate className="form-grid form-grid--1">
              <TextField
                label="Email"
                error={errors.email}
                type="email"
                name="email"
                autoComplete="username"
                value={email}
                onChange={(e) => setEmail(e.target.value)}
              />
              <SubmitButton busy={busy} block>
                Send reset link
              </SubmitButton>
            </form>
          </>
        )}
      </div>
      <p className="muted auth-switch">
        Remembered it? <Link to="/sign-in">Sign in</Link>
      </p>
    </div>
  );
}

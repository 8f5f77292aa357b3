import { useState, type FormEvent } from "react";
import { Link, useSearchParams } from "react-router";
import { TextField } from "@/lib/ui/Field";
import { ProblemAlert } from "@/lib/ui/ProblemAlert";
import { usePageTitle } from "@/lib/ui/usePageTitle";
import { useSubmission, type FieldErrors } from "@/lib/ui/useSubmission";
import { SubmitButton } from "@/lib/ui/SubmitButton";
import { authApi } from "../api/auth";

/** The page a reset link opens: choose a new password (every sign-in of the account ends). */
export default function ResetPasswordPage() {
  usePageTitle("Choose a new password");
  const [params] = useSearchParams();
  const token = params.get("token") ?? "";
  const [password, setPassword] = useState("");
  const [done, setDone] = useState(false);
  const { errors, problem, busy, submit: send } = useSubmission();

  function submit(e: FormEvent) {
    e.preventDefault();
    const local: FieldErrors = {};
    if (password.length < 12) local.newPassword = "Use at least 12 characters.";
    void send(local, async () => {
      await authApi.resetPassword({ token, newPassword: password });
      setDone(true);
    });
  }

  return (
    <div className="narrow">
      <div className="card">
        <h1>Choose a new password</h1>
        {!token ? (
          <p role="alert">
            This page needs the link from the reset message.{" "}
            <Link to="/forgot-password">Ask for a new link</Link>.
          </p>
        ) : done ? (
          <p role="status">
            Your password was changed and you were signed out everywhere.{" "}
            <Link to="/sign-in">Sign in with the new password</Link>.
          </p>
        ) : (
          <>
            <ProblemAlert error={problem} title="We couldn't change the password" />
            {errors.token && (
              <p role="alert">
                The link {errors.token} <Link to="/forgot-password">Ask for a new link</Link>.
              </p>
            )}
            <form onSubmit={submit} noValidate className="form-grid form-grid--1">
              <TextField
                label="New password"
                hint="At least 12 characters; a few unrelated words work well."
                error={errors.newPassword}
                type="password"
                name="newPassword"
                autoComplete="new-password"
                value={password}
                onChange={(e) => setPassword(e.target.value)}
              />
              <SubmitButton busy={busy} block>
                Set new password
              </SubmitButton>
            </form>
          </>
        )}
      </div>
    </div>
  );
}

import { useState, type FormEvent } from "react";
import { Link, Navigate, useLocation, useNavigate } from "react-router";
import { TextField } from "@/lib/ui/Field";
import { ProblemAlert } from "@/lib/ui/ProblemAlert";
import { usePageTitle } from "@/lib/ui/usePageTitle";
import { useSubmission, type FieldErrors } from "@/lib/ui/useSubmission";
import { useSession } from "../hooks/useSession";

export default function SignInPage() {
  usePageTitle("Sign in");
  const session = useSession();
  const navigate = useNavigate();
  const location = useLocation();
  const from = (location.state as { from?: string } | null)?.from ?? "/account";
  const [email, setEmail] = useState("");
  const [password, setPassword] = useState("");
  const { errors, problem, busy, submit: send } = useSubmission();

  if (session.status === "authenticated" && !busy) return <Navigate to={from} replace />;

  function submit(e: FormEvent) {
    e.preventDefault();
    const local: FieldErrors = {};
    if (!email.trim()) local.email = "Enter your email address.";
    if (!password) local.password = "Enter your password.";
    void send(local, async () => {
      await session.signIn(email.trim(), password);
      navigate(from, { replace: true });
    });
  }

  return (
    <div className="narrow">
      <div className="card">
        <h1>Sign in</h1>
        <p className="muted">Welcome back. Sign in to see your account.</p>
        <ProblemAlert error={problem} title="We couldn't sign you in" />
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
          <TextField
            label="Password"
            error={errors.password}
            type="password"
            name="password"
            autoComplete="current-password"
            value={password}
            onChange={(e) => setPassword(e.target.value)}
          />
          <button className="btn btn--primary btn--block" type="submit" disabled={busy}>
            {busy && <span className="spinner" aria-hidden="true" />}
            Sign in
          </button>
        </form>
      </div>
      <p className="muted auth-switch">
        <Link to="/forgot-password">Forgot your password?</Link>
      </p>
      <p className="muted auth-switch">
        New to Loan Engine? <Link to="/sign-up">Open an account</Link>
      </p>
    </div>
  );
}

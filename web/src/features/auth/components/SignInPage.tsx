import { useState, type FormEvent } from "react";
import { Link, Navigate, useLocation, useNavigate } from "react-router";
import { ApiError } from "../../../lib/api/problem";
import { Field } from "../../../lib/ui/Field";
import { ProblemAlert } from "../../../lib/ui/ProblemAlert";
import { usePageTitle } from "../../../lib/ui/usePageTitle";
import { useSession } from "../hooks/useSession";

export default function SignInPage() {
  usePageTitle("Sign in");
  const session = useSession();
  const navigate = useNavigate();
  const location = useLocation();
  const from = (location.state as { from?: string } | null)?.from ?? "/account";
  const [email, setEmail] = useState("");
  const [password, setPassword] = useState("");
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [problem, setProblem] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);

  if (session.status === "authenticated" && !busy) return <Navigate to={from} replace />;

  async function submit(e: FormEvent) {
    e.preventDefault();
    const local: Record<string, string> = {};
    if (!email.trim()) local.email = "Enter your email address.";
    if (!password) local.password = "Enter your password.";
    setErrors(local);
    setProblem(null);
    if (Object.keys(local).length) return;
    setBusy(true);
    try {
      await session.signIn(email.trim(), password);
      navigate(from, { replace: true });
    } catch (error) {
      setErrors(error instanceof ApiError ? error.fieldErrors : {});
      setProblem(error);
    } finally {
      setBusy(false);
    }
  }

  return (
    <div className="narrow">
      <div className="card">
        <h1>Sign in</h1>
        <p className="muted">Welcome back. Sign in to see your account.</p>
        <ProblemAlert error={problem} title="We couldn't sign you in" />
        <form onSubmit={submit} noValidate className="form-grid form-grid--1">
          <Field label="Email" error={errors.email}>
            {(p) => (
              <input
                {...p}
                className="input"
                type="email"
                name="email"
                autoComplete="username"
                value={email}
                onChange={(e) => setEmail(e.target.value)}
              />
            )}
          </Field>
          <Field label="Password" error={errors.password}>
            {(p) => (
              <input
                {...p}
                className="input"
                type="password"
                name="password"
                autoComplete="current-password"
                value={password}
                onChange={(e) => setPassword(e.target.value)}
              />
            )}
          </Field>
          <button className="btn btn--primary btn--block" type="submit" disabled={busy}>
            {busy && <span className="spinner" aria-hidden="true" />}
            Sign in
          </button>
        </form>
      </div>
      <p className="muted auth-switch">
        New to Loan Engine? <Link to="/sign-up">Open an account</Link>
      </p>
    </div>
  );
}

import { useCallback, useState, type FormEvent } from "react";
import { Link, Navigate, useLocation, useNavigate } from "react-router";
import { TextField } from "@/lib/ui/Field";
import { ProblemAlert } from "@/lib/ui/ProblemAlert";
import { usePageTitle } from "@/lib/ui/usePageTitle";
import { useSubmission, type FieldErrors } from "@/lib/ui/useSubmission";
import { SubmitButton } from "@/lib/ui/SubmitButton";
import type { MfaStep, TokenResponse } from "../api/auth";
import { useSession } from "../hooks/useSession";
import { ChallengeForm, EnrolmentForm } from "./SecondFactor";

export default function SignInPage() {
  usePageTitle("Sign in");
  const session = useSession();
  const navigate = useNavigate();
  const location = useLocation();
  const from = (location.state as { from?: string } | null)?.from ?? "/account";
  const [email, setEmail] = useState("");
  const [password, setPassword] = useState("");
  const { errors, problem, busy, submit: send } = useSubmission();
  const [step, setStep] = useState<MfaStep | null>(null);
  const [expired, setExpired] = useState(false);
  const { accept } = session;
  const onSignedIn = useCallback(
    async (tokens: TokenResponse) => {
      await accept(tokens);
      navigate(from, { replace: true });
    },
    [accept, navigate, from],
  );
  const onExpired = useCallback(() => {
    setStep(null);
    setPassword("");
    setExpired(true);
  }, []);

  if (session.status === "authenticated" && !busy && !step) return <Navigate to={from} replace />;

  function submit(e: FormEvent) {
    e.preventDefault();
    const local: FieldErrors = {};
    if (!email.trim()) local.email = "Enter your email address.";
    if (!password) local.password = "Enter your password.";
    setExpired(false);
    void send(local, async () => {
      const next = await session.signIn(email.trim(), password);
      if (next) setStep(next);
      else navigate(from, { replace: true });
    });
  }

  if (step)
    return (
      <div className="narrow">
        <div className="card">
          {step.step === "challenge" ? (
            <ChallengeForm step={step} onSignedIn={onSignedIn} onExpired={onExpired} />
          ) : (
            <EnrolmentForm step={step} onSignedIn={onSignedIn} onExpired={onExpired} />
          )}
        </div>
      </div>
    );

  return (
    <div className="narrow">
      <div className="card">
        <h1>Sign in</h1>
        {expired && (
          <div className="alert alert--error" role="alert">
            <p className="alert__title">That sign-in step has expired. Sign in again.</p>
          </div>
        )}
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
          <SubmitButton busy={busy} block>
            Sign in
          </SubmitButton>
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

import { useState, type FormEvent } from "react";
import { Link, Navigate, useNavigate } from "react-router";
import { ApiError } from "../../../lib/api/problem";
import { Field } from "../../../lib/ui/Field";
import { ProblemAlert } from "../../../lib/ui/ProblemAlert";
import { usePageTitle } from "../../../lib/ui/usePageTitle";
import { useSession } from "../hooks/useSession";

export const MIN_PASSWORD_LENGTH = 12;

export default function SignUpPage() {
  usePageTitle("Open an account");
  const session = useSession();
  const navigate = useNavigate();
  const [form, setForm] = useState({ displayName: "", email: "", password: "", confirm: "" });
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [problem, setProblem] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);

  if (session.status === "authenticated" && !busy) return <Navigate to="/account" replace />;

  const set = (key: keyof typeof form) => (e: React.ChangeEvent<HTMLInputElement>) =>
    setForm((f) => ({ ...f, [key]: e.target.value }));

  async function submit(e: FormEvent) {
    e.preventDefault();
    const local: Record<string, string> = {};
    if (!form.displayName.trim()) local.displayName = "Enter your name.";
    if (!/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(form.email.trim())) {
      local.email = "Enter an email address like name@example.com.";
    }
    if (form.password.length < MIN_PASSWORD_LENGTH) {
      local.password = `Use at least ${MIN_PASSWORD_LENGTH} characters.`;
    }
    if (form.confirm !== form.password) local.confirm = "The passwords don't match.";
    setErrors(local);
    setProblem(null);
    if (Object.keys(local).length) return;
    setBusy(true);
    try {
      await session.signUp({
        displayName: form.displayName.trim(),
        email: form.email.trim(),
        password: form.password,
      });
      navigate("/account", { replace: true });
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
        <h1>Open an account</h1>
        <p className="muted">Save time on your application: your details are kept for you.</p>
        <ProblemAlert error={problem} title="We couldn't open your account" />
        <form onSubmit={submit} noValidate className="form-grid form-grid--1">
          <Field label="Full name" error={errors.displayName}>
            {(p) => (
              <input
                {...p}
                className="input"
                name="displayName"
                autoComplete="name"
                value={form.displayName}
                onChange={set("displayName")}
              />
            )}
          </Field>
          <Field label="Email" error={errors.email}>
            {(p) => (
              <input
                {...p}
                className="input"
                type="email"
                name="email"
                autoComplete="email"
                value={form.email}
                onChange={set("email")}
              />
            )}
          </Field>
          <Field
            label="Password"
            error={errors.password}
            hint={`At least ${MIN_PASSWORD_LENGTH} characters. A passphrase of a few words works well.`}
          >
            {(p) => (
              <input
                {...p}
                className="input"
                type="password"
                name="password"
                autoComplete="new-password"
                value={form.password}
                onChange={set("password")}
              />
            )}
          </Field>
          <Field label="Confirm password" error={errors.confirm}>
            {(p) => (
              <input
                {...p}
                className="input"
                type="password"
                name="confirm"
                autoComplete="new-password"
                value={form.confirm}
                onChange={set("confirm")}
              />
            )}
          </Field>
          <button className="btn btn--primary btn--block" type="submit" disabled={busy}>
            {busy && <span className="spinner" aria-hidden="true" />}
            Open account
          </button>
        </form>
      </div>
      <p className="muted auth-switch">
        Already have an account? <Link to="/sign-in">Sign in</Link>
      </p>
    </div>
  );
}

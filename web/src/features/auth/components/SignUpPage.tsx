import { useState, type FormEvent } from "react";
import { Link, Navigate, useNavigate } from "react-router";
import { TextField } from "@/lib/ui/Field";
import { ProblemAlert } from "@/lib/ui/ProblemAlert";
import { usePageTitle } from "@/lib/ui/usePageTitle";
import { useSubmission, type FieldErrors } from "@/lib/ui/useSubmission";
import { SubmitButton } from "@/lib/ui/SubmitButton";
import { useSession } from "../hooks/useSession";

export const MIN_PASSWORD_LENGTH = 12;

export default function SignUpPage() {
  usePageTitle("Open an account");
  const session = useSession();
  const navigate = useNavigate();
  const [form, setForm] = useState({ displayName: "", email: "", password: "", confirm: "" });
  const { errors, problem, busy, submit: send } = useSubmission();

  if (session.status === "authenticated" && !busy) return <Navigate to="/account" replace />;

  const set = (key: keyof typeof form) => (e: React.ChangeEvent<HTMLInputElement>) =>
    setForm((f) => ({ ...f, [key]: e.target.value }));

  function submit(e: FormEvent) {
    e.preventDefault();
    const local: FieldErrors = {};
    if (!form.displayName.trim()) local.displayName = "Enter your name.";
    if (!/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(form.email.trim())) {
      local.email = "Enter an email address like name@example.com.";
    }
    if (form.password.length < MIN_PASSWORD_LENGTH) {
      local.password = `Use at least ${MIN_PASSWORD_LENGTH} characters.`;
    }
    if (form.confirm !== form.password) local.confirm = "The passwords don't match.";
    void send(local, async () => {
      await session.signUp({
        displayName: form.displayName.trim(),
        email: form.email.trim(),
        password: form.password,
      });
      navigate("/account", { replace: true });
    });
  }

  return (
    <div className="narrow">
      <div className="card">
        <h1>Open an account</h1>
        <p className="muted">Save time on your application: your details are kept for you.</p>
        <ProblemAlert error={problem} title="We couldn't open your account" />
        <form onSubmit={submit} noValidate className="form-grid form-grid--1">
          <TextField
            label="Full name"
            error={errors.displayName}
            name="displayName"
            autoComplete="name"
            value={form.displayName}
            onChange={set("displayName")}
          />
          <TextField
            label="Email"
            error={errors.email}
            type="email"
            name="email"
            autoComplete="email"
            value={form.email}
            onChange={set("email")}
          />
          <TextField
            label="Password"
            error={errors.password}
            hint={`At least ${MIN_PASSWORD_LENGTH} characters. A passphrase of a few words works well.`}
            type="password"
            name="password"
            autoComplete="new-password"
            value={form.password}
            onChange={set("password")}
          />
          <TextField
            label="Confirm password"
            error={errors.confirm}
            type="password"
            name="confirm"
            autoComplete="new-password"
            value={form.confirm}
            onChange={set("confirm")}
          />
          <SubmitButton busy={busy} block>
            Open account
          </SubmitButton>
        </form>
      </div>
      <p className="muted auth-switch">
        Already have an account? <Link to="/sign-in">Sign in</Link>
      </p>
    </div>
  );
}

import { useMutation } from "@tanstack/react-query";
import { useState, type FormEvent } from "react";
import { ApiError } from "../../../lib/api/problem";
import { formatDate } from "../../../lib/format";
import { TextField } from "../../../lib/ui/Field";
import { ProblemAlert } from "../../../lib/ui/ProblemAlert";
import { usePageTitle } from "../../../lib/ui/usePageTitle";
import { authApi } from "../api/auth";
import { useSession } from "../hooks/useSession";
import { MIN_PASSWORD_LENGTH } from "./SignUpPage";

export default function AccountPage() {
  usePageTitle("Your account");
  const { user } = useSession();
  if (!user) return null;
  return (
    <div className="account">
      <header className="page-header">
        <h1>Your account</h1>
        <p>Your profile and sign-in settings.</p>
      </header>
      <div className="account__grid">
        <section className="card" aria-labelledby="profile-heading">
          <h2 id="profile-heading">Profile</h2>
          <dl className="details">
            {user.displayName && (
              <div>
                <dt>Name</dt>
                <dd data-testid="profile-name">{user.displayName}</dd>
              </div>
            )}
            <div>
              <dt>Email</dt>
              <dd data-testid="profile-email">{user.email}</dd>
            </div>
            <div>
              <dt>Email confirmed</dt>
              <dd>{user.emailVerified ? "Yes" : <ResendVerification />}</dd>
            </div>
            <div>
              <dt>Role</dt>
              <dd>
                {user.roles.map((r) => (
                  <span className="badge" key={r}>
                    {r}
                  </span>
                ))}
              </dd>
            </div>
            {user.createdAt && (
              <div>
                <dt>Member since</dt>
                <dd>{formatDate(user.createdAt.slice(0, 10))}</dd>
              </div>
            )}
          </dl>
        </section>
        <ChangePasswordForm />
      </div>
    </div>
  );
}

/** Not confirmed yet: offer a new confirmation link (the old one stops working). */
function ResendVerification() {
  const resend = useMutation({ mutationFn: authApi.resendVerification });
  if (resend.isSuccess)
    return <span role="status">Not yet. We sent a new link to this address.</span>;
  return (
    <>
      Not yet.{" "}
      <button
        className="btn btn--ghost btn--small"
        type="button"
        disabled={resend.isPending}
        onClick={() => resend.mutate()}
      >
        Send a new confirmation link
      </button>
      <ProblemAlert error={resend.error} title="We couldn't send the link" />
    </>
  );
}

function ChangePasswordForm() {
  const [form, setForm] = useState({ currentPassword: "", newPassword: "", confirm: "" });
  const [errors, setErrors] = useState<Record<string, string>>({});
  const change = useMutation({
    mutationFn: authApi.changePassword,
    onSuccess: () => setForm({ currentPassword: "", newPassword: "", confirm: "" }),
    onError: (error) => setErrors(error instanceof ApiError ? error.fieldErrors : {}),
  });
  const set = (key: keyof typeof form) => (e: React.ChangeEvent<HTMLInputElement>) =>
    setForm((f) => ({ ...f, [key]: e.target.value }));

  function submit(e: FormEvent) {
    e.preventDefault();
    const local: Record<string, string> = {};
    if (!form.currentPassword) local.currentPassword = "Enter your current password.";
    if (form.newPassword.length < MIN_PASSWORD_LENGTH) {
      local.newPassword = `Use at least ${MIN_PASSWORD_LENGTH} characters.`;
    }
    if (form.confirm !== form.newPassword) local.confirm = "The passwords don't match.";
    setErrors(local);
    change.reset();
    if (Object.keys(local).length === 0) {
      change.mutate({ currentPassword: form.currentPassword, newPassword: form.newPassword });
    }
  }

  return (
    <section className="card" aria-labelledby="password-heading">
      <h2 id="password-heading">Change password</h2>
      {change.isSuccess && (
        <div className="alert alert--success" role="status">
          <p className="alert__title">Your password has been changed.</p>
        </div>
      )}
      <ProblemAlert error={change.error} title="We couldn't change your password" />
      <form onSubmit={submit} noValidate className="form-grid form-grid--1">
        <TextField
          label="Current password"
          error={errors.currentPassword}
          type="password"
          autoComplete="current-password"
          value={form.currentPassword}
          onChange={set("currentPassword")}
        />
        <TextField
          label="New password"
          error={errors.newPassword}
          hint={`At least ${MIN_PASSWORD_LENGTH} characters.`}
          type="password"
          autoComplete="new-password"
          value={form.newPassword}
          onChange={set("newPassword")}
        />
        <TextField
          label="Confirm new password"
          error={errors.confirm}
          type="password"
          autoComplete="new-password"
          value={form.confirm}
          onChange={set("confirm")}
        />
        <div>
          <button className="btn btn--primary" type="submit" disabled={change.isPending}>
            {change.isPending && <span className="spinner" aria-hidden="true" />}
            Change password
          </button>
        </div>
      </form>
    </section>
  );
}

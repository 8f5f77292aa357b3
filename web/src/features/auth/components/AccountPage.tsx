import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState, type FormEvent } from "react";
import { ApiError } from "@/lib/api/problem";
import { formatDate } from "@/lib/format";
import { TextField } from "@/lib/ui/Field";
import { ProblemAlert } from "@/lib/ui/ProblemAlert";
import { usePageTitle } from "@/lib/ui/usePageTitle";
import { SubmitButton } from "@/lib/ui/SubmitButton";
import { authApi } from "../api/auth";
import { useSession } from "../hooks/useSession";
import { ChangeEmailForm, TwoStepSignIn } from "./AccountSecurity";
import { MIN_PASSWORD_LENGTH } from "./SignUpPage";

export default function AccountPage() {
  usePageTitle("Your account");
  const { user } = useSession();
  const [name, setName] = useState(user?.displayName ?? "");
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
            {name && (
              <div>
                <dt>Name</dt>
                <dd data-testid="profile-name">{name}</dd>
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
        <NameForm name={name} onSaved={setName} />
        <ChangePasswordForm />
        <TwoStepSignIn />
        <ChangeEmailForm current={user.email} />
        <SignIns />
      </div>
    </div>
  );
}

function NameForm({ name, onSaved }: { name: string; onSaved: (name: string) => void }) {
  const [value, setValue] = useState(name);
  const [error, setError] = useState<string | undefined>();
  const save = useMutation({
    mutationFn: authApi.updateProfile,
    onSuccess: (user) => onSaved(user.displayName),
    onError: (e) => setError(e instanceof ApiError ? e.fieldErrors.displayName : undefined),
  });

  function submit(e: FormEvent) {
    e.preventDefault();
    save.reset();
    if (!value.trim()) {
      setError("Enter your name.");
      return;
    }
    setError(undefined);
    save.mutate({ displayName: value.trim() });
  }

  return (
    <section className="card" aria-labelledby="name-heading">
      <h2 id="name-heading">Your name</h2>
      {save.isSuccess && (
        <div className="alert alert--success" role="status">
          <p className="alert__title">Your name has been saved.</p>
        </div>
      )}
      <ProblemAlert error={save.error} title="We couldn't save your name" />
      <form onSubmit={submit} noValidate className="form-grid form-grid--1">
        <TextField
          label="Full name"
          error={error}
          autoComplete="name"
          value={value}
          onChange={(e) => setValue(e.target.value)}
        />
        <div>
          <button className="btn btn--primary" type="submit" disabled={save.isPending}>
            Save name
          </button>
        </div>
      </form>
    </section>
  );
}

/** Every sign-in that still works; any but this one can be ended (its tokens stop working at once). */
function SignIns() {
  const queryClient = useQueryClient();
  const signIns = useQuery({ queryKey: ["auth", "sign-ins"], queryFn: authApi.signIns });
  const end = useMutation({
    mutationFn: authApi.endSignIn,
    onSuccess: () => queryClient.invalidateQueries({ queryKey: ["auth", "sign-ins"] }),
  });
  return (
    <section className="card" aria-labelledby="sign-ins-heading">
      <h2 id="sign-ins-heading">Where you're signed in</h2>
      <ProblemAlert error={signIns.error ?? end.error} title="We couldn't load or end a sign-in" />
      {signIns.data && (
        <div className="table-wrap" tabIndex={0} role="region" aria-labelledby="sign-ins-heading">
          <table className="data">
            <thead>
              <tr>
                <th scope="col">Device</th>
                <th scope="col">Address</th>
                <th scope="col">Started</th>
                <th scope="col">Last used</th>
                <th scope="col">
                  <span className="visually-hidden">Action</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {signIns.data.items.map((s) => (
                <tr key={s.id} data-testid="sign-in">
                  <td>{s.device ?? "Unknown device"}</td>
                  <td>{s.address ?? "Unknown"}</td>
                  <td>{new Date(s.startedAt).toLocaleString()}</td>
                  <td>{new Date(s.lastUsedAt).toLocaleString()}</td>
                  <td>
                    {s.current ? (
                      <span className="badge">This browser</span>
                    ) : (
                      <button
                        className="btn btn--ghost btn--small"
                        type="button"
                        disabled={end.isPending}
                        onClick={() => end.mutate(s.id)}
                      >
                        End
                      </button>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
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
          <SubmitButton busy={change.isPending}>Change password</SubmitButton>
        </div>
      </form>
    </section>
  );
}

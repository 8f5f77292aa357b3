import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState, type FormEvent } from "react";
import { ApiError } from "@/lib/api/problem";
import { TextField } from "@/lib/ui/Field";
import { ProblemAlert } from "@/lib/ui/ProblemAlert";
import { authApi } from "../api/auth";
import { readCode } from "../authCode";
import { CodeField, RecoveryCodes, SetupDetails } from "./SecondFactor";

const MFA_KEY = ["auth", "mfa"];

/** Two-step sign-in on the account page: its status; set up (borrowers, or staff setting a new one up
 * is not offered: theirs is on from the first sign-in); new recovery codes; turn off (borrowers). */
export function TwoStepSignIn() {
  const queryClient = useQueryClient();
  const status = useQuery({ queryKey: MFA_KEY, queryFn: authApi.mfaStatus });
  const [codes, setCodes] = useState<string[] | null>(null);
  const refresh = () => queryClient.invalidateQueries({ queryKey: MFA_KEY });

  return (
    <section className="card" aria-labelledby="mfa-heading">
      <h2 id="mfa-heading">Two-step sign-in</h2>
      <ProblemAlert error={status.error} title="We couldn't load your two-step sign-in" />
      {codes ? (
        <RecoveryCodes codes={codes} done="Done" onDone={() => setCodes(null)} />
      ) : status.data?.enabled ? (
        <>
          <p data-testid="mfa-status">
            On since {new Date(status.data.enabledAt ?? "").toLocaleDateString()}.{" "}
            {status.data.recoveryCodesLeft} recovery code
            {status.data.recoveryCodesLeft === 1 ? "" : "s"} left.
          </p>
          <ManageMfa
            required={status.data.required}
            onCodes={(c) => {
              setCodes(c);
              void refresh();
            }}
            onDisabled={() => void refresh()}
          />
        </>
      ) : status.data ? (
        <>
          <p data-testid="mfa-status">
            Off. With it on, signing in also needs a code from an authenticator app on your phone.
          </p>
          <SetUpMfa
            onCodes={(c) => {
              setCodes(c);
              void refresh();
            }}
          />
        </>
      ) : null}
    </section>
  );
}

function SetUpMfa({ onCodes }: { onCodes: (codes: string[]) => void }) {
  const begin = useMutation({ mutationFn: authApi.mfaBegin });
  const [code, setCode] = useState("");
  const [error, setError] = useState<string | undefined>();
  const confirm = useMutation({
    mutationFn: authApi.mfaConfirm,
    onSuccess: (r) => onCodes(r.codes),
    onError: (e) => setError(e instanceof ApiError ? e.fieldErrors.code : undefined),
  });

  function submit(e: FormEvent) {
    e.preventDefault();
    confirm.reset();
    const typed = readCode(code);
    setError(typed.error);
    if (!typed.error) confirm.mutate({ code: typed.code });
  }

  if (!begin.data)
    return (
      <>
        <ProblemAlert error={begin.error} title="We couldn't start the setup" />
        <button
          className="btn btn--primary"
          type="button"
          disabled={begin.isPending}
          onClick={() => begin.mutate()}
        >
          Set up two-step sign-in
        </button>
      </>
    );
  return (
    <>
      <p>Add this account to your authenticator app, then type the code it shows.</p>
      <SetupDetails setup={begin.data} />
      <ProblemAlert error={confirm.error} title="We couldn't turn on two-step sign-in" />
      <form onSubmit={submit} noValidate className="form-grid form-grid--1">
        <CodeField error={error} value={code} onChange={(e) => setCode(e.target.value)} />
        <div>
          <button className="btn btn--primary" type="submit" disabled={confirm.isPending}>
            Turn on
          </button>
        </div>
      </form>
    </>
  );
}

/** A current code proves it is the person: it is needed for new recovery codes and to turn it off. */
function ManageMfa({
  required,
  onCodes,
  onDisabled,
}: {
  required: boolean;
  onCodes: (codes: string[]) => void;
  onDisabled: () => void;
}) {
  const [code, setCode] = useState("");
  const [error, setError] = useState<string | undefined>();
  const onError = (e: unknown) => setError(e instanceof ApiError ? e.fieldErrors.code : undefined);
  const regenerate = useMutation({
    mutationFn: authApi.mfaRecoveryCodes,
    onSuccess: (r) => onCodes(r.codes),
    onError,
  });
  const disable = useMutation({ mutationFn: authApi.mfaDisable, onSuccess: onDisabled, onError });

  function run(action: "regenerate" | "disable") {
    regenerate.reset();
    disable.reset();
    const typed = readCode(code);
    setError(typed.error);
    if (!typed.error) (action === "regenerate" ? regenerate : disable).mutate({ code: typed.code });
  }

  return (
    <>
      <ProblemAlert error={regenerate.error ?? disable.error} title="That didn't work" />
      <form
        onSubmit={(e) => {
          e.preventDefault();
          run("regenerate");
        }}
        noValidate
        className="form-grid form-grid--1"
      >
        <CodeField
          label="Current authentication code"
          hint={required ? "Two-step sign-in is required for staff accounts." : undefined}
          error={error}
          value={code}
          onChange={(e) => setCode(e.target.value)}
        />
        <div className="actions">
          <button className="btn btn--primary" type="submit" disabled={regenerate.isPending}>
            Make new recovery codes
          </button>{" "}
          {!required && (
            <button
              className="btn btn--ghost"
              type="button"
              disabled={disable.isPending}
              onClick={() => run("disable")}
            >
              Turn off
            </button>
          )}
        </div>
      </form>
    </>
  );
}

/** Change the email: a link goes to the new address; the account keeps the current one until then. */
export function ChangeEmailForm({ current }: { current: string }) {
  const [form, setForm] = useState({ newEmail: "", password: "" });
  const [errors, setErrors] = useState<Record<string, string>>({});
  const change = useMutation({
    mutationFn: authApi.changeEmail,
    onSuccess: () => setForm({ newEmail: "", password: "" }),
    onError: (error) => setErrors(error instanceof ApiError ? error.fieldErrors : {}),
  });

  function submit(e: FormEvent) {
    e.preventDefault();
    const local: Record<string, string> = {};
    if (!/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(form.newEmail.trim()))
      local.newEmail = "Enter an email address.";
    if (!form.password) local.password = "Enter your password.";
    setErrors(local);
    change.reset();
    if (Object.keys(local).length === 0)
      change.mutate({ newEmail: form.newEmail.trim(), password: form.password });
  }

  return (
    <section className="card" aria-labelledby="email-heading">
      <h2 id="email-heading">Change email</h2>
      {change.data && (
        <div className="alert alert--success" role="status">
          <p className="alert__title">Check your inbox at {change.data.pendingEmail}.</p>
          <p>Open the link we sent there to confirm it. Until then, your email stays {current}.</p>
        </div>
      )}
      <ProblemAlert error={change.error} title="We couldn't change your email" />
      <form onSubmit={submit} noValidate className="form-grid form-grid--1">
        <TextField
          label="New email"
          error={errors.newEmail}
          type="email"
          autoComplete="email"
          value={form.newEmail}
          onChange={(e) => setForm((f) => ({ ...f, newEmail: e.target.value }))}
        />
        <TextField
          label="Your password"
          hint="Needed to change the address your account signs in with."
          error={errors.password}
          type="password"
          autoComplete="current-password"
          value={form.password}
          onChange={(e) => setForm((f) => ({ ...f, password: e.target.value }))}
        />
        <div>
          <button className="btn btn--primary" type="submit" disabled={change.isPending}>
            Send confirmation link
          </button>
        </div>
      </form>
    </section>
  );
}

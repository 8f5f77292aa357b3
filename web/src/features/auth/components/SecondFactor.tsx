import { useEffect, useState, type ComponentProps, type FormEvent } from "react";
import { ApiError } from "@/lib/api/problem";
import { TextField } from "@/lib/ui/Field";
import { ProblemAlert } from "@/lib/ui/ProblemAlert";
import { SubmitButton } from "@/lib/ui/SubmitButton";
import { useSubmission, type FieldErrors } from "@/lib/ui/useSubmission";
import { authApi, type MfaSetup, type MfaStep, type TokenResponse } from "../api/auth";
import { readCode } from "../authCode";

/** The step expired or was already used: the person has to start the sign-in again. */
function stepExpired(error: unknown): boolean {
  return error instanceof ApiError && error.status === 401;
}

/** Answers a step: when it has expired, `onExpired` sends the person back to the password; the
 * error still reaches the form. */
async function answer(call: () => Promise<void>, onExpired: () => void): Promise<void> {
  try {
    await call();
  } catch (error) {
    if (stepExpired(error)) onExpired();
    throw error;
  }
}

/** The field for a code from an authenticator app: six digits (seven characters with a space). */
export function CodeField({
  label = "Authentication code",
  ...props
}: Omit<ComponentProps<typeof TextField>, "label"> & { label?: string }) {
  return (
    <TextField
      label={label}
      inputMode="numeric"
      autoComplete="one-time-code"
      maxLength={7}
      {...props}
    />
  );
}

/** The second step of a sign-in: a code from the authenticator app, or one of the recovery codes. */
export function ChallengeForm({
  step,
  onSignedIn,
  onExpired,
}: {
  step: MfaStep;
  onSignedIn: (session: TokenResponse) => Promise<void>;
  onExpired: () => void;
}) {
  const [recovery, setRecovery] = useState(false);
  const [value, setValue] = useState("");
  const { errors, problem, busy, submit: send } = useSubmission();

  function submit(e: FormEvent) {
    e.preventDefault();
    const entered = value.trim();
    const typed = readCode(entered);
    const local: FieldErrors = {};
    if (!recovery && typed.error) local.code = typed.error;
    if (recovery && entered.length < 16) local.recoveryCode = "Enter one of your recovery codes.";
    const body = recovery
      ? { mfaToken: step.mfaToken, recoveryCode: entered }
      : { mfaToken: step.mfaToken, code: typed.code };
    void send(local, () =>
      answer(async () => onSignedIn(await authApi.loginCode(body)), onExpired),
    );
  }

  return (
    <>
      <h1>Two-step sign-in</h1>
      <p className="muted">
        {recovery
          ? "Enter one of the recovery codes you saved. Each code works once."
          : "Enter the 6-digit code from your authenticator app."}
      </p>
      <ProblemAlert error={problem} title="We couldn't sign you in" />
      <form onSubmit={submit} noValidate className="form-grid form-grid--1">
        {recovery ? (
          <TextField
            key="recovery"
            label="Recovery code"
            error={errors.recoveryCode}
            autoComplete="off"
            spellCheck={false}
            value={value}
            onChange={(e) => setValue(e.target.value)}
          />
        ) : (
          <CodeField
            key="code"
            error={errors.code}
            value={value}
            onChange={(e) => setValue(e.target.value)}
          />
        )}
        <SubmitButton busy={busy} block>
          Verify
        </SubmitButton>
      </form>
      <p className="muted auth-switch">
        <button
          className="btn btn--ghost btn--small"
          type="button"
          onClick={() => {
            setRecovery((r) => !r);
            setValue("");
          }}
        >
          {recovery ? "Use a code from the app instead" : "Use a recovery code"}
        </button>
      </p>
    </>
  );
}

/** The secret of a new authenticator, as text and as the otpauth URI an app can open. */
export function SetupDetails({ setup }: { setup: MfaSetup }) {
  return (
    <dl className="details">
      <div>
        <dt>Secret key</dt>
        <dd>
          <code data-testid="mfa-secret">{setup.secret.replace(/(.{4})/g, "$1 ").trim()}</code>
        </dd>
      </div>
      <div>
        <dt>Setup link</dt>
        <dd>
          <a href={setup.otpauthUri} data-testid="mfa-uri">
            Open in an authenticator app
          </a>
          <br />
          <small className="muted">
            <code style={{ wordBreak: "break-all" }}>{setup.otpauthUri}</code>
          </small>
        </dd>
      </div>
    </dl>
  );
}

/** Recovery codes, shown once: the person confirms they saved them before going on. */
export function RecoveryCodes({
  codes,
  onDone,
  done,
}: {
  codes: string[];
  onDone: () => void;
  done: string;
}) {
  return (
    <div>
      <div className="alert alert--success" role="status">
        <p className="alert__title">Two-step sign-in is on.</p>
        <p>
          Save these recovery codes somewhere safe. Each works once, if you lose your phone. They
          are shown only now.
        </p>
      </div>
      <ul className="recovery-codes" data-testid="recovery-codes">
        {codes.map((c) => (
          <li key={c}>
            <code>{c}</code>
          </li>
        ))}
      </ul>
      <button className="btn btn--primary" type="button" onClick={onDone}>
        {done}
      </button>
    </div>
  );
}

/** A staff member's first sign-in: set up an authenticator app, confirm it with a code, save the
 * recovery codes; the session starts after that. */
export function EnrolmentForm({
  step,
  onSignedIn,
  onExpired,
}: {
  step: MfaStep;
  onSignedIn: (session: TokenResponse) => Promise<void>;
  onExpired: () => void;
}) {
  const [setup, setSetup] = useState<MfaSetup | null>(null);
  const [loadError, setLoadError] = useState<unknown>(null);
  const [code, setCode] = useState("");
  const [done, setDone] = useState<{ session: TokenResponse; codes: string[] } | null>(null);
  const { errors, problem, busy, submit: send } = useSubmission();

  useEffect(() => {
    let cancelled = false;
    authApi.loginEnrolment({ mfaToken: step.mfaToken }).then(
      (s) => !cancelled && setSetup(s),
      (error: unknown) => {
        if (cancelled) return;
        if (stepExpired(error)) onExpired();
        setLoadError(error);
      },
    );
    return () => {
      cancelled = true;
    };
  }, [step.mfaToken, onExpired]);

  function submit(e: FormEvent) {
    e.preventDefault();
    const typed = readCode(code);
    const local: FieldErrors = typed.error ? { code: typed.error } : {};
    void send(local, () =>
      answer(async () => {
        const { recoveryCodes, ...session } = await authApi.loginEnrolmentConfirm({
          mfaToken: step.mfaToken,
          code: typed.code,
        });
        setDone({ session, codes: recoveryCodes });
      }, onExpired),
    );
  }

  if (done)
    return (
      <>
        <h1>Save your recovery codes</h1>
        <RecoveryCodes
          codes={done.codes}
          done="Continue"
          onDone={() => void onSignedIn(done.session)}
        />
      </>
    );
  return (
    <>
      <h1>Set up two-step sign-in</h1>
      <p className="muted">
        Staff accounts sign in with a password and a code from an authenticator app. Add this
        account to your app (enter the secret key, or open the setup link on your phone), then type
        the code it shows.
      </p>
      <ProblemAlert error={loadError ?? problem} title="We couldn't set up two-step sign-in" />
      {setup && (
        <>
          <SetupDetails setup={setup} />
          <form onSubmit={submit} noValidate className="form-grid form-grid--1">
            <CodeField error={errors.code} value={code} onChange={(e) => setCode(e.target.value)} />
            <SubmitButton busy={busy} block>
              Confirm and sign in
            </SubmitButton>
          </form>
        </>
      )}
    </>
  );
}

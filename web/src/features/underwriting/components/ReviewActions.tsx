import { useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { useSession } from "@/features/auth";
import { formatMoney } from "@/lib/format";
import { ProblemAlert } from "@/lib/ui/ProblemAlert";
import { useSubmission } from "@/lib/ui/useSubmission";
import { underwritingApi } from "../api/underwriting";
import type { ApplicationRead, StaffView } from "../api/types";
import { formatTime, personLabel } from "../model";
import { DecisionForm } from "./DecisionForm";

const REVIEWABLE = new Set(["referred", "declined"]);

/** Staff actions on one application: claim and release (one underwriter at a time), decide, and
 * confirm someone else's override of an automatic decline (four eyes). */
export function ReviewActions({ view }: { view: StaffView }) {
  const session = useSession();
  const client = useQueryClient();
  const [done, setDone] = useState<string | null>(null);
  // Kept here, not in the button: a lost claim race re-renders the card without its button.
  const [problem, setProblem] = useState<unknown>(null);
  const app = view.application;
  const me = session.user?.id;
  const people = new Map((view.people ?? []).map((p) => [p.id, p]));
  const name = (id: string) => personLabel(people.get(id), id);
  const refresh = () => client.invalidateQueries({ queryKey: ["applications"] });
  const finished = async (message: string) => {
    setProblem(null);
    setDone(message);
    await refresh();
  };
  const failed = async (error: unknown) => {
    setDone(null);
    setProblem(error);
    await refresh(); // someone else holds it or confirmed it: show the state as it is now
  };

  let body;
  if (app.review?.pending) {
    body = (
      <OverridePanel
        app={app}
        review={app.review}
        me={me}
        name={name}
        onDone={finished}
        onFail={failed}
      />
    );
  } else if (!REVIEWABLE.has(app.status)) {
    body = <p>No underwriting action: the application is {app.status}.</p>;
  } else if (!app.assigneeId) {
    body = <ClaimButton app={app} onDone={finished} onFail={failed} />;
  } else if (app.assigneeId !== me) {
    body = (
      <p data-testid="claimed-by">
        Claimed by {name(app.assigneeId)}. They decide it, or release it for someone else.
      </p>
    );
  } else {
    body = (
      <>
        <ReleaseButton app={app} onDone={finished} />
        <DecisionForm
          app={app}
          reasons={view.reasonChoices ?? []}
          onDone={(result) =>
            finished(
              result.review?.pending
                ? "Override proposed. It is waiting for a second person to confirm it."
                : `Decision recorded: the application is ${result.status}.`,
            )
          }
        />
      </>
    );
  }
  return (
    <section className="card" aria-labelledby="review-heading">
      <h2 id="review-heading">Underwriting</h2>
      {done && (
        <p className="alert alert--success" role="status">
          {done}
        </p>
      )}
      <ProblemAlert error={problem} />
      {app.review && !app.review.pending && (
        <ReviewRecord app={app} review={app.review} name={name} />
      )}
      {body}
    </section>
  );
}

type Done = (message: string) => Promise<void>;
type Failed = (error: unknown) => Promise<void>;

/** A claim or a confirmation: done, it says `message`; refused (someone else holds the application
 * or confirmed it first), the refusal goes to `onFail`, which shows it with the state as it is now. */
function useReviewAction(onDone: Done, onFail: Failed) {
  const submission = useSubmission();
  function run(call: () => Promise<unknown>, message: string) {
    void submission.submit({}, async () => {
      try {
        await call();
      } catch (error) {
        await onFail(error);
        return;
      }
      await onDone(message);
    });
  }
  return { run, busy: submission.busy };
}

function ClaimButton({
  app,
  onDone,
  onFail,
}: {
  app: ApplicationRead;
  onDone: Done;
  onFail: Failed;
}) {
  const action = useReviewAction(onDone, onFail);
  function claim() {
    // A refusal is a 409 that names who holds it.
    action.run(
      () => underwritingApi.claim(app.id),
      "Claimed: you hold this application until you decide or release it.",
    );
  }
  return (
    <div className="stack">
      <p>Nobody holds this application. Claim it to review and decide it.</p>
      <div>
        <button type="button" className="btn btn--primary" onClick={claim} disabled={action.busy}>
          Claim
        </button>
      </div>
    </div>
  );
}

function ReleaseButton({ app, onDone }: { app: ApplicationRead; onDone: Done }) {
  const submission = useSubmission();
  function release() {
    void submission.submit({}, async () => {
      await underwritingApi.release(app.id);
      await onDone("Released: another underwriter may claim it.");
    });
  }
  return (
    <div className="stack">
      <p>You hold this application.</p>
      <ProblemAlert error={submission.problem} />
      <div>
        <button
          type="button"
          className="btn btn--ghost btn--small"
          onClick={release}
          disabled={submission.busy}
        >
          Release
        </button>
      </div>
    </div>
  );
}

type Review = NonNullable<ApplicationRead["review"]>;

function proposalText(review: Review): string {
  if (review.action === "counteroffer") return "Counter-offer instead of the automatic decline";
  return "Approve, overriding the automatic decline";
}

function OverridePanel({
  app,
  review,
  me,
  name,
  onDone,
  onFail,
}: {
  app: ApplicationRead;
  review: Review;
  me: string | undefined;
  name: (id: string) => string;
  onDone: Done;
  onFail: Failed;
}) {
  const [confirming, setConfirming] = useState(false);
  const action = useReviewAction(onDone, onFail);
  const mine = review.by === me;
  function confirm() {
    action.run(
      () => underwritingApi.confirmOverride(app.id),
      "Override confirmed: the application is approved.",
    );
  }
  return (
    <div className="stack" data-testid="override-waiting">
      <p className="waiting-note">
        <strong>Waiting for a second person.</strong> {proposalText(review)}, proposed by{" "}
        {name(review.by)} on {formatTime(review.at)}.
      </p>
      <p>Note: {review.note}</p>
      {mine ? (
        <p className="muted">
          You proposed this override, so another underwriter or an admin confirms it.
        </p>
      ) : confirming ? (
        <div role="group" aria-labelledby="confirm-override-question" className="stack">
          <p id="confirm-override-question">
            Confirm the override? The application is approved and the applicant gets the offer; the
            audit log records you as the second person.
          </p>
          <div className="form-actions">
            <button
              type="button"
              className="btn btn--primary"
              onClick={confirm}
              disabled={action.busy}
            >
              Yes, confirm the override
            </button>
            <button type="button" className="btn btn--ghost" onClick={() => setConfirming(false)}>
              Cancel
            </button>
          </div>
        </div>
      ) : (
        <div>
          <button type="button" className="btn btn--primary" onClick={() => setConfirming(true)}>
            Confirm override
          </button>
        </div>
      )}
    </div>
  );
}

function ReviewRecord({
  app,
  review,
  name,
}: {
  app: ApplicationRead;
  review: Review;
  name: (id: string) => string;
}) {
  const offer = app.offers[0];
  return (
    <div className="stack" data-testid="review-record">
      <p>
        {review.action === "decline"
          ? "Declined"
          : review.action === "counteroffer"
            ? "Counter-offered"
            : "Approved"}{" "}
        by {name(review.by)} on {formatTime(review.at)}
        {review.confirmedBy
          ? `; override confirmed by ${name(review.confirmedBy)}${review.confirmedAt ? ` on ${formatTime(review.confirmedAt)}` : ""}`
          : ""}
        .
      </p>
      <p>Note: {review.note}</p>
      {offer && (
        <p>
          Offer: {formatMoney(offer.amount)} over {offer.termPeriods} payments of{" "}
          {formatMoney(offer.payment)} at {offer.annualRate} % (APR {offer.apr} %), grade{" "}
          {offer.grade}.
        </p>
      )}
    </div>
  );
}

// Opening an invite-only poll: one message per member whose consent allows a poll invitation,
// through the one door into the outbox (kill switch, rate limit, consent gate at dispatch, audit),
// each carrying the member's own voting link (rendered by sending/render.ts). A poll is invited
// once: a second invitation would mail everyone again, and their links are the same anyway.
import { recordAudit } from "../audit/service";
import type { Deps } from "../deps";
import { findList } from "../lists/service";
import { type SendReport, startSend } from "../sending/outbox";
import { invitationSend, type Poll, violates } from "./queries";
import { isClosed } from "./service";

/** Why an invitation was refused; the HTTP edge maps each to a 409. */
export type InviteRefusal = {
  ok: false;
  reason: "public" | "closed" | "already_invited" | "no_list";
  detail: string;
};

const refused = (reason: InviteRefusal["reason"], detail: string): InviteRefusal => ({
  ok: false,
  reason,
  detail,
});

/** Sends the invitations of an invite-only poll (see the file comment). */
export async function invitePoll(
  deps: Deps,
  actor: string,
  poll: Poll,
): Promise<({ ok: true } & SendReport) | InviteRefusal> {
  if (poll.audience !== "list") {
    return refused("public", "This poll is public: anyone may vote, there is nobody to invite.");
  }
  if (isClosed(poll, deps.clock.now())) {
    return refused("closed", "This poll is closed: reopen it before inviting.");
  }
  const list = poll.listId === null ? undefined : await findList(deps, poll.listId);
  if (!list || list.archivedAt) {
    return refused("no_list", "The list of this poll no longer exists or is archived.");
  }
  const already = refused("already_invited", "This poll was already invited: it is invited once.");
  if (await invitationSend(deps.db, poll.id)) return already;
  let report: SendReport;
  try {
    report = await startSend(deps, {
      kind: "poll",
      listId: list.id,
      pollId: poll.id,
      subject: poll.question,
      textVersion: list.purposeVersion,
      actor,
    });
  } catch (error) {
    // Two invitations at once: the unique index on the poll's send lets one through.
    if (violates(error, "sends.poll_id")) return already;
    throw error;
  }
  if (report.sendId !== null) {
    deps.polls.cache.forgetPoll(poll.slug); // the turnout shown with the results
    await recordAudit(deps, {
      actor,
      action: "poll.invited",
      listId: list.id,
      summary: `Poll "${poll.question}" sent to ${report.recipients} confirmed contacts of "${list.name}"`,
      details: {
        send_id: report.sendId,
        poll_id: poll.id,
        recipients: report.recipients,
        excluded: report.excluded,
      },
    });
  }
  return { ok: true, ...report };
}

/** The poll's invitation send (its id and how many it reached), if it was invited. */
export const pollInvitation = (deps: Deps, poll: Poll) => invitationSend(deps.db, poll.id);

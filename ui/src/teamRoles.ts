// The three team roles as the app names them: in full where one is chosen (a profile, a login
// added to a team server), briefly where one is shown (the header, the list of a server's
// reviewers).
import type { RemovedReviewer } from "./bindings/RemovedReviewer";
import type { Role } from "./bindings/Role";

export const ROLE_CHOICES: readonly { value: Role; label: string }[] = [
  { value: "analyst", label: "Analyst — triage and review" },
  { value: "sme", label: "Subject-matter expert — correct and answer questions" },
  { value: "adjudicator", label: "Adjudicator — final say when reviews disagree" },
];

export const ROLE_LABEL: Readonly<Record<Role, string>> = { analyst: "analyst", sme: "SME", adjudicator: "adjudicator" };

/** A login's roles, briefly ("SME, adjudicator"); a login in no team group has "no role". */
export const rolesLabel = (roles: readonly Role[]): string => (roles.length === 0 ? "no role" : roles.map((r) => ROLE_LABEL[r]).join(", "));

const counted = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;

/** What removing `login` from a team database did, in a sentence for the owner. */
export function removalSummary(login: string, removed: RemovedReviewer): string {
  const parts = [`${login} may no longer sign in here; their decisions stay in the log.`];
  if (removed.leases_released > 0) parts.push(`${counted(removed.leases_released, "item they held is", "items they held are")} back in the queue.`);
  if (removed.sessions_closed > 0) parts.push(`${counted(removed.sessions_closed, "open session was", "open sessions were")} closed.`);
  if (removed.sessions_open > 0) {
    parts.push(
      `${counted(removed.sessions_open, "session stays", "sessions stay")} open until it ends: it can read but writes nothing more (closing sessions needs a superuser or pg_signal_backend).`,
    );
  }
  return parts.join(" ");
}

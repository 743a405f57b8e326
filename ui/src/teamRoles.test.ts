import { describe, expect, it } from "vitest";
import { removalSummary, rolesLabel } from "./teamRoles";

describe("rolesLabel", () => {
  it("names each role briefly, and says so when there is none", () => {
    expect(rolesLabel(["sme", "adjudicator"]), "two roles, in the order given").toBe("SME, adjudicator");
    expect(rolesLabel([]), "a login in no team group").toBe("no role");
  });
});

describe("removalSummary", () => {
  it("says only what happened", () => {
    expect(removalSummary("bob", { leases_released: 0, sessions_closed: 0, sessions_open: 0 }), "nothing held, no session").toBe(
      "bob may no longer sign in here; their decisions stay in the log.",
    );
    const busy = removalSummary("maria", { leases_released: 3, sessions_closed: 1, sessions_open: 0 });
    expect(busy, "held items counted").toContain("3 items they held are back in the queue.");
    expect(busy, "one session, singular").toContain("1 open session was closed.");
    expect(busy, "no session left open, not mentioned").not.toContain("stays open");
  });

  it("warns that a session it could not close stays open but writes nothing", () => {
    const open = removalSummary("sam", { leases_released: 1, sessions_closed: 0, sessions_open: 2 });
    expect(open, "one held item, singular").toContain("1 item they held is back in the queue.");
    expect(open, "the sessions left open, and why").toContain("2 sessions stay open until it ends: it can read but writes nothing more");
    expect(open, "no closed sessions claimed").not.toContain("closed.");
  });
});

import { describe, expect, it } from "vitest";
import type { RecentDatabase } from "./bindings/RecentDatabase";
import { adviceFor, folderOf, recentMenuEntries } from "./openFailure";

const recent = (name: string, missing = false): RecentDatabase => ({ path: `/data/${name}`, name, opened_at: "2026-01-01T00:00:00.000Z", missing });

describe("adviceFor", () => {
  it("gives each open failure its own title", () => {
    const codes = ["missing_database", "not_a_database", "schema_too_new", "already_open", "read_only", "disk_full"] as const;
    const titles = codes.map((code) => adviceFor(code, false).title);
    expect(new Set(titles).size, `one title per case: ${titles.join(" | ")}`).toBe(codes.length);
  });

  it("offers to remove a missing file only when it is on the recent list", () => {
    expect(adviceFor("missing_database", true).steps[0], "the first way out of a missing recent file is to drop it").toBe("forget");
    expect(adviceFor("missing_database", false).steps, "a file that is not listed cannot be removed from the list").not.toContain("forget");
  });

  it("never offers to retry what retrying cannot fix", () => {
    expect(adviceFor("not_a_database", true).steps).not.toContain("retry");
    expect(adviceFor("schema_too_new", true).steps).not.toContain("retry");
    expect(adviceFor("already_open", false).steps, "the other window may close").toContain("retry");
  });

  it("always offers another database", () => {
    for (const code of ["missing_database", "not_a_database", "schema_too_new", "already_open", "read_only", "disk_full", "io"] as const) {
      expect(adviceFor(code, true).steps, code).toContain("open-other");
    }
  });
});

describe("recentMenuEntries", () => {
  it("leaves out missing files and keeps the order, capped", () => {
    const list = [recent("a.db"), recent("gone.db", true), recent("b.db"), recent("c.db")];
    expect(recentMenuEntries(list, 2).map((r) => r.name)).toEqual(["a.db", "b.db"]);
  });
});

describe("folderOf", () => {
  it("is the path without the file name", () => {
    expect(folderOf("/home/me/reviews/q3.db")).toBe("/home/me/reviews");
    expect(folderOf("/q3.db")).toBe("/");
    expect(folderOf("C:\\Users\\me\\q3.db")).toBe("C:\\Users\\me");
  });
});

import { describe, expect, it } from "vitest";
import type { Sensitive } from "./bindings/Sensitive";
import { passageFindings, redactText, segments, shownAnswerFindings } from "./redaction";
import { testItem } from "./reviewFixtures";

const email: Sensitive = { place: "answer", kind: "email", text: "ana.lopez@example.com", placeholder: "[EMAIL]" };
const key: Sensitive = { place: "answer", kind: "api_key", text: "sk-proj-abcdefghijklmnopqrstuvwxyz012345", placeholder: "[API_KEY]" };
const answer = `Mail ${email.text}; the billing key is ${key.text}. Again: ${email.text}.`;

describe("redactText", () => {
  it("replaces every occurrence of every finding with its typed placeholder", () => {
    expect(redactText(answer, [email, key])).toEqual({
      text: "Mail [EMAIL]; the billing key is [API_KEY]. Again: [EMAIL].",
      replaced: 3,
    });
  });

  it("leaves text without the found texts as it is and says nothing was replaced", () => {
    expect(redactText("Mail [EMAIL] please.", [email])).toEqual({ text: "Mail [EMAIL] please.", replaced: 0 });
    expect(redactText(answer, [])).toEqual({ text: answer, replaced: 0 });
  });

  it("replaces a longer finding whole even when a shorter one occurs inside it", () => {
    const connection: Sensitive = { place: "answer", kind: "connection_string", text: "postgres://admin:pw@db.example.com", placeholder: "[CONNECTION_STRING]" };
    const inner: Sensitive = { place: "answer", kind: "email", text: "pw@db.example.com", placeholder: "[EMAIL]" };
    expect(redactText(`use ${connection.text}/sales`, [inner, connection]).text).toBe("use [CONNECTION_STRING]/sales");
  });
});

describe("segments", () => {
  it("cuts text into plain runs and found texts that join back to the text", () => {
    const parts = segments(answer, [email, key]);
    expect(parts.map((p) => p.text).join("")).toBe(answer);
    expect(parts.filter((p) => p.finding !== null).map((p) => p.finding?.kind)).toEqual(["email", "api_key", "email"]);
  });
});

describe("which findings belong where", () => {
  const found: Sensitive[] = [
    email,
    { place: "edit", kind: "phone", text: "+1 (415) 555-0134", placeholder: "[PHONE]" },
    { place: "evidence", passage: "crm-1", kind: "email", text: email.text, placeholder: "[EMAIL]" },
    { place: "evidence", passage: "crm-2", kind: "ipv4", text: "10.0.0.7", placeholder: "[IP]" },
  ];

  it("the shown answer is the edit when there is one, else the model's answer", () => {
    const plain = { ...testItem("a"), sensitive: found };
    expect(shownAnswerFindings(plain)).toEqual([email]);
    const edited = { ...plain, latest_edit: { kind: "answer" as const, answer: "Call +1 (415) 555-0134" } };
    expect(shownAnswerFindings(edited).map((f) => f.kind)).toEqual(["phone"]);
  });

  it("a passage's findings are its own", () => {
    expect(passageFindings(found, "crm-2").map((f) => f.text)).toEqual(["10.0.0.7"]);
    expect(passageFindings(found, "crm-3")).toEqual([]);
  });
});

// Per-domain prompt revisions for the browser build, with the core's rules that the dialog
// relies on: the latest revision is in force, a revision without a body returns to the built-in
// text, and saving the text already in force is refused.
import type { PromptRevision } from "../src/bindings/PromptRevision";
import type { PromptTemplate } from "../src/bindings/PromptTemplate";
import type { PromptView } from "../src/bindings/PromptView";

const BUILTIN: Record<PromptTemplate, { version: string; text: string }> = {
  vet: { version: "vet.v3", text: "You vet answers of the {{domain}} domain against their evidence." },
  generate: { version: "generate.v2", text: "You answer questions in the {{domain}} domain from the evidence." },
  relate: { version: "relate.v2", text: "You infer relationships between data products of the {{domain}} domain." },
  rank: { version: "rank.v1", text: "You judge relationship candidates of the {{domain}} domain." },
};

export function mockPromptStore() {
  const revisions: PromptRevision[] = [];
  const of = (domain: string, template: PromptTemplate) => revisions.filter((r) => r.domain === domain && r.template === template).reverse();
  const view = (domain: string, template: PromptTemplate): PromptView => {
    const history = of(domain, template);
    const latest = history[0];
    const builtin = BUILTIN[template];
    const own = latest !== undefined && latest.body !== null;
    return {
      domain,
      template,
      builtin_version: builtin.version,
      builtin_text: builtin.text,
      version: own ? latest.version : builtin.version,
      text: own ? (latest.body ?? "") : builtin.text,
      revisions: history,
    };
  };
  const save = (domain: string, template: PromptTemplate, text: string | null, author: string): PromptRevision => {
    const body = text === BUILTIN[template].text ? null : text;
    if ((body ?? BUILTIN[template].text) === view(domain, template).text) {
      throw { code: "bad_request", message: `the ${template} prompt of domain '${domain}' is already this text` };
    }
    const revision: PromptRevision = {
      id: revisions.length + 1,
      domain,
      template,
      body,
      version: body === null ? BUILTIN[template].version : `${BUILTIN[template].version}+${domain}:${(revisions.length + 1).toString(16).padStart(8, "0")}`,
      author,
      created_at: new Date().toISOString(),
    };
    revisions.push(revision);
    return revision;
  };
  return { view, save };
}

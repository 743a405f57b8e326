// The export dialog's choices: formats with what each is for, privacy modes, and the request
// sent to the core. Pure, so the mapping is unit-tested.
import type { ExportRequest } from "./bindings/ExportRequest";
import type { Format } from "./bindings/Format";
import type { ItemKind } from "./bindings/ItemKind";
import type { PiiMode } from "./bindings/PiiMode";

export const FORMATS: { value: Format; label: string; hint: string }[] = [
  { value: "trl-sft", label: "TRL SFT", hint: "Approved and edited answers as chat messages (Hugging Face TRL SFTTrainer)." },
  { value: "trl-dpo", label: "TRL DPO", hint: "Edited answer preferred over the original (DPOTrainer)." },
  { value: "trl-kto", label: "TRL KTO", hint: "Each answer labelled desirable or not (KTOTrainer)." },
  { value: "trl-reward", label: "TRL reward model", hint: "The DPO pairs as whole chosen / rejected conversations (RewardTrainer)." },
  { value: "openai-sft", label: "OpenAI SFT", hint: "OpenAI fine-tuning chat format." },
  { value: "openai-dpo", label: "OpenAI DPO", hint: "OpenAI preference fine-tuning format." },
  { value: "vetter-sft", label: "Vetting model: verdicts", hint: "The vet prompt → the verdict the reviewers' decision implies (trains the vetting model)." },
  { value: "vetter-claims", label: "Vetting model: claim verdicts", hint: "The item → a verdict per claim, from fully checked answers (trains the vetting model)." },
  { value: "claims-nli", label: "Claims as NLI", hint: "Linked evidence, claim and entailment / neutral / contradiction, one row per checked claim." },
  { value: "decisions", label: "Audit trail (JSONL)", hint: "Every decision with reviewer, time, reason and note." },
  { value: "decisions-csv", label: "Audit trail (CSV)", hint: "Every decision, for spreadsheets." },
];

export const PII_MODES: { value: PiiMode; label: string }[] = [
  { value: "redact", label: "Redact private data (emails, keys, cards…)" },
  { value: "exclude", label: "Leave out items with private data" },
  { value: "off", label: "No privacy screen" },
];

/** The dialog's single-choice filters; null = any. */
export interface ExportDraft {
  format: Format;
  pii: PiiMode;
  /** Percent of prompts for validation, 0–50. */
  valPercent: number;
  kind: ItemKind | null;
  domain: string | null;
  model: string | null;
  tag: string | null;
  /** Preference formats: a comparison judged a tie gives both orders of each pair of its candidates. */
  includeTies: boolean;
}

export const DEFAULT_EXPORT: ExportDraft = { format: "trl-sft", pii: "redact", valPercent: 0, kind: null, domain: null, model: null, tag: null, includeTies: false };

const listOf = <T>(value: T | null): T[] => (value === null ? [] : [value]);

export function exportRequest(draft: ExportDraft): ExportRequest {
  const percent = hasSplit(draft.format) && Number.isFinite(draft.valPercent) ? Math.min(Math.max(draft.valPercent, 0), 50) : 0;
  return {
    format: draft.format,
    pii: draft.pii,
    val_fraction: percent / 100,
    kinds: listOf(draft.kind),
    domains: listOf(draft.domain),
    models: listOf(draft.model),
    tags: listOf(draft.tag),
    include_ties: isPreferenceFormat(draft.format) && draft.includeTies,
  };
}

/** Training formats are screened; the audit trail is written as it is. */
export const isTrainingFormat = (format: Format): boolean => format !== "decisions" && format !== "decisions-csv";

/** Formats written in one file, without a validation split: the audit trail and the vetting model's and claims' data. */
const UNSPLIT: ReadonlySet<Format> = new Set(["decisions", "decisions-csv", "vetter-sft", "vetter-claims", "claims-nli"]);

/** The reviewed model's training formats take a validation split. */
export const hasSplit = (format: Format): boolean => !UNSPLIT.has(format);

/** Formats of chosen / rejected pairs: only they can take a tie. */
const PREFERENCE: ReadonlySet<Format> = new Set(["trl-dpo", "trl-reward", "openai-dpo"]);

export const isPreferenceFormat = (format: Format): boolean => PREFERENCE.has(format);

// The only module that talks to the Tauri shell: one typed function per command. Every failure
// is rethrown as an AppError {code, message}, whatever shape it arrived in.
import { invoke, type InvokeArgs } from "@tauri-apps/api/core";
import type { AppError } from "./bindings/AppError";
import type { Decision } from "./bindings/Decision";
import type { DecisionInput } from "./bindings/DecisionInput";
import type { Item } from "./bindings/Item";
import type { QueueFilter } from "./bindings/QueueFilter";
import type { QueuePage } from "./bindings/QueuePage";
import type { RejectReason } from "./bindings/RejectReason";
import type { RelationshipEvidence } from "./bindings/RelationshipEvidence";
import type { SessionInfo } from "./bindings/SessionInfo";
import type { StatusCounts } from "./bindings/StatusCounts";

/** Normalizes anything thrown (an IPC error object, an Error, a string) into an AppError. */
export function toAppError(thrown: unknown): AppError {
  if (typeof thrown === "object" && thrown !== null) {
    const { code, message } = thrown as { code?: unknown; message?: unknown };
    if (typeof code === "string" && typeof message === "string") return { code, message };
    if (typeof message === "string") return { code: "ipc", message };
  }
  if (typeof thrown === "string") return { code: "ipc", message: thrown };
  return { code: "unknown", message: String(thrown) };
}

async function call<T>(command: string, args?: InvokeArgs): Promise<T> {
  try {
    return await invoke<T>(command, args);
  } catch (thrown) {
    throw toAppError(thrown);
  }
}

export const sessionInfo = (): Promise<SessionInfo> => call("session_info");

export const queuePage = (filter: QueueFilter, after: number | null, limit: number): Promise<QueuePage> =>
  call("queue_page", { filter, after, limit });

export const statusCounts = (): Promise<StatusCounts> => call("status_counts");

export const getItem = (externalId: string): Promise<Item> => call("get_item", { externalId });

export const itemHistory = (externalId: string): Promise<Decision[]> => call("item_history", { externalId });

/** Resolves once the decision is durably written; a repeated `input.id` is recorded only once. */
export const decide = (input: DecisionInput): Promise<Decision> => call("decide", { input });

export const rejectReasons = (): Promise<RejectReason[]> => call("reject_reasons");

/** Figures computed from the data (containment, orphans, keys, cardinality); null for answers. */
export const relationshipEvidence = (externalId: string): Promise<RelationshipEvidence | null> =>
  call("relationship_evidence", { externalId });

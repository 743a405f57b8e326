// The drafts of the dialogs that start a background job (export, LLM run). They outlive the
// dialog, so reopening one shows the last choices.
import { useState } from "react";
import * as api from "./api";
import type { QueueFilter } from "./bindings/QueueFilter";
import { DEFAULT_EXPORT, exportRequest } from "./exportChoices";
import { DEFAULT_LLM_RUN, llmRunRequest, newItemReviews, runProblem, type RunPlace } from "./llmRun";
import { BROWSE, type ReviewMode } from "./mode";
import type { JobStarter } from "./useJobs";
import type { JobKind } from "./jobs";

/**
 * `shownQueue` is the queue as shown (tab and filter bar): what a vet run takes its items from;
 * `runPlace` where it would run (a team server runs less, for fewer roles). A confirm does nothing
 * unless its dialog is the current mode (Ctrl+Enter reaches it by key) and can run.
 */
export function useJobDrafts(mode: ReviewMode, setMode: (mode: ReviewMode) => void, startJob: (kind: JobKind, begin: JobStarter) => void, shownQueue: QueueFilter, runPlace: RunPlace) {
  const [exportDraft, setExportDraft] = useState(DEFAULT_EXPORT);
  const [llmDraft, setLlmDraft] = useState(DEFAULT_LLM_RUN);

  const confirmExport = () => {
    if (mode.kind !== "export") return;
    setMode(BROWSE);
    const request = exportRequest(exportDraft);
    startJob("export", (onEvent) => api.startExport(request, onEvent));
  };

  const confirmLlmRun = () => {
    if (mode.kind !== "llm-run" || runProblem(llmDraft, runPlace) !== null) return;
    setMode(BROWSE);
    const request = llmRunRequest(llmDraft, shownQueue);
    const reviews = newItemReviews(llmDraft, runPlace);
    startJob(llmDraft.role, (onEvent) => api.startLlmRun(request, reviews, onEvent));
  };

  return {
    exportDialog: { draft: exportDraft, onChange: setExportDraft, onConfirm: confirmExport },
    llmRunDialog: { draft: llmDraft, shownQueue, onChange: setLlmDraft, onConfirm: confirmLlmRun },
  };
}

export type JobDrafts = ReturnType<typeof useJobDrafts>;

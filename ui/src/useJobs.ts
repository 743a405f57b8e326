// Starts background jobs and follows their events. A job appears once the user has picked a file
// (the start command resolves with its id); events that arrive before that are folded in.
import { useCallback, useEffect, useRef, useState } from "react";
import * as api from "./api";
import type { JobEvent } from "./bindings/JobEvent";
import { jobCancelling, jobProgressed, jobStarted, outcomeOf, type JobKind, type JobOutcome, type JobView } from "./jobs";

export type JobStarter = (onEvent: (event: JobEvent) => void) => Promise<number | null>;

export function useJobs(onOutcome: (outcome: JobOutcome) => void) {
  const [jobs, setJobs] = useState<JobView[]>([]);
  const latestOnOutcome = useRef(onOutcome);
  useEffect(() => {
    latestOnOutcome.current = onOutcome;
  });

  const start = useCallback((kind: JobKind, begin: JobStarter) => {
    let id: number | null = null;
    let ended = false;
    let early: JobEvent | null = null;
    const onEvent = (event: JobEvent) => {
      const outcome = outcomeOf(kind, event);
      if (outcome !== null) {
        ended = true;
        latestOnOutcome.current(outcome);
      }
      if (id === null) early = event;
      else {
        const known = id;
        setJobs((all) => jobProgressed(all, known, event));
      }
    };
    begin(onEvent).then(
      (started) => {
        if (started === null || ended) return;
        id = started;
        const pending = early;
        setJobs((all) => {
          const added = jobStarted(all, started, kind);
          return pending === null ? added : jobProgressed(added, started, pending);
        });
      },
      (thrown: unknown) => latestOnOutcome.current({ tone: "error", text: api.toCallError(thrown).message, refreshQueue: false }),
    );
  }, []);

  const cancel = useCallback((id: number) => {
    setJobs((all) => jobCancelling(all, id));
    void api.cancelJob(id);
  }, []);

  return { jobs, start, cancel };
}

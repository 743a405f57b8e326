import { fractionDone, progressLabel, type JobView } from "../jobs";

/** Running imports, exports and backups, each with its progress and a Cancel button. */
export function JobsPanel({ jobs, onCancel }: { jobs: readonly JobView[]; onCancel: (id: number) => void }) {
  if (jobs.length === 0) return null;
  return (
    <div className="jobs-panel" role="status" aria-label="Background work" data-testid="jobs-panel">
      {jobs.map((job) => {
        const fraction = fractionDone(job);
        return (
          <div key={job.id} className="job" data-testid={`job-${job.kind}`}>
            <span className="job-label">{progressLabel(job)}</span>
            {/* Without a value the bar is indeterminate (total not known yet). */}
            <progress className="job-progress" max={1} value={fraction ?? undefined} />
            <button type="button" className="button button-small" disabled={job.cancelling} onClick={() => onCancel(job.id)} data-testid="job-cancel">
              Cancel
            </button>
          </div>
        );
      })}
    </div>
  );
}

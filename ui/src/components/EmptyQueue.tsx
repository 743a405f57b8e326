import type { StatusCounts } from "../bindings/StatusCounts";
import { countFor, type StatusFilter } from "../queue";

interface EmptyQueueProps {
  filter: StatusFilter;
  counts: StatusCounts | null;
}

export function EmptyQueue({ filter, counts }: EmptyQueueProps) {
  const total = counts === null ? 0 : countFor(counts, null);
  if (total === 0) {
    return (
      <div className="panel-center">
        <h2 className="panel-title">Nothing to review yet</h2>
        <p className="panel-text">Import model outputs, one JSON object per line, then reopen Vetted:</p>
        <pre className="command">vetted import FILE.jsonl</pre>
        <p className="muted">The format for answers and relationships is described in docs/import-format.md.</p>
      </div>
    );
  }
  if (filter === "pending") {
    return (
      <div className="panel-center">
        <h2 className="panel-title">All caught up</h2>
        <p className="panel-text">Every one of the {total} items has a decision. To review more, import them:</p>
        <pre className="command">vetted import FILE.jsonl</pre>
      </div>
    );
  }
  return (
    <div className="panel-center">
      <h2 className="panel-title">No {filter ?? ""} items</h2>
      <p className="panel-text">Nothing in this tab yet.</p>
    </div>
  );
}

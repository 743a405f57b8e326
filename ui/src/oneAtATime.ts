// Requests that must not pile up: a dashboard asked to refresh faster than its figures are computed
// (a busy team server announces changes every second) runs one request at a time.

/**
 * Returns `request()`: it runs `task` now, or — while a run is in progress, or sooner than
 * `minGapMs` after the last one started — once more later, however often it is asked meanwhile.
 * The last ask is always served, by a run that starts after it.
 */
export function oneAtATime(task: () => Promise<unknown>, minGapMs = 0): () => void {
  let running = false;
  let wanted = false;
  let lastStart = -Infinity;
  const run = () => {
    if (running) {
      wanted = true;
      return;
    }
    // At most the gap, should the clock be set back meanwhile.
    const wait = Math.min(lastStart + minGapMs - Date.now(), minGapMs);
    if (wait > 0) {
      running = true; // the delayed run holds the place of a running one
      setTimeout(() => {
        running = false;
        run();
      }, wait);
      return;
    }
    running = true;
    wanted = false;
    lastStart = Date.now();
    const after = () => {
      running = false;
      if (wanted) run();
    };
    task().then(after, after);
  };
  return run;
}

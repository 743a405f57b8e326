// Superseded requests while typing: each call gets a ticket, and only the answer to the latest
// ticket is delivered — an older, slower query can never overwrite newer results.

export interface LatestOnly {
  /** Starts a request; returns a function that says whether it is still the latest. */
  begin: () => () => boolean;
}

export function latestOnly(): LatestOnly {
  let latest = 0;
  return {
    begin() {
      const ticket = ++latest;
      return () => ticket === latest;
    },
  };
}

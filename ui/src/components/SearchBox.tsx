import { memo, useEffect, useMemo, useState } from "react";
import { searchItems } from "../api";
import type { CallError } from "../api";
import type { SearchResults } from "../bindings/SearchResults";
import { latestOnly } from "../latestOnly";
import { KindBadge, StatusBadge } from "./Badges";
import { SafeText } from "./SafeText";

export const SEARCH_INPUT_ID = "search-input";
const DEBOUNCE_MS = 120;
const LIMIT = 50;

interface SearchBoxProps {
  onOpen: (externalId: string) => void;
}

/** Full-text search over the whole database; results replace nothing — pick one to open it. */
export const SearchBox = memo(function SearchBox({ onOpen }: SearchBoxProps) {
  const [query, setQuery] = useState("");
  const [results, setResults] = useState<SearchResults | null>(null);
  const [error, setError] = useState<CallError | null>(null);
  const requests = useMemo(latestOnly, []);

  useEffect(() => {
    const isLatest = requests.begin();
    if (query.trim() === "") {
      setResults(null);
      setError(null);
      return;
    }
    const timer = window.setTimeout(() => {
      searchItems(query, LIMIT).then(
        (found) => {
          if (!isLatest()) return;
          setResults(found);
          setError(null);
        },
        (failed: CallError) => isLatest() && setError(failed),
      );
    }, DEBOUNCE_MS);
    return () => window.clearTimeout(timer);
  }, [query, requests]);

  const open = (externalId: string) => {
    onOpen(externalId);
  };

  return (
    <div className="search">
      <input
        id={SEARCH_INPUT_ID}
        className="input search-input"
        data-testid="search-input"
        type="search"
        placeholder="Search questions, answers, evidence…  (/)"
        aria-label="Full-text search"
        spellCheck={false}
        value={query}
        onChange={(event) => setQuery(event.target.value)}
        onKeyDown={(event) => {
          if (event.key === "Escape") {
            setQuery("");
            event.currentTarget.blur();
          } else if (event.key === "Enter" && results !== null && results.hits[0] !== undefined) {
            open(results.hits[0].external_id);
          }
        }}
      />
      {error !== null && (
        <p className="search-note" role="alert">
          {error.message}
        </p>
      )}
      {results !== null && (
        <ul className="search-results" data-testid="search-results" aria-label="Search results">
          {results.hits.length === 0 && <li className="search-note">No matches.</li>}
          {results.order === "newest" && (
            <li className="search-note" data-testid="search-order">
              Common words only — newest first. Add a rarer word to rank by relevance.
            </li>
          )}
          {results.hits.map((entry) => (
            <li key={entry.external_id}>
              <button
                type="button"
                className="search-result"
                data-testid="search-result"
                data-external-id={entry.external_id}
                onClick={() => open(entry.external_id)}
              >
                <span className="search-result-title">
                  <SafeText text={entry.title} />
                </span>
                <span className="search-result-meta">
                  <KindBadge kind={entry.kind} />
                  <StatusBadge status={entry.status} />
                </span>
              </button>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
});

// Filters and sort for the queue. Every change reloads the list from its first page (keyset).
import type { QueueFacets } from "../bindings/QueueFacets";
import type { QueueSort } from "../bindings/QueueSort";
import type { Criteria } from "../usePagedQueue";

interface FilterBarProps {
  criteria: Criteria;
  facets: QueueFacets | null;
  onChange: (criteria: Criteria) => void;
  /** The filter bar got focus: a chance to refresh the choices. */
  onFocus: () => void;
}

const SORTS: { value: QueueSort; label: string }[] = [
  { value: "oldest", label: "Oldest first" },
  { value: "newest", label: "Newest first" },
  { value: "risk", label: "Riskiest first" },
];

export const FILTER_BAR_ID = "filter-bar";

export function FilterBar({ criteria, facets, onChange, onFocus }: FilterBarProps) {
  const choose = (label: string, field: "domain" | "model" | "reviewer" | "tag", values: string[]) => (
    <FilterSelect
      label={label}
      name={field}
      value={criteria[field]}
      options={values.map((v) => ({ value: v, label: v }))}
      onChange={(value) => onChange({ ...criteria, [field]: value })}
    />
  );
  return (
    <div className="filter-bar" id={FILTER_BAR_ID} aria-label="Filter the queue" onFocus={onFocus}>
      <FilterSelect
        label="Kind"
        name="kind"
        value={criteria.kind}
        options={[
          { value: "answer", label: "answer" },
          { value: "relationship", label: "relationship" },
        ]}
        onChange={(value) => onChange({ ...criteria, kind: value === "answer" || value === "relationship" ? value : null })}
      />
      {choose("Domain", "domain", facets?.domains ?? [])}
      {choose("Model", "model", facets?.models ?? [])}
      <FilterSelect
        label="Vetting"
        name="verdict"
        value={criteria.verdict}
        options={["fail", "flag", "pass"].map((v) => ({ value: v, label: v }))}
        onChange={(value) => onChange({ ...criteria, verdict: value === "fail" || value === "flag" || value === "pass" ? value : null })}
      />
      {choose("Reviewer", "reviewer", facets?.reviewers ?? [])}
      {choose("Tag", "tag", facets?.tags ?? [])}
      <label className="filter">
        <span className="filter-label">Sort</span>
        <select
          className="filter-select"
          data-testid="filter-sort"
          value={criteria.sort}
          onChange={(event) => onChange({ ...criteria, sort: SORTS.find((s) => s.value === event.target.value)?.value ?? "oldest" })}
        >
          {SORTS.map((sort) => (
            <option key={sort.value} value={sort.value}>
              {sort.label}
            </option>
          ))}
        </select>
      </label>
    </div>
  );
}

export interface FilterSelectProps {
  label: string;
  name: string;
  value: string | null;
  options: { value: string; label: string }[];
  onChange: (value: string | null) => void;
}

export function FilterSelect({ label, name, value, options, onChange }: FilterSelectProps) {
  return (
    <label className="filter">
      <span className="filter-label">{label}</span>
      <select className="filter-select" data-testid={`filter-${name}`} value={value ?? ""} onChange={(event) => onChange(event.target.value || null)}>
        <option value="">Any</option>
        {options.map((option) => (
          <option key={option.value} value={option.value}>
            {option.label}
          </option>
        ))}
      </select>
    </label>
  );
}

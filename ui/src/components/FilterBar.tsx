// Filters and sort for the queue. Every change reloads the list from its first page (keyset).
// The filters are a collapsible group: collapsed, the sidebar shows one line (the toggle with the
// number of active filters, and the sort) plus a removable chip per active filter.
import { memo, useEffect, useId, useRef, useState } from "react";
import { flushSync } from "react-dom";
import type { ConfidentPass } from "../bindings/ConfidentPass";
import type { QueueFacets } from "../bindings/QueueFacets";
import type { QueueSort } from "../bindings/QueueSort";
import type { Criteria } from "../usePagedQueue";
import { visibleText } from "../invisibles";
import { KIND_OPTIONS, itemKindOf } from "../itemKinds";
import { SafeText } from "./SafeText";

interface FilterBarProps {
  criteria: Criteria;
  facets: QueueFacets | null;
  onChange: (criteria: Criteria) => void;
  /** The filter bar got focus: a chance to refresh the choices. */
  onFocus: () => void;
  /** Start with the filter group expanded (it starts collapsed). */
  defaultOpen?: boolean;
}

const SORTS: { value: QueueSort; label: string }[] = [
  { value: "oldest", label: "Oldest first" },
  { value: "newest", label: "Newest first" },
  { value: "risk", label: "Riskiest first" },
  { value: "likely", label: "Most likely first" },
];

export const FILTER_BAR_ID = "filter-bar";
const OPEN_EVENT = "vetted:open-filters";

/** The filter key: expands the filter group if it is collapsed and focuses its first filter. */
export function focusFilterBar(): void {
  document.getElementById(FILTER_BAR_ID)?.dispatchEvent(new Event(OPEN_EVENT));
}

/** The criteria a filter narrows the queue by, in display order (sort is not a filter). */
export type FilterField = Exclude<keyof Criteria, "sort">;

export const FILTER_LABELS: Record<FilterField, string> = {
  kind: "Kind",
  domain: "Domain",
  model: "Model",
  verdict: "Vetting",
  reviewer: "Reviewer",
  tag: "Tag",
  vetter_confident: "Vetter confident",
};

/** The filters chosen from a list of values (the vetter-confident score comes from the dashboard). */
type ChoiceField = Exclude<FilterField, "vetter_confident">;

/** The filters that are set, for the collapsed summary. */
export function activeFilters(criteria: Criteria): { field: FilterField; label: string; value: string }[] {
  return (Object.keys(FILTER_LABELS) as FilterField[]).flatMap((field) => {
    const value = field === "vetter_confident" ? confidentLabel(criteria.vetter_confident) : criteria[field];
    return value === null ? [] : [{ field, label: FILTER_LABELS[field], value }];
  });
}

/** "qwen ≥ 0.900" for a vetter-confident filter, null when it is off. */
const confidentLabel = (pass: ConfidentPass | undefined): string | null => (pass === undefined ? null : `${pass.model} ≥ ${pass.min_score.toFixed(3)}`);

/** `criteria` without the filter `field`. */
export function withoutFilter(criteria: Criteria, field: FilterField): Criteria {
  if (field !== "vetter_confident") return { ...criteria, [field]: null };
  const { vetter_confident: _removed, ...rest } = criteria;
  return rest;
}

export const FilterBar = memo(function FilterBar({ criteria, facets, onChange, onFocus, defaultOpen = false }: FilterBarProps) {
  const [open, setOpen] = useState(defaultOpen);
  const root = useRef<HTMLDivElement>(null);
  const groupId = useId();
  const active = activeFilters(criteria);

  useEffect(() => {
    const element = root.current;
    if (element === null) return;
    const openAndFocus = () => {
      flushSync(() => setOpen(true));
      element.querySelector<HTMLSelectElement>(".filter-group select")?.focus();
    };
    element.addEventListener(OPEN_EVENT, openAndFocus);
    return () => element.removeEventListener(OPEN_EVENT, openAndFocus);
  }, []);

  const set = (field: ChoiceField, value: string | null) => onChange({ ...criteria, [field]: value });
  const choose = (field: "domain" | "model" | "reviewer" | "tag", values: string[]) => (
    <FilterSelect
      label={FILTER_LABELS[field]}
      name={field}
      value={criteria[field]}
      options={values.map((v) => ({ value: v, label: v }))}
      onChange={(value) => set(field, value)}
    />
  );
  return (
    <div ref={root} className="filter-bar" id={FILTER_BAR_ID} role="group" aria-label="Filter and sort the queue" onFocus={onFocus}>
      <div className="filter-bar-header">
        <button
          type="button"
          className="filter-toggle"
          data-testid="filter-toggle"
          aria-expanded={open}
          aria-controls={groupId}
          onClick={() => setOpen((was) => !was)}
        >
          <span className="disclosure-caret" aria-hidden="true">
            ▸
          </span>
          Filters
          {active.length > 0 && (
            <span className="filter-count" aria-label={`${active.length} active`}>
              {active.length}
            </span>
          )}
        </button>
        <label className="filter-sort">
          <span className="visually-hidden">Sort</span>
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
      {!open && active.length > 0 && (
        <ul className="filter-chips" aria-label="Active filters" data-testid="filter-chips">
          {active.map((filter) => (
            <li key={filter.field}>
              <button
                type="button"
                className="filter-chip"
                data-testid="filter-chip"
                title={`Remove this filter`}
                aria-label={`Remove filter ${filter.label}: ${filter.value}`}
                onClick={() => onChange(withoutFilter(criteria, filter.field))}
              >
                <span className="filter-chip-label">{filter.label}</span> <SafeText text={filter.value} />
                <span aria-hidden="true" className="filter-chip-x">
                  ×
                </span>
              </button>
            </li>
          ))}
        </ul>
      )}
      <div id={groupId} className="filter-group" hidden={!open} data-testid="filter-group">
        <FilterSelect
          label={FILTER_LABELS.kind}
          name="kind"
          value={criteria.kind}
          options={KIND_OPTIONS}
          onChange={(value) => set("kind", itemKindOf(value))}
        />
        <FilterSelect
          label={FILTER_LABELS.verdict}
          name="verdict"
          value={criteria.verdict}
          options={["fail", "flag", "pass"].map((v) => ({ value: v, label: v }))}
          onChange={(value) => set("verdict", value === "fail" || value === "flag" || value === "pass" ? value : null)}
        />
        {choose("domain", facets?.domains ?? [])}
        {choose("model", facets?.models ?? [])}
        {choose("reviewer", facets?.reviewers ?? [])}
        {choose("tag", facets?.tags ?? [])}
        {criteria.vetter_confident !== undefined && (
          <p className="filter filter-active" data-testid="filter-vetter-confident">
            <span className="filter-label">{FILTER_LABELS.vetter_confident}</span>
            <span>
              passed by <SafeText text={confidentLabel(criteria.vetter_confident) ?? ""} />{" "}
              <button type="button" className="link-button" onClick={() => onChange(withoutFilter(criteria, "vetter_confident"))}>
                Remove
              </button>
            </span>
          </p>
        )}
        {active.length > 0 && (
          <button
            type="button"
            className="link-button filter-clear"
            onClick={() => onChange({ ...withoutFilter(criteria, "vetter_confident"), kind: null, domain: null, model: null, verdict: null, reviewer: null, tag: null })}
          >
            Clear all filters
          </button>
        )}
      </div>
    </div>
  );
});

export interface FilterSelectProps {
  label: string;
  name: string;
  value: string | null;
  options: { value: string; label: string }[];
  onChange: (value: string | null) => void;
}

export function FilterSelect({ label, name, value, options, onChange }: FilterSelectProps) {
  return (
    <label className={value === null ? "filter" : "filter filter-active"}>
      <span className="filter-label">{label}</span>
      <select className="filter-select" data-testid={`filter-${name}`} value={value ?? ""} onChange={(event) => onChange(event.target.value || null)}>
        <option value="">Any</option>
        {options.map((option) => (
          <option key={option.value} value={option.value}>
            {visibleText(option.label)}
          </option>
        ))}
      </select>
    </label>
  );
}

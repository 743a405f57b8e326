// The compact sidebar: a collapsible filter group with a summary of what is active, and status
// tabs in two rows with arrow-key navigation.
import { renderToStaticMarkup } from "react-dom/server";
import { describe, expect, it } from "vitest";
import { NO_CRITERIA } from "../usePagedQueue";
import { activeFilters, FilterBar, withoutFilter } from "./FilterBar";
import { StatusTabs, TABS, tabAfterKey } from "./StatusTabs";

const facets = { domains: ["film-tv", "music-store"], models: ["m"], reviewers: ["dana"], tags: [] };
const noop = () => {};

describe("FilterBar", () => {
  it("lists the active filters in display order, never the sort", () => {
    expect(activeFilters(NO_CRITERIA), "none").toEqual([]);
    expect(activeFilters({ ...NO_CRITERIA, tag: "x", kind: "answer", sort: "risk" })).toEqual([
      { field: "kind", label: "Kind", value: "answer" },
      { field: "tag", label: "Tag", value: "x" },
    ]);
  });

  it("shows the vetter-confident score the dashboard set, and removing it drops the field", () => {
    const pass = { model: "qwen", min_score: 0.9 };
    const criteria = { ...NO_CRITERIA, domain: "finance", vetter_confident: pass };
    expect(activeFilters(criteria)).toEqual([
      { field: "domain", label: "Domain", value: "finance" },
      { field: "vetter_confident", label: "Vetter confident", value: "qwen ≥ 0.900" },
    ]);
    expect(withoutFilter(criteria, "vetter_confident"), "absent, not null: the binding is optional").toEqual({ ...NO_CRITERIA, domain: "finance" });
    expect(withoutFilter(criteria, "domain")).toEqual({ ...NO_CRITERIA, vetter_confident: pass });
    const html = renderToStaticMarkup(<FilterBar criteria={criteria} facets={facets} onChange={noop} onFocus={noop} defaultOpen />);
    expect(html, "the expanded group says what the filter keeps").toContain("passed by qwen ≥ 0.900");
  });

  it("starts collapsed: one line with the toggle and the sort, the selects hidden", () => {
    const html = renderToStaticMarkup(<FilterBar criteria={NO_CRITERIA} facets={facets} onChange={noop} onFocus={noop} />);
    expect(html, "a disclosure button").toMatch(/<button type="button" class="filter-toggle" data-testid="filter-toggle" aria-expanded="false" aria-controls="[^"]+"/);
    expect(html, "the group is hidden").toMatch(/class="filter-group" hidden=""/);
    expect(html, "sort stays visible").toContain('data-testid="filter-sort"');
    expect(html, "no chips without filters").not.toContain("filter-chip");
    expect(html, "no count without filters").not.toContain("filter-count");
  });

  it("collapsed with filters set: a count and one removable chip per filter", () => {
    const html = renderToStaticMarkup(
      <FilterBar criteria={{ ...NO_CRITERIA, kind: "relationship", domain: "music\u202Estore" }} facets={facets} onChange={noop} onFocus={noop} />,
    );
    expect(html, "count").toContain('<span class="filter-count" aria-label="2 active">2</span>');
    expect(html.match(/data-testid="filter-chip"/g)?.length, "two chips").toBe(2);
    expect(html, "chip names what it removes").toContain('aria-label="Remove filter Kind: relationship"');
    expect(html, "untrusted values are defused").toContain('data-code-point="U+202E"');
  });

  it("expanded: the six filters, the active ones marked, and a way to clear them", () => {
    const html = renderToStaticMarkup(<FilterBar criteria={{ ...NO_CRITERIA, verdict: "fail" }} facets={facets} onChange={noop} onFocus={noop} defaultOpen />);
    expect(html, "expanded").toContain('aria-expanded="true"');
    expect(html, "group shown").not.toMatch(/class="filter-group" hidden/);
    for (const name of ["kind", "verdict", "domain", "model", "reviewer", "tag"]) expect(html, name).toContain(`data-testid="filter-${name}"`);
    expect(html.match(/class="filter filter-active"/g)?.length, "one active").toBe(1);
    expect(html, "clear").toContain("Clear all filters");
    expect(html, "no chips while the selects show the same").not.toContain('data-testid="filter-chip"');
  });
});

describe("StatusTabs", () => {
  it("moves with the arrow keys, wrapping, and Home/End; other keys are not its business", () => {
    expect(tabAfterKey(0, "ArrowRight", 6)).toBe(1);
    expect(tabAfterKey(5, "ArrowRight", 6), "wraps forward").toBe(0);
    expect(tabAfterKey(0, "ArrowLeft", 6), "wraps back").toBe(5);
    expect(tabAfterKey(3, "Home", 6)).toBe(0);
    expect(tabAfterKey(3, "End", 6)).toBe(5);
    expect(tabAfterKey(3, "j", 6), "queue keys pass through").toBeNull();
    expect(tabAfterKey(3, "ArrowDown", 6), "ArrowDown stays the queue's").toBeNull();
  });

  it("is one tab stop (roving tabindex) and mutes empty counts", () => {
    const counts = { pending: 3, approved: 0, edited: 1, rejected: 0, needs_sme: 0, conflict: 0 };
    const html = renderToStaticMarkup(<StatusTabs filter="edited" counts={counts} onSelect={noop} />);
    expect(html.match(/tabindex="0"/g)?.length, "only the selected tab is tabbable").toBe(1);
    expect(html.match(/tabindex="-1"/g)?.length).toBe(TABS.length - 1);
    expect(html).toMatch(/aria-selected="true" tabindex="0" class="status-tab"><span class="status-tab-label">Edited<\/span>/);
    expect(html, "zero counts are muted").toContain('<span class="status-tab-count empty" data-testid="count-approved">0</span>');
    expect(html, "every status keeps its count test id").toContain('data-testid="count-needs_sme"');
  });
});

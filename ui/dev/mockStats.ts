// The mock's answer to `stats`, derived from its own items and decisions (so the dashboard
// changes after each decision in the browser), and `?team=1`'s seeded history: three reviewers
// over the last two weeks, some items rated twice, so agreement and burn-down have something to
// show. The agreement maths here is a plain stand-in for the core's, good enough for a UI demo.
import type { Action } from "../src/bindings/Action";
import type { AgreementFigures } from "../src/bindings/AgreementFigures";
import type { BurnDownDay } from "../src/bindings/BurnDownDay";
import type { DayDecisions } from "../src/bindings/DayDecisions";
import type { Decision } from "../src/bindings/Decision";
import type { Item } from "../src/bindings/Item";
import type { ItemStatus } from "../src/bindings/ItemStatus";
import type { Outcomes } from "../src/bindings/Outcomes";
import type { PairAgreement } from "../src/bindings/PairAgreement";
import type { RejectReason } from "../src/bindings/RejectReason";
import type { ReviewerDecisions } from "../src/bindings/ReviewerDecisions";
import type { Stats } from "../src/bindings/Stats";
import type { VetterAgreement } from "../src/bindings/VetterAgreement";

export interface StatsRow {
  item: Item;
  history: Decision[];
}

type Deciding = Exclude<Action, "revert">;
const STATUS: Record<Deciding, ItemStatus> = { approve: "approved", edit: "edited", reject: "rejected", needs_sme: "needs_sme" };
const LABELS = ["approve", "edit", "reject"] as const;
const BUCKETS: [number, number | null][] = [[0, 0], [1, 2], [3, 5], [6, 10], [11, 20], [21, 50], [51, null]];
const DAY_MS = 86_400_000;

const dayOf = (iso: string) => iso.slice(0, 10);

/** The decisions still in force on an item: undone ones dropped, redone ones back. */
export function inForce(history: readonly Decision[]): Decision[] {
  const cancelled = new Set<string>();
  const revertTarget = new Map<string, string>();
  for (const d of history) {
    if (d.action !== "revert" || d.reverts === null) continue;
    revertTarget.set(d.id, d.reverts);
    const undone = revertTarget.get(d.reverts);
    if (undone !== undefined) cancelled.delete(undone);
    else cancelled.add(d.reverts);
  }
  return history.filter((d) => d.action !== "revert" && !cancelled.has(d.id));
}

/** Latest in-force decision per reviewer. */
function ratings(row: StatsRow): Map<string, Decision> {
  const latest = new Map<string, Decision>();
  for (const d of inForce(row.history)) latest.set(d.reviewer, d);
  return latest;
}

function counts<K extends string>(keys: Iterable<K>): Map<K, number> {
  const map = new Map<K, number>();
  for (const k of keys) map.set(k, (map.get(k) ?? 0) + 1);
  return map;
}

/** Krippendorff's α (nominal) and percent agreement over items with two or more counted ratings. */
function agreementOf(units: string[][]): AgreementFigures {
  const rated = units.filter((u) => u.length >= 2);
  if (rated.length === 0) return { items: 0, ratings: 0, percent_agreement: null, alpha: null };
  const o = new Map<string, number>();
  let agreeingPairs = 0;
  let pairs = 0;
  for (const unit of rated) {
    for (let i = 0; i < unit.length; i++) {
      for (let j = 0; j < unit.length; j++) {
        if (i === j) continue;
        const key = `${unit[i]}|${unit[j]}`;
        o.set(key, (o.get(key) ?? 0) + 1 / (unit.length - 1));
        if (j > i) {
          pairs += 1;
          if (unit[i] === unit[j]) agreeingPairs += 1;
        }
      }
    }
  }
  const n = [...o.values()].reduce((a, b) => a + b, 0);
  const marginal = (c: string) => [...o].filter(([k]) => k.startsWith(`${c}|`)).reduce((a, [, v]) => a + v, 0);
  let observed = 0;
  let expected = 0;
  for (const c of LABELS) {
    for (const k of LABELS) {
      if (c === k) continue;
      observed += o.get(`${c}|${k}`) ?? 0;
      expected += (marginal(c) * marginal(k)) / (n - 1);
    }
  }
  return {
    items: rated.length,
    ratings: rated.reduce((a, u) => a + u.length, 0),
    percent_agreement: agreeingPairs / pairs,
    alpha: expected === 0 ? null : 1 - observed / expected,
  };
}

/** Cohen's κ of two raters' labels on the same items; null when chance agreement is 1. */
function kappa(pairs: [string, string][]): number | null {
  const n = pairs.length;
  const observed = pairs.filter(([a, b]) => a === b).length / n;
  const a = counts(pairs.map((p) => p[0]));
  const b = counts(pairs.map((p) => p[1]));
  const chance = [...new Set([...a.keys(), ...b.keys()])].reduce((sum, c) => sum + ((a.get(c) ?? 0) / n) * ((b.get(c) ?? 0) / n), 0);
  return chance === 1 ? null : (observed - chance) / (1 - chance);
}

function outcomes(rows: readonly StatsRow[], keyOf: (item: Item) => string): Outcomes[] {
  const groups = new Map<string, Item[]>();
  for (const { item } of rows) groups.set(keyOf(item), [...(groups.get(keyOf(item)) ?? []), item]);
  return [...groups]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([key, items]) => {
      const c = counts(items.map((i) => i.status));
      const get = (s: ItemStatus) => c.get(s) ?? 0;
      const decided = items.length - get("pending");
      const rate = (s: ItemStatus) => (decided === 0 ? null : get(s) / decided);
      return {
        key,
        decided,
        approve_rate: rate("approved"),
        edit_rate: rate("edited"),
        reject_rate: rate("rejected"),
        needs_sme_rate: rate("needs_sme"),
        pending: get("pending"),
        approved: get("approved"),
        edited: get("edited"),
        rejected: get("rejected"),
        needs_sme: get("needs_sme"),
        // The mock has one reviewer per item, so nothing is ever in conflict.
        conflict: 0,
      };
    });
}

function burnDown(rows: readonly StatsRow[]): BurnDownDay[] {
  const added = counts(rows.map((r) => dayOf(r.item.created_at)));
  const decided = counts(
    rows.flatMap((r) => {
      const first = inForce(r.history)[0];
      return r.item.status === "pending" || first === undefined ? [] : [dayOf(first.decided_at)];
    }),
  );
  const days = [...new Set([...added.keys(), ...decided.keys()])].sort();
  let remaining = 0;
  return days.map((day) => {
    remaining += (added.get(day) ?? 0) - (decided.get(day) ?? 0);
    return { day, added: added.get(day) ?? 0, decided: decided.get(day) ?? 0, remaining };
  });
}

function vetterAgreement(rows: readonly StatsRow[]): VetterAgreement[] {
  const groups = new Map<string, Item[]>();
  for (const { item } of rows) {
    if (item.vetting === null || !["approved", "edited", "rejected"].includes(item.status)) continue;
    const key = `${item.domain}\u0000${item.vetting.model}`;
    groups.set(key, [...(groups.get(key) ?? []), item]);
  }
  return [...groups].sort(([a], [b]) => a.localeCompare(b)).map(([key, items]) => {
    const [domain = "", vetter = ""] = key.split("\u0000");
    const matrix: Record<string, Record<string, number>> = {};
    for (const item of items) {
      const verdict = item.vetting?.verdict ?? "";
      const row = (matrix[verdict] ??= {});
      row[item.status] = (row[item.status] ?? 0) + 1;
    }
    const binary: [string, string][] = items.map((i) => [i.vetting?.verdict === "pass" ? "ok" : "bad", i.status === "rejected" ? "bad" : "ok"]);
    return {
      domain,
      vetter,
      items: items.length,
      matrix,
      observed_agreement: binary.filter(([a, b]) => a === b).length / binary.length,
      kappa: kappa(binary),
    };
  });
}

export function mockStats(rows: readonly StatsRow[], reasons: readonly RejectReason[]): Stats {
  const decisions = rows.flatMap((r) => inForce(r.history).map((d) => ({ d, item: r.item })));
  const perDay = new Map<string, DayDecisions>();
  const perReviewer = new Map<string, ReviewerDecisions>();
  for (const { d } of decisions) {
    const action = d.action as Deciding;
    const day = (perDay.get(dayOf(d.decided_at)) ?? perDay.set(dayOf(d.decided_at), { day: dayOf(d.decided_at), approve: 0, edit: 0, reject: 0, needs_sme: 0, total: 0 }).get(dayOf(d.decided_at)))!;
    const who = (perReviewer.get(d.reviewer) ?? perReviewer.set(d.reviewer, { reviewer: d.reviewer, approve: 0, edit: 0, reject: 0, needs_sme: 0, total: 0 }).get(d.reviewer))!;
    for (const bucket of [day, who]) {
      bucket[action] += 1;
      bucket.total += 1;
    }
  }

  // Reasons of rejected items: the reason of each one's latest in-force reject.
  const reasonCounts = counts(
    rows.flatMap((r) => {
      const reject = inForce(r.history).filter((d) => d.action === "reject").pop();
      return r.item.status === "rejected" && reject?.reason != null ? [reject.reason] : [];
    }),
  );

  const edits = decisions.filter(({ d, item }) => d.action === "edit" && item.status === "edited");
  const distances = edits.flatMap(({ d }) => (d.edit_distance === null ? [] : [d.edit_distance])).sort((a, b) => a - b);

  // Agreement: latest counted label per reviewer on each item (needs-SME left out).
  const labelled = rows.map((r) => ({ item: r.item, latest: [...ratings(r)].filter(([, d]) => d.action !== "needs_sme") }));
  const rated = labelled.filter((u) => u.latest.length >= 2);
  const needsSme = rows.filter((r) => ratings(r).size >= 2).reduce((n, r) => n + [...ratings(r).values()].filter((d) => d.action === "needs_sme").length, 0);
  const labelsOf = (units: typeof labelled) => units.map((u) => u.latest.map(([, d]) => d.action as string));
  const groupBy = (keyOf: (u: (typeof labelled)[number]) => string) => {
    const groups = new Map<string, typeof labelled>();
    for (const u of rated) groups.set(keyOf(u), [...(groups.get(keyOf(u)) ?? []), u]);
    return [...groups].sort(([a], [b]) => a.localeCompare(b));
  };
  const pairs = new Map<string, [string, string][]>();
  for (const u of rated) {
    const byName = [...u.latest].sort(([a], [b]) => a.localeCompare(b));
    for (let i = 0; i < byName.length; i++) {
      for (let j = i + 1; j < byName.length; j++) {
        const [a, da] = byName[i]!;
        const [b, db] = byName[j]!;
        const key = `${a}\u0000${b}`;
        pairs.set(key, [...(pairs.get(key) ?? []), [da.action, db.action]]);
      }
    }
  }
  const byPair: PairAgreement[] = [...pairs].sort(([a], [b]) => a.localeCompare(b)).map(([key, labels]) => {
    const [reviewer_a = "", reviewer_b = ""] = key.split("\u0000");
    return {
      reviewer_a,
      reviewer_b,
      items: labels.length,
      percent_agreement: labels.filter(([a, b]) => a === b).length / labels.length,
      kappa: kappa(labels),
    };
  });

  const statusCount = counts(rows.map((r) => r.item.status));
  const get = (s: ItemStatus) => statusCount.get(s) ?? 0;
  const median = distances.length === 0 ? null : distances.length % 2 === 1 ? distances[(distances.length - 1) / 2]! : (distances[distances.length / 2 - 1]! + distances[distances.length / 2]!) / 2;
  return {
    total: rows.length,
    decisions: decisions.length,
    decisions_by_day: [...perDay.values()].sort((a, b) => a.day.localeCompare(b.day)),
    decisions_by_reviewer: [...perReviewer.values()].sort((a, b) => a.reviewer.localeCompare(b.reviewer)),
    outcomes_by_model: outcomes(rows, (i) => i.model),
    outcomes_by_domain: outcomes(rows, (i) => i.domain),
    reject_reasons: [...reasonCounts]
      .sort(([a, x], [b, y]) => y - x || a.localeCompare(b))
      .map(([reason, count]) => ({ reason, label: reasons.find((r) => r.id === reason)?.label ?? reason, count })),
    edit_distance: {
      edits: edits.length,
      unknown: edits.length - distances.length,
      mean: distances.length === 0 ? null : distances.reduce((a, b) => a + b, 0) / distances.length,
      median,
      max: distances.length === 0 ? null : distances[distances.length - 1]!,
      buckets: BUCKETS.map(([from, to]) => ({ from, to, count: distances.filter((x) => x >= from && (to === null || x <= to)).length })),
    },
    burn_down: burnDown(rows),
    agreement: {
      labels: [...LABELS],
      needs_sme_ratings: needsSme,
      overall: agreementOf(labelsOf(rated)),
      by_domain: groupBy((u) => u.item.domain).map(([domain, units]) => ({ domain, ...agreementOf(labelsOf(units)) })),
      by_day: groupBy((u) => u.latest.map(([, d]) => dayOf(d.decided_at)).sort().pop() ?? "").map(([day, units]) => ({ day, ...agreementOf(labelsOf(units)) })),
      by_pair: byPair,
      // The generated decisions carry no picks, so no comparison is counted by its picks.
      picks: { items: 0, ratings: 0, percent_agreement: null, alpha: null },
    },
    vetter: vetterAgreement(rows),
    forms: [],
    claims: [],
    pending: get("pending"),
    approved: get("approved"),
    edited: get("edited"),
    rejected: get("rejected"),
    needs_sme: get("needs_sme"),
    conflict: 0,
  };
}

// ---------- ?team=1: a seeded two-week history ----------

/** Small deterministic PRNG (mulberry32), so the seeded history is the same on every load. */
function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const TEAM = ["ana.sme", "ben.analyst", "dana.reviewer"];

/**
 * Items arrive in batches over the last 14 days; about two thirds get decided by one of three
 * reviewers (models and verdicts skew the outcome), and one in four of those a second time by
 * another reviewer, who mostly agrees.
 */
export function seedTeamHistory(rows: StatsRow[], reasons: readonly RejectReason[], now = Date.now()): void {
  const next = random(42);
  const today = Math.floor(now / DAY_MS);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(next() * list.length)]!;
  rows.forEach((row, index) => {
    const created = today - 13 + Math.min(Math.floor(index / Math.max(1, rows.length / 6)), 5) * 2;
    const createdAt = new Date(created * DAY_MS + 9 * 3_600_000).toISOString();
    row.item = { ...row.item, created_at: createdAt, updated_at: createdAt };
    if (next() > 0.68) return;
    const vettingFail = row.item.vetting?.verdict === "fail";
    const skew = row.item.model.includes("coder") ? 0.12 : row.item.model.includes("llama") ? -0.1 : 0;
    const choose = (): Deciding => {
      const r = next();
      if (vettingFail && r < 0.55) return "reject";
      if (r < 0.52 + skew) return "approve";
      if (r < 0.76 + skew / 2) return "edit";
      return r < 0.94 ? "reject" : "needs_sme";
    };
    const day = Math.min(today, created + Math.floor(next() * 6));
    const first = pick(TEAM);
    const action = choose();
    const decisions: Deciding[] = [action];
    const reviewers = [first];
    if (next() < 0.25) {
      reviewers.push(pick(TEAM.filter((t) => t !== first)));
      decisions.push(next() < 0.78 ? action : choose());
    }
    reviewers.forEach((reviewer, i) => {
      const act = decisions[i]!;
      const decidedAt = new Date(day * DAY_MS + (10 + i * 3 + next() * 6) * 3_600_000).toISOString();
      row.history.push({
        id: `seed-${index}-${i}`,
        item: row.item.external_id,
        item_version: row.item.version,
        reviewer,
        action: act,
        edited: null,
        reason: act === "reject" ? pick(reasons.slice(0, 5)).id : null,
        note: act === "needs_sme" ? "Is this figure from the current fiscal year?" : null,
        decided_at: decidedAt,
        reverts: null,
        edit_distance: act === "edit" ? Math.round(Math.exp(next() * 4)) - 1 : null,
        pick: null,
      });
      row.item = { ...row.item, status: STATUS[act], version: row.item.version + 1, updated_at: decidedAt };
    });
  });
}

"""Recomputes Vetted's agreement values with reference implementations and fails on any
difference above 1e-9: Krippendorff's alpha (nominal) with the `krippendorff` package, Cohen's
kappa with `sklearn.metrics.cohen_kappa_score`, and the vetter alignment report's kappa, accuracy,
precision and recall (of catching rejections) with scikit-learn's. Percent agreement has no reference package; it is
recomputed here from its definition (mean over units of the share of agreeing rating pairs).

Usage: check_agreement.py DIR   (DIR/agreement.json, written by scripts/test-agreement.sh)
"""

import itertools
import json
import math
import sys
import warnings
from importlib.metadata import version

import krippendorff
import numpy as np
from sklearn.metrics import accuracy_score, cohen_kappa_score, precision_score, recall_score

TOLERANCE = 1e-9
LABELS = {"approve": 0, "edit": 1, "reject": 2}
failures = []
checked = 0


def reference_alpha(raters, level="nominal"):
    data = np.array([[np.nan if v is None else float(v) for v in row] for row in raters])
    try:
        with warnings.catch_warnings(), np.errstate(all="ignore"):
            warnings.simplefilter("ignore")
            value = krippendorff.alpha(reliability_data=data, level_of_measurement=level)
    except ValueError:  # "There has to be more than one value in the domain."
        return None
    return None if math.isnan(value) else float(value)


def reference_kappa(a, b):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        value = cohen_kappa_score(a, b)
    return None if math.isnan(value) else float(value)


def percent_agreement(raters):
    shares = []
    for unit in zip(*raters):
        values = [v for v in unit if v is not None]
        if len(values) >= 2:
            pairs = list(itertools.combinations(values, 2))
            shares.append(sum(x == y for x, y in pairs) / len(pairs))
    return sum(shares) / len(shares) if shares else None


def check(name, what, vetted, reference):
    global checked
    checked += 1
    if vetted is None or reference is None:
        ok = vetted is None and reference is None
    else:
        ok = abs(vetted - reference) <= TOLERANCE
    if not ok:
        failures.append(f"{name}: {what}: vetted {vetted!r}, reference {reference!r}")


def main(directory):
    with open(f"{directory}/agreement.json") as f:
        doc = json.load(f)

    for t in doc["tables"]:
        check(t["name"], "alpha", t["vetted"]["alpha"], reference_alpha(t["raters"]))
        check(t["name"], "alpha (ordinal)", t["vetted"]["alpha_ordinal"],
              reference_alpha(t["raters"], "ordinal"))
        check(t["name"], "alpha (interval)", t["vetted"]["alpha_interval"],
              reference_alpha(t["raters"], "interval"))
        check(t["name"], "percent agreement", t["vetted"]["percent_agreement"],
              percent_agreement(t["raters"]))
    for p in doc["pairs"]:
        check(p["name"], "kappa", p["vetted"]["kappa"], reference_kappa(p["a"], p["b"]))
        check(p["name"], "percent agreement", p["vetted"]["percent_agreement"],
              sum(x == y for x, y in zip(p["a"], p["b"])) / len(p["a"]))

    # The alignment report: the vetter keeps with pass, the human with approved/edited; the
    # positive class is a rejection, caught by flag or fail. Undefined (None) where scikit-learn
    # divides by zero.
    for n, entry in enumerate(doc["alignment"]):
        name = f"alignment list {n} ({len(entry['pairs'])} pairs)"
        vetter_keeps = [int(v == "pass") for v, _ in entry["pairs"]]
        human_keeps = [int(h != "rejected") for _, h in entry["pairs"]]
        caught = [1 - k for k in vetter_keeps]
        rejected = [1 - k for k in human_keeps]
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            precision = precision_score(rejected, caught, zero_division=np.nan)
            recall = recall_score(rejected, caught, zero_division=np.nan)
        undefined = lambda v: None if math.isnan(v) else float(v)
        vetted = entry["vetted"]
        check(name, "kappa", vetted["kappa"], reference_kappa(vetter_keeps, human_keeps))
        check(name, "accuracy", vetted["accuracy"], float(accuracy_score(human_keeps, vetter_keeps)))
        check(name, "precision", vetted["precision"], undefined(precision))
        check(name, "recall", vetted["recall"], undefined(recall))

    # The published values themselves, as the papers print them (rounded to 3 places).
    published = {t["name"]: t for t in doc["tables"]} | {p["name"]: p for p in doc["pairs"]}
    for name, key, value in [
        ("Krippendorff 2011, section C (alpha 0.743)", "alpha", 0.743),
        ("Krippendorff 2011, section C (alpha 0.743)", "alpha_ordinal", 0.815),
        ("Krippendorff 2011, section C (alpha 0.743)", "alpha_interval", 0.849),
        ("textbook yes/no 20-5-10-15 (kappa 0.4)", "kappa", 0.4),
        ("Fleiss, Levin & Paik table 18.1 (kappa 0.676)", "kappa", 0.676),
    ]:
        if round(published[name]["vetted"][key], 3) != value:
            failures.append(f"{name}: {key} {published[name]['vetted'][key]} does not round "
                            f"to the published {value}")

    # Store::stats on a randomly reviewed database against the ratings the test recorded.
    db = doc["database"]
    agreement = db["agreement"]
    units = db["units"]
    reviewers = sorted(units[0]["ratings"]) if units else []

    def matrix(selected):
        return [[LABELS.get(u["ratings"][r]) for u in selected] for r in reviewers]

    def figures(name, selected, vetted):
        m = matrix(selected)
        pairable = [u for u in zip(*m) if sum(v is not None for v in u) >= 2]
        if vetted["items"] != len(pairable):
            failures.append(f"{name}: items {vetted['items']} != {len(pairable)}")
        ratings = sum(sum(v is not None for v in u) for u in pairable)
        if vetted["ratings"] != ratings:
            failures.append(f"{name}: ratings {vetted['ratings']} != {ratings}")
        check(name, "alpha", vetted["alpha"], reference_alpha(m) if pairable else None)
        check(name, "percent agreement", vetted["percent_agreement"], percent_agreement(m))

    figures("database overall", units, agreement["overall"])
    domains = sorted({u["domain"] for u in units})
    by_domain = {d["domain"]: d for d in agreement["by_domain"]}
    for domain in domains:
        selected = [u for u in units if u["domain"] == domain]
        if domain in by_domain:
            figures(f"database domain {domain}", selected, by_domain[domain])
        elif any(sum(LABELS.get(v) is not None for v in u["ratings"].values()) >= 2
                 for u in selected):
            failures.append(f"database domain {domain}: missing from by_domain")
    if sum(d["items"] for d in agreement["by_day"]) != agreement["overall"]["items"]:
        failures.append("database: by_day items do not add up to the overall items")

    by_pair = {(p["reviewer_a"], p["reviewer_b"]): p for p in agreement["by_pair"]}
    for a, b in itertools.combinations(reviewers, 2):
        both = [(LABELS[u["ratings"][a]], LABELS[u["ratings"][b]]) for u in units
                if LABELS.get(u["ratings"][a]) is not None
                and LABELS.get(u["ratings"][b]) is not None]
        if not both:
            if (a, b) in by_pair:
                failures.append(f"database pair {a}/{b}: reported without common items")
            continue
        p = by_pair.get((a, b))
        if p is None:
            failures.append(f"database pair {a}/{b}: missing")
            continue
        if p["items"] != len(both):
            failures.append(f"database pair {a}/{b}: items {p['items']} != {len(both)}")
        check(f"database pair {a}/{b}", "kappa", p["kappa"],
              reference_kappa([x for x, _ in both], [y for _, y in both]))
        check(f"database pair {a}/{b}", "percent agreement", p["percent_agreement"],
              sum(x == y for x, y in both) / len(both))
    needs_sme = sum(
        sum(v == "needs_sme" for v in u["ratings"].values())
        for u in units if sum(v is not None for v in u["ratings"].values()) >= 2)
    if agreement["needs_sme_ratings"] != needs_sme:
        failures.append(f"database: needs_sme_ratings {agreement['needs_sme_ratings']} "
                        f"!= {needs_sme}")
    if agreement["overall"]["items"] < 5 or not by_pair:
        failures.append("database: too little overlap to test anything; change the seed")

    if failures:
        print(f"{len(failures)} of {checked} agreement checks failed:", file=sys.stderr)
        for f in failures[:50]:
            print(f"  {f}", file=sys.stderr)
        sys.exit(1)
    versions = f"krippendorff {version('krippendorff')}, scikit-learn {version('scikit-learn')}"
    print(f"agreement: {checked} values equal to the references ({versions}) within "
          f"{TOLERANCE:g} ({len(doc['tables'])} tables, "
          f"{len(doc['pairs'])} pairs, {len(doc['alignment'])} alignment lists, "
          f"{agreement['overall']['items']} overlapping items in the "
          f"database, {len(by_pair)} reviewer pairs)")


if __name__ == "__main__":
    main(sys.argv[1])

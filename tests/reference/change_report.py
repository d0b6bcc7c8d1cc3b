#!/usr/bin/env python3
"""Independent reference for the change report (README, "The change report").

    python3 tests/reference/change_report.py BEFORE.csv AFTER.csv [--money-floor DOLLARS]

Reads both files by the README's rules (through sample_figures.py, which shares no code with
reelstat) and prints, as JSON, what reelstat's report says under "changes": the movies added,
removed and changed by field, the companies and genres added and removed, and the (owner, year)
figures that moved most. Companies and genres of a movie are compared as sets of ids; the owners
of a catalog are those at least one of its movies links to. figures_moved: for companies, then
genres, and for releases, budget_total, revenue_total in turn, the ten rows with the largest
|after - before| (a missing row counts 0), ties by (owner id, year).
"""
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import sample_figures as ref  # noqa: E402

FIELDS = ("title", "budget", "revenue", "popularity", "release_date", "status", "companies", "genres")
FIGURES = (("releases", "releases"), ("budget_total", "b"), ("revenue_total", "r"))
MOST_MOVED = 10


def fields(m):
    return dict(title=m["title"], budget=m["budget"], revenue=m["revenue"], popularity=m["pop"],
                release_date=m["date"], status=m["status"],
                companies=frozenset(i for i, _ in m["companies"]),
                genres=frozenset(i for i, _ in m["genres"]))


def owners(movies, key):
    return {i for m in movies.values() for i, _ in m[key]}


def moved(before, after, figure):
    rows = []
    for key in set(before) | set(after):
        was = before[key][figure] if key in before else 0
        now = after[key][figure] if key in after else 0
        if was != now:
            rows.append((-abs(now - was), key[0], key[1], was, now))
    rows.sort()
    return [dict(id=oid, year=year, before=was, after=now) for _, oid, year, was, now in rows[:MOST_MOVED]]


def main():
    if "--money-floor" in sys.argv:
        ref.MONEY_FLOOR = int(sys.argv[sys.argv.index("--money-floor") + 1])
    before, _ = ref.load(sys.argv[1])
    after, _ = ref.load(sys.argv[2])
    by_field = {f: 0 for f in FIELDS}
    changed = 0
    for mid in set(before) & set(after):
        a, b = fields(before[mid]), fields(after[mid])
        differing = [f for f in FIELDS if a[f] != b[f]]
        changed += bool(differing)
        for f in differing:
            by_field[f] += 1
    out = dict(movies=dict(added=len(set(after) - set(before)), removed=len(set(before) - set(after)),
                           changed=changed, changed_by_field=by_field))
    for kind in ("companies", "genres"):
        was, now = owners(before, kind), owners(after, kind)
        out[kind] = dict(added=len(now - was), removed=len(was - now))
    figures = []
    for kind, owner in (("companies", "company"), ("genres", "genre")):
        rb, ra = ref.rollup(before, kind), ref.rollup(after, kind)
        for name, figure in FIGURES:
            figures += [dict(owner=owner, figure=name, **row) for row in moved(rb, ra, figure)]
    out["figures_moved"] = figures
    print(json.dumps(out))


if __name__ == "__main__":
    main()

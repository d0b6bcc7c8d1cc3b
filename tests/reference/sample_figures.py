#!/usr/bin/env python3
"""Independent reference for the figures the sample-ingest test expects.

Written from the rules in the ingest issue, with Python's csv module and ast.literal_eval, sharing
no code with reelstat. The C++ tests hold the numbers this prints; rerun it to re-derive them:
    python3 tests/reference/sample_figures.py tests/data/movies_metadata.sample.csv
"""
import ast
import csv
import sys
from collections import defaultdict
from fractions import Fraction
from decimal import Decimal, ROUND_HALF_UP

path = sys.argv[1]  # then optionally --rows-json OUT
with open(path, newline="", encoding="utf-8") as f:
    rows = list(csv.DictReader(f))

movies = {}
rejected = defaultdict(int)
for row in rows:
    mid = int(row["id"])
    if mid in movies:
        rejected["duplicate_id"] += 1
        continue
    def money(v):
        if v == "":
            return None
        d = Decimal(v)
        d = d.quantize(Decimal(1), rounding=ROUND_HALF_UP)
        return None if d == 0 else int(d)
    def pop(v):
        if v == "":
            return None
        return Fraction(Decimal(v)).limit_denominator(10**6) if False else Decimal(v).quantize(Decimal("0.000001"), rounding=ROUND_HALF_UP)
    def refs(v):
        if v.strip() in ("", "[]"):
            return []
        out = []
        for d in ast.literal_eval(v):
            if d["id"] not in [i for i, _ in out]:
                out.append((d["id"], d["name"]))
        return out
    movies[mid] = dict(
        budget=money(row["budget"]), revenue=money(row["revenue"]), pop=pop(row["popularity"]),
        date=row["release_date"], status=row["status"].strip(), title=row["title"],
        genres=refs(row["genres"]), companies=refs(row["production_companies"]))

print("records read", len(rows), "loaded", len(movies), "rejected", dict(rejected))
excl = defaultdict(int)
for m in movies.values():
    if m["status"].lower() != "released":
        excl["not_released"] += 1
    elif not m["date"]:
        excl["no_release_date"] += 1
print("excluded", dict(excl))
companies, genres = {}, {}
for m in movies.values():
    for i, n in m["companies"]:
        companies.setdefault(i, n)
    for i, n in m["genres"]:
        genres.setdefault(i, n)
print("companies", len(companies), "genres", len(genres))

def rollup(kind):
    table = defaultdict(lambda: dict(releases=0, b=0, bm=0, r=0, rm=0, p=0, pm=0, bs=Fraction(0), rs=Fraction(0),
                                     ps=Fraction(0), pop=Decimal(0), popm=0))
    for m in movies.values():
        if m["status"].lower() != "released" or not m["date"]:
            continue
        year = int(m["date"][:4])
        owners = m[kind]
        for oid, _ in owners:
            t = table[(oid, year)]
            t["releases"] += 1
            n = len(owners)
            if m["budget"] is not None:
                t["b"] += m["budget"]; t["bm"] += 1; t["bs"] += Fraction(m["budget"], n)
            if m["revenue"] is not None:
                t["r"] += m["revenue"]; t["rm"] += 1; t["rs"] += Fraction(m["revenue"], n)
            if m["budget"] is not None and m["revenue"] is not None:
                t["p"] += m["revenue"] - m["budget"]; t["pm"] += 1; t["ps"] += Fraction(m["revenue"] - m["budget"], n)
            if m["pop"] is not None:
                t["pop"] += m["pop"]; t["popm"] += 1
    return table

def cents(fr):
    return (Decimal(fr.numerator) / Decimal(fr.denominator)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)

def show(table, key, names):
    t = table[key]
    avg = (t["pop"] / t["popm"]).quantize(Decimal("0.000001"), rounding=ROUND_HALF_UP) if t["popm"] else None
    print(key, names.get(key[0]), {k: t[k] for k in ("releases", "b", "bm", "r", "rm", "p", "pm", "popm")},
          "pop total", t["pop"], "avg", avg, "split b/r/p", cents(t["bs"]), cents(t["rs"]), cents(t["ps"]))

C, G = rollup("companies"), rollup("genres")
print("company-year rows", len(C), "genre-year rows", len(G))
for key in [(3, 1995), (33, 1995), (6194, 1995), (4, 1995)]:
    show(C, key, companies)
for key in [(18, 1995), (16, 1995), (28, 2000)]:
    show(G, key, genres)

def rank_key(t, by):
    if by == "avg":
        return (t["popm"] > 0, t["pop"] / t["popm"] if t["popm"] else 0)
    if by == "profit":
        return (t["pm"] > 0, t["p"])
    if by == "releases":
        return (True, t["releases"])
for year in (1990, 1991, 1992, 1993, 1995, 2000):
    best = sorted(((k, t) for k, t in G.items() if k[1] == year),
                  key=lambda kt: (not rank_key(kt[1], "avg")[0], -rank_key(kt[1], "avg")[1], -kt[1]["releases"], kt[0][0]))[0]
    print("most popular", year, best[0][0], genres[best[0][0]], best[1]["releases"])
top = sorted(((k, t) for k, t in C.items() if k[1] == 1995),
             key=lambda kt: (not rank_key(kt[1], "profit")[0], -rank_key(kt[1], "profit")[1], -kt[1]["releases"], kt[0][0]))
print("top companies by profit 1995", [(k[0], companies[k[0]], t["p"]) for k, t in top[:3]], "of", len(top))
# Company with the most releases overall.
tot = defaultdict(int)
for (cid, _), t in C.items():
    tot[cid] += t["releases"]
print("most releases", sorted(tot.items(), key=lambda kv: (-kv[1], kv[0]))[:3])
print("universal 1995 releases by genre",
      sorted(((g, sum(1 for m in movies.values() if m["status"].lower() == "released" and m["date"][:4] == "1995"
                     and 33 in [i for i, _ in m["companies"]] and g in [i for i, _ in m["genres"]]))
              for g in genres), key=lambda x: (-x[1], x[0]))[:4])

# With --rows-json OUT: every company-year and genre-year row, for the test that compares each of
# them with the snapshot (tests/ingest_sample_test.cpp, in CI). Split money in exact cents, rounded
# half away from zero; popularity in millionths.
def exact_cents(fr):
    scaled = abs(fr) * 100
    whole = scaled.numerator // scaled.denominator
    if (scaled - whole) * 2 >= 1:
        whole += 1
    return whole if fr >= 0 else -whole

if "--rows-json" in sys.argv:
    import json
    out = {}
    for kind, table in (("company", C), ("genre", G)):
        for (oid, year), t in table.items():
            out[f"{kind}:{oid}:{year}"] = [t["releases"], t["b"], t["bm"], t["r"], t["rm"], t["p"], t["pm"],
                                          exact_cents(t["bs"]), exact_cents(t["rs"]), exact_cents(t["ps"]),
                                          int(t["pop"] * 1000000), t["popm"]]
    with open(sys.argv[sys.argv.index("--rows-json") + 1], "w") as f:
        json.dump(out, f)

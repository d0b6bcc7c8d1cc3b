#!/usr/bin/python3
"""Compares a baseline's rollups (company_years.csv, genre_years.csv) with a reelstat snapshot, row
by row: releases, budget/revenue/profit totals and counts exactly, popularity average to 1e-6.
Usage: compare_rollups.py SNAPSHOT.sqlite BASELINE_DIR. Prints 'equal' or what differs."""
import csv
import sqlite3
import sys

snapshot, folder = sys.argv[1], sys.argv[2]
db = sqlite3.connect(f"file:{snapshot}?mode=ro", uri=True)
problems = []
for table, owner in (("company_years", "company_id"), ("genre_years", "genre_id")):
    ours = {}
    for row in db.execute(f"SELECT {owner}, year, releases, budget_total, budget_movies, revenue_total, revenue_movies,"
                          f" profit_total, profit_movies, popularity_micros_total, popularity_movies FROM {table}"):
        avg = row[9] / 1e6 / row[10] if row[10] else None  # the snapshot keeps popularity in millionths
        ours[(row[0], row[1])] = (row[2], row[3], row[4], row[5], row[6], row[7], row[8], avg)
    theirs = {}
    with open(f"{folder}/{table}.csv", newline="") as f:
        for r in csv.DictReader(f):
            num = lambda k: int(float(r[k])) if r[k] not in ("", "nan") else 0
            avg = float(r["popularity_average"]) if r["popularity_average"] not in ("", "nan") else None
            theirs[(int(float(r["owner"])), int(float(r["year"])))] = (
                num("releases"), num("budget_total"), num("budget_movies"), num("revenue_total"),
                num("revenue_movies"), num("profit_total"), num("profit_movies"), avg)
    missing = ours.keys() - theirs.keys()
    extra = theirs.keys() - ours.keys()
    differing = []
    for key in ours.keys() & theirs.keys():
        a, b = ours[key], theirs[key]
        same = a[:7] == b[:7] and ((a[7] is None) == (b[7] is None)) and (a[7] is None or abs(a[7] - b[7]) <= 1e-6 * max(1, abs(a[7])))
        if not same:
            differing.append((key, a, b))
    if missing or extra or differing:
        example = differing[0] if differing else (sorted(missing)[:1] or sorted(extra)[:1])
        problems.append(f"{table}: {len(ours)} rows here, {len(theirs)} there; {len(missing)} missing there, "
                        f"{len(extra)} extra there, {len(differing)} differ (e.g. {example})")
print("equal" if not problems else "; ".join(problems))

#!/usr/bin/env python3
"""Distinct routes for bench/read_path.sh: every company's /years, then each of its years'
/movies, then each year's rankings, in that order.

    read_path_sweep.py HOST PORT N          # asks N distinct routes (listing requests count)
    read_path_sweep.py HOST PORT 0 --list   # prints every such route, one per line
"""
import http.client
import json
import sys
import time

host, port, limit = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
listing = "--list" in sys.argv
connection = http.client.HTTPConnection(host, port, timeout=60)
asked = 0


def get(path):
    global asked
    connection.request("GET", path)
    r = connection.getresponse()
    body = r.read()
    asked += 1
    if r.status != 200:
        raise SystemExit(f"{path}: {r.status} {body[:200]!r}")
    return json.loads(body)


def routes():
    total = get("/v1/companies?limit=1")["total"]
    ids = []
    for offset in range(0, total, 1000):
        ids += [c["id"] for c in get(f"/v1/companies?limit=1000&offset={offset}")["companies"]]
    years = set()
    for cid in ids:
        if listing:  # otherwise it was just asked, by the line below
            yield f"/v1/companies/{cid}/years"
        for row in get(f"/v1/companies/{cid}/years")["years"]:
            years.add(row["year"])
            yield f"/v1/companies/{cid}/years/{row['year']}/movies"
    for y in sorted(years):
        for by in ("profit", "revenue", "budget", "releases"):
            yield f"/v1/years/{y}/companies?by={by}"


start = time.monotonic()
if listing:
    for path in routes():
        print(path)
else:
    for path in routes():
        if asked >= limit:
            break
        get(path)
    print(f"  {asked} distinct requests in {time.monotonic() - start:.1f} s")

#!/usr/bin/env python3
"""Compares every API route of a dataset between two reelstat binaries, byte for byte.

    python3 scripts/compare_read_paths.py OLD_BINARY NEW_BINARY [CSV]

For a change to the read path (or the snapshot layout): each binary ingests CSV (default: the
bundled sample) into its own temporary data directory and serves it on loopback with --no-auth;
then every route is asked of both: the dataset, the listings (with searches and pages), every
company's and genre's years (full and split), every (owner, year) figure and its movies, every
year's rankings by each measure, and a set of errors; each of them in JSON, with format=csv, and
with Accept: text/csv; each asked of the new binary twice, since a cached answer's second sending
may take another path. Exits 1 on the first difference, naming it.
"""
import http.client
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    def __init__(self, binary, csv, work):
        self.data = os.path.join(work, "data")
        subprocess.run([binary, "ingest", csv, "--data-dir", self.data], check=True, stdout=subprocess.DEVNULL)
        self.port = free_port()
        config = os.path.join(work, "serve.toml")
        with open(config, "w") as f:  # anonymous clients are rate-limited by address: not here
            f.write("anonymous_rate = 1000000000.0\nanonymous_burst = 1000000000.0\n")
        self.process = subprocess.Popen([binary, "serve", "--data-dir", self.data, "--no-auth", "--config", config,
                                         "--listen", f"127.0.0.1:{self.port}"], stdout=subprocess.DEVNULL,
                                        stderr=subprocess.DEVNULL)
        for _ in range(100):
            try:
                if self.get("/readyz")[0] == 200:
                    return
            except OSError:
                pass
            time.sleep(0.1)
        self.process.kill()
        self.process.wait()
        raise SystemExit(f"{binary} serve did not become ready")

    def get(self, target, accept=None):
        if not hasattr(self, "connection"):
            self.connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=10)
        headers = {"Accept-Encoding": "identity"}
        if accept:
            headers["Accept"] = accept
        try:
            self.connection.request("GET", target, headers=headers)
            r = self.connection.getresponse()
            return r.status, r.read()
        except (OSError, http.client.HTTPException):
            del self.connection
            raise

    def stop(self):
        self.process.send_signal(signal.SIGTERM)
        self.process.wait(timeout=20)


def targets(server):
    """Every route, discovered through the API itself."""
    yield "/v1/dataset"
    yield "/v1/genres"
    for by in ("avg_popularity", "total_popularity", "releases"):
        yield f"/v1/genres/most-popular?by={by}"
    yield "/v1/genres/most-popular?from=1990&to=2000"
    for q in ("", "pixar", "PIC", "'", "zzzz-none"):
        for page in ("", "&limit=7&offset=3", "&limit=0", "&limit=1000"):
            yield f"/v1/companies?q={q}{page}"
    companies = json.loads(server.get("/v1/companies?limit=1000")[1])
    total = companies["total"]
    ids = []
    for offset in range(0, total, 1000):
        page = json.loads(server.get(f"/v1/companies?limit=1000&offset={offset}")[1])
        ids += [("companies", c["id"]) for c in page["companies"]]
    ids += [("genres", g["id"]) for g in json.loads(server.get("/v1/genres")[1])["genres"]]
    years = set()
    for kind, oid in ids:
        for attribution in ("full", "split"):
            yield f"/v1/{kind}/{oid}/years?attribution={attribution}"
        yield f"/v1/{kind}/{oid}/years?from=1990&to=1999"
        for row in json.loads(server.get(f"/v1/{kind}/{oid}/years")[1])["years"]:
            y = row["year"]
            years.add(y)
            yield f"/v1/{kind}/{oid}/years/{y}"
            yield f"/v1/{kind}/{oid}/years/{y}?attribution=split"
            yield f"/v1/{kind}/{oid}/years/{y}/movies"
        yield f"/v1/{kind}/{oid}/years/1800"
    for y in sorted(years) + [1800]:
        for by in ("profit", "revenue", "budget", "releases", "avg_popularity", "total_popularity"):
            for attribution in ("full", "split"):
                yield f"/v1/years/{y}/companies?by={by}&attribution={attribution}&limit=1000"
                yield f"/v1/years/{y}/genres?by={by}&attribution={attribution}"
        yield f"/v1/years/{y}/companies?limit=5&offset=2"
    for bad in ("/v1/companies/abc/years", "/v1/companies/999999999/years", "/v1/genres/18/years?from=2000&to=1990",
                "/v1/years/0/genres", "/v1/companies?limit=-1", "/v1/nothing", "/v1/genres?x=1"):
        yield bad


def normalized(response):
    """The two ingests ran a moment apart: their times are the one thing allowed to differ."""
    status, body = response
    return status, re.sub(rb'"ingested_at":"[^"]*"', b'"ingested_at":"T"', body)


def main():
    old, new = sys.argv[1], sys.argv[2]
    csv = sys.argv[3] if len(sys.argv) > 3 else os.path.join(HERE, "..", "tests", "data", "movies_metadata.sample.csv")
    work = tempfile.mkdtemp(prefix="reelstat-compare-")
    servers = []
    try:
        # One by one: a server that never became ready leaves the one already started to `finally`.
        servers.append(Server(old, csv, os.path.join(work, "old")))
        servers.append(Server(new, csv, os.path.join(work, "new")))
        compared = 0
        for target in targets(servers[0]):
            as_csv = target + ("&" if "?" in target else "?") + "format=csv"
            for asked, accept in ((target, None), (as_csv, None), (target, "text/csv")):
                a, b = normalized(servers[0].get(asked, accept)), normalized(servers[1].get(asked, accept))
                # Asked of the new one again: a cached body sent a second time may take another
                # path (a large one is sent from the server's body file with sendfile).
                again = normalized(servers[1].get(asked, accept))
                for label, other in (("new", b), ("new, asked again", again)):
                    if a != other:
                        print(f"DIFFERENT {asked} (Accept: {accept})\n  old {a[0]} {a[1][:400]!r}\n"
                              f"  {label} {other[0]} {other[1][:400]!r}")
                        return 1
                compared += 1
        print(f"{compared} responses compared: identical, status and body")
        return 0
    finally:
        for s in servers:
            s.stop()
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())

#!/usr/bin/env python3
"""Independent reference for the figures reelstat publishes.

Written from the rules in the README (field count, id, money, popularity, date and Python-literal
list rules; duplicate ids; exclusions), with Python's csv module, decimal and ast.literal_eval,
sharing no code with reelstat.

    python3 tests/reference/sample_figures.py FILE [--rows-json OUT] [--money-floor DOLLARS]
    python3 tests/reference/sample_figures.py FILE --range-json OUT FROM TO  # a range's owners
    python3 tests/reference/sample_figures.py --literals CASES.json   # verdicts on list fields

Without --rows-json it prints the figures the sample-ingest test holds (rerun it to re-derive
them). With --rows-json it writes the counts and every company-year and genre-year row, for the
tests that compare each of them with a snapshot (tests/ingest_sample_test.cpp on the sample,
tests/synth_scale_test.cpp on a 10x file from `reelstat synth`).

Not modelled: broken quoting (a quote that never closes, text after a closing quote) and records
over 1 MiB, whose resynchronisation rules are the CSV reader's own; the script stops with an error
on them rather than guess.

The money floor (README): a budget or revenue above $0 and under $1,000 is implausible (counted
among the loaded movies); one under the floor (default $1,000, 0 for none) is read as unknown.
"""
import ast
import csv
import io
import json
import math
import re
import sys
import tokenize
from collections import defaultdict
from decimal import Decimal, ROUND_HALF_UP, localcontext
from fractions import Fraction

MAX_MONEY = 10**12
IMPLAUSIBLE_UNDER = 1000
MONEY_FLOOR = 1000  # main() sets it from --money-floor
MAX_POPULARITY_MICROS = 2**53 - 1
INT64_MAX = 2**63 - 1
BLANKS = " \t"
# ASCII digits only: Python's \d (and int(), Decimal()) also take other scripts' digits, which the
# rules do not.
MONEY = re.compile(r"(?:\d+(?:\.\d*)?|\.\d+)", re.ASCII)
POPULARITY = re.compile(r"(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?", re.ASCII)
DATE = re.compile(r"(\d{4})-(\d{2})-(\d{2})", re.ASCII)
UNKNOWN = None


def round_half_up(text, places):
    """The decimal TEXT rounded half up to PLACES decimals, as an integer count of 10^-PLACES units,
    or None when it is above 10^19 units (beyond every limit)."""
    with localcontext() as ctx:
        ctx.prec = 60
        d = Decimal(text)
        if d != 0 and d.adjusted() + places > 19:
            return None
        return int((d * (Decimal(10) ** places)).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def parse_id(text):
    text = text.strip(BLANKS)
    if not re.fullmatch(r"\d{1,19}", text, re.ASCII):
        return None
    value = int(text)
    return value if 0 < value <= INT64_MAX else None


def parse_money(text):
    """(ok, dollars or UNKNOWN)."""
    text = text.strip(BLANKS)
    if text == "":
        return True, UNKNOWN
    if not MONEY.fullmatch(text):
        return False, None
    dollars = round_half_up(text, 0)
    if dollars is None or dollars > MAX_MONEY:
        return False, None
    return True, (UNKNOWN if dollars == 0 else dollars)


def parse_popularity(text):
    """(ok, micros or UNKNOWN). Zero is a known popularity, unlike zero money."""
    text = text.strip(BLANKS)
    if text == "":
        return True, UNKNOWN
    if not POPULARITY.fullmatch(text):
        return False, None
    micros = round_half_up(text, 6)
    if micros is None or micros > MAX_POPULARITY_MICROS:
        return False, None
    return True, micros


def days_in_month(y, m):
    if m == 2:
        return 29 if (y % 4 == 0 and y % 100 != 0) or y % 400 == 0 else 28
    return 30 if m in (4, 6, 9, 11) else 31


def parse_date(text):
    """(ok, year or None for no date)."""
    text = text.strip(BLANKS)
    if text == "":
        return True, None
    m = DATE.fullmatch(text)
    if not m:
        return False, None
    y, mo, d = (int(g) for g in m.groups())
    if y < 1 or not 1 <= mo <= 12 or not 1 <= d <= days_in_month(y, mo):
        return False, None
    return True, y


_refs_cache = {}


def parse_refs(text):
    """(ok, [(id, name)]): empty, [] or a list of dicts with an integer id and a string name; an id
    listed twice counts once. Cached by text: the same lists repeat across a synthesized file."""
    if text in _refs_cache:
        return _refs_cache[text]
    result = (False, None)
    if text.strip(" \t\r\n") in ("", "[]"):
        result = (True, [])
    else:
        try:
            value = ast.literal_eval(text) if within_rule(text) else None
        except (ValueError, SyntaxError, MemoryError, RecursionError, TypeError):
            value = None
        if isinstance(value, list) and all(valid_ref(d) for d in value):
            out, seen = [], set()
            for d in value:
                if d["id"] not in seen:
                    seen.add(d["id"])
                    out.append((d["id"], d["name"]))
            result = (True, out)
    _refs_cache[text] = result
    return result


# docs/python-literals.md: the subset of Python literals the rules accept. ast.literal_eval is wider;
# these checks, on Python's own tokens and syntax tree, refuse what it accepts beyond the rule.
NUMBER_RULE = re.compile(r"(?:0+|[1-9][0-9]*)|(?:[0-9]+\.[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?|[0-9]+[eE][+-]?[0-9]+",
                         re.ASCII)
MAX_DEPTH = 32


def tokens_within_rule(text):
    try:
        tokens = list(tokenize.generate_tokens(io.StringIO(text).readline))
    except (tokenize.TokenError, SyntaxError):
        return False
    previous = None
    for i, tok in enumerate(tokens):
        if tok.type == tokenize.STRING:
            body = tok.string.lstrip("uU") if tok.string[:1] in "uU" else tok.string
            if body[:1] not in "'\"" or body.startswith(("\'\'\'", '"""')) or "\\N{" in body:
                return False  # r'', b'', f'', triple quotes, named escapes
            if previous is not None and previous.type == tokenize.STRING:
                return False  # implicit concatenation
        if tok.type == tokenize.NUMBER and not NUMBER_RULE.fullmatch(tok.string):
            return False
        if tok.type == tokenize.OP and tok.string in "+-":
            after = tokens[i + 1] if i + 1 < len(tokens) else None
            if after is None or after.type != tokenize.NUMBER or after.start != tok.end:
                return False  # a sign is written against its digits
        if tok.type == tokenize.ERRORTOKEN and not tok.string.isspace():
            return False
        if tok.type not in (tokenize.NL, tokenize.NEWLINE, tokenize.INDENT, tokenize.DEDENT):
            previous = tok
    return True


def depth_within_rule(node, depth):
    if depth > MAX_DEPTH:
        return False
    if isinstance(node, (ast.List, ast.Tuple)):
        return all(depth_within_rule(e, depth + 1) for e in node.elts)
    if isinstance(node, ast.Dict):
        return all(k is not None and depth_within_rule(k, depth + 1) and depth_within_rule(v, depth + 1)
                   for k, v in zip(node.keys, node.values))
    return isinstance(node, (ast.Constant, ast.UnaryOp))  # no sets, names, calls


def entry_within_rule(node):
    """An entry dict: string keys, no second 'id' or 'name', nested values within the depth."""
    if not isinstance(node, ast.Dict):
        return True  # refused later by valid_ref
    seen = set()
    for k, v in zip(node.keys, node.values):
        if not (isinstance(k, ast.Constant) and isinstance(k.value, str)):
            return False
        if k.value in ("id", "name"):
            if k.value in seen:
                return False
            seen.add(k.value)
        elif not depth_within_rule(v, 1):
            return False
    return True


def within_rule(text):
    if not tokens_within_rule(text):
        return False
    try:
        tree = ast.parse(text.strip(" \t\r\n"), mode="eval").body
    except (SyntaxError, ValueError, MemoryError, RecursionError):
        return False
    return isinstance(tree, ast.List) and all(entry_within_rule(e) for e in tree.elts)


def valid_ref(d):
    if not isinstance(d, dict):
        return False
    i, n = d.get("id"), d.get("name")
    if not isinstance(i, int) or isinstance(i, bool) or not -2**63 <= i <= INT64_MAX:
        return False
    if not isinstance(n, str):
        return False
    try:
        n.encode("utf-8")  # a name with invalid UTF-8 is read with surrogates: refused
    except UnicodeEncodeError:
        return False
    return True


def load(path):
    csv.field_size_limit(sys.maxsize)
    counts = dict(read=0, loaded=0, rejected=defaultdict(int), excluded=defaultdict(int),
                  implausible=dict(budget=0, revenue=0))
    movies = {}
    with open(path, newline="", encoding="utf-8", errors="surrogateescape") as f:
        reader = csv.reader(f, strict=True)
        header = [h.strip().lower() for h in next(reader)]
        col = {name: header.index(name) for name in
               ("id", "budget", "revenue", "popularity", "release_date", "genres",
                "production_companies", "status", "title")}
        try:
            for row in reader:
                counts["read"] += 1
                reason, movie = check(row, len(header), col, movies)
                if reason:
                    counts["rejected"][reason] += 1
                    continue
                movies[movie["id"]] = movie
                counts["loaded"] += 1
                for field in ("budget", "revenue"):
                    amount = movie[field]
                    if amount is not None and amount < IMPLAUSIBLE_UNDER:
                        counts["implausible"][field] += 1
                    if amount is not None and amount < MONEY_FLOOR:
                        movie[field] = UNKNOWN
                if movie["status"].lower() != "released":
                    counts["excluded"]["not_released"] += 1
                elif movie["year"] is None:
                    counts["excluded"]["no_release_date"] += 1
        except csv.Error as e:
            sys.exit(f"{path}: broken quoting near record {counts['read']}, which this reference does not model: {e}")
    return movies, counts


def check(row, fields, col, loaded):
    """(reason, None) for a rejected record, (None, movie) for a loaded one, in the README's order."""
    if len(row) != fields:
        return "field_count", None
    mid = parse_id(row[col["id"]])
    if mid is None:
        return "bad_id", None
    if mid in loaded:
        return "duplicate_id", None
    ok, budget = parse_money(row[col["budget"]])
    if not ok:
        return "bad_budget", None
    ok, revenue = parse_money(row[col["revenue"]])
    if not ok:
        return "bad_revenue", None
    ok, pop = parse_popularity(row[col["popularity"]])
    if not ok:
        return "bad_popularity", None
    ok, year = parse_date(row[col["release_date"]])
    if not ok:
        return "bad_release_date", None
    ok, genres = parse_refs(row[col["genres"]])
    if not ok:
        return "bad_genres", None
    ok, companies = parse_refs(row[col["production_companies"]])
    if not ok:
        return "bad_production_companies", None
    return None, dict(id=mid, budget=budget, revenue=revenue, pop=pop, year=year,
                      date=row[col["release_date"]].strip(BLANKS) or None,
                      status=row[col["status"]].strip(BLANKS), title=row[col["title"]],
                      genres=genres, companies=companies)


def rollup(movies, kind):
    """(owner id, year) -> figures. Split sums are kept per owner count n as whole-dollar sums and
    divided exactly at the end."""
    table = defaultdict(lambda: dict(releases=0, b=0, bm=0, r=0, rm=0, p=0, pm=0, pop=0, popm=0,
                                     bs=defaultdict(int), rs=defaultdict(int), ps=defaultdict(int)))
    for m in movies.values():
        if m["status"].lower() != "released" or m["year"] is None:
            continue
        owners = m[kind]
        n = len(owners)
        b, r = m["budget"], m["revenue"]
        for oid, _ in owners:
            t = table[(oid, m["year"])]
            t["releases"] += 1
            if b is not None:
                t["b"] += b; t["bm"] += 1; t["bs"][n] += b
            if r is not None:
                t["r"] += r; t["rm"] += 1; t["rs"][n] += r
            if b is not None and r is not None:
                t["p"] += r - b; t["pm"] += 1; t["ps"][n] += r - b
            if m["pop"] is not None:
                t["pop"] += m["pop"]; t["popm"] += 1
    for t in table.values():
        for k in ("bs", "rs", "ps"):
            t[k] = split_cents(t[k])
    return table


def split_cents(sums_by_count):
    """The sum over n of (dollars summed over movies with n owners) / n, in whole cents rounded half
    away from zero: over the common denominator, in Python's unbounded integers."""
    denominator = math.lcm(*sums_by_count) if sums_by_count else 1
    numerator = sum(v * (denominator // n) for n, v in sums_by_count.items())
    whole, rest = divmod(abs(numerator) * 100, denominator)
    if 2 * rest >= denominator:
        whole += 1
    return whole if numerator >= 0 else -whole


def report(movies, counts, C, G):
    print("records read", counts["read"], "loaded", counts["loaded"], "rejected", dict(counts["rejected"]))
    print("excluded", dict(counts["excluded"]))
    print("implausible", counts["implausible"], "money floor", MONEY_FLOOR)
    companies, genres = {}, {}
    for m in movies.values():
        for i, n in m["companies"]:
            companies.setdefault(i, n)
        for i, n in m["genres"]:
            genres.setdefault(i, n)
    print("companies", len(companies), "genres", len(genres))
    print("company-year rows", len(C), "genre-year rows", len(G))

    def show(table, key, names):
        t = table[key]
        avg = (Decimal(t["pop"]) / t["popm"] / 1000000).quantize(Decimal("0.000001"), rounding=ROUND_HALF_UP) \
            if t["popm"] else None
        print(key, names.get(key[0]), {k: t[k] for k in ("releases", "b", "bm", "r", "rm", "p", "pm", "popm")},
              "pop micros", t["pop"], "avg", avg, "split cents b/r/p", t["bs"], t["rs"], t["ps"])

    for key in [(3, 1995), (33, 1995), (6194, 1995), (4, 1995)]:
        show(C, key, companies)
    for key in [(18, 1995), (16, 1995), (28, 2000)]:
        show(G, key, genres)

    def ranked(table, year, measure):
        def key(kt):
            (oid, _), t = kt
            if measure == "avg":
                present, value = t["popm"] > 0, Fraction(t["pop"], t["popm"]) if t["popm"] else 0
            else:
                present, value = t["pm"] > 0, t["p"]
            return (not present, -value, -t["releases"], oid)
        return sorted(((k, t) for k, t in table.items() if k[1] == year), key=key)

    for year in (1990, 1991, 1992, 1993, 1995, 2000):
        (gid, _), t = ranked(G, year, "avg")[0]
        print("most popular", year, gid, genres[gid], t["releases"])
    top = ranked(C, 1995, "profit")
    print("top companies by profit 1995", [(k[0], companies[k[0]], t["p"]) for k, t in top[:3]], "of", len(top))
    totals = defaultdict(int)
    for (cid, _), t in C.items():
        totals[cid] += t["releases"]
    print("most releases", sorted(totals.items(), key=lambda kv: (-kv[1], kv[0]))[:3])
    universal = [(g, sum(1 for m in movies.values() if m["status"].lower() == "released" and m["year"] == 1995
                         and 33 in [i for i, _ in m["companies"]] and g in [i for i, _ in m["genres"]]))
                 for g in genres]
    print("universal 1995 releases by genre", sorted(universal, key=lambda x: (-x[1], x[0]))[:4])


def rows_json(counts, C, G, out_path):
    import json
    rows = {}
    for kind, table in (("company", C), ("genre", G)):
        for (oid, year), t in table.items():
            rows[f"{kind}:{oid}:{year}"] = [t["releases"], t["b"], t["bm"], t["r"], t["rm"], t["p"], t["pm"],
                                           t["bs"], t["rs"], t["ps"], t["pop"], t["popm"]]
    out = dict(counts=dict(read=counts["read"], loaded=counts["loaded"],
                           rejected_by_reason=dict(counts["rejected"]),
                           excluded_by_reason=dict(counts["excluded"]),
                           implausible=counts["implausible"]),
               rows=rows)
    with open(out_path, "w") as f:
        json.dump(out, f)


def range_json(movies, lo, hi, out_path):
    """Each owner's figures over the release years lo..hi, summed as one year's are: the movies of
    the range taken as if released in one year (split sums exact over the range, divided once)."""
    inside = {k: dict(m, year=0) for k, m in movies.items() if m["year"] is not None and lo <= m["year"] <= hi}
    rows = {}
    for kind, key in (("company", "companies"), ("genre", "genres")):
        for (oid, _), t in rollup(inside, key).items():
            rows[f"{kind}:{oid}"] = [t["releases"], t["b"], t["bm"], t["r"], t["rm"], t["p"], t["pm"],
                                     t["bs"], t["rs"], t["ps"], t["pop"], t["popm"]]
    with open(out_path, "w") as f:
        json.dump(rows, f)


def literal_verdicts(cases_path):
    """For each text of a JSON list: [accepted, [[id, name], ...]], as the rules read it."""
    with open(cases_path) as f:
        cases = json.load(f)
    print(json.dumps([[ok, refs] for ok, refs in (parse_refs(text) for text in cases)]))


def main():
    if sys.argv[1] == "--literals":
        return literal_verdicts(sys.argv[2])
    path = sys.argv[1]
    global MONEY_FLOOR
    if "--money-floor" in sys.argv:
        MONEY_FLOOR = int(sys.argv[sys.argv.index("--money-floor") + 1])
    movies, counts = load(path)
    if "--range-json" in sys.argv:
        at = sys.argv.index("--range-json")
        return range_json(movies, int(sys.argv[at + 2]), int(sys.argv[at + 3]), sys.argv[at + 1])
    C, G = rollup(movies, "companies"), rollup(movies, "genres")
    if "--rows-json" in sys.argv:
        rows_json(counts, C, G, sys.argv[sys.argv.index("--rows-json") + 1])
    else:
        report(movies, counts, C, G)


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""Every expression of the alerting rules and of the Grafana dashboard, asked of a real Prometheus.

  prometheus_queries.py PROMETHEUS_URL RULES.yml DASHBOARD.json

Each expression must parse and run (the query API answers "success"), and every metric it names
must be a series Prometheus has scraped: a rule or a panel about a series nobody exports is a
silent one. Metric names are read from each expression with its strings, label matchers, ranges
and grouping clauses taken out; what is left that is not a function, a keyword or a number is a
metric name.
"""
import json
import re
import sys
import urllib.parse
import urllib.request

import yaml

KEYWORDS = {"by", "without", "on", "ignoring", "group_left", "group_right", "bool", "and", "or", "unless",
            "offset", "inf", "nan"}


def ask(base, path, **params):
    url = base + path + ("?" + urllib.parse.urlencode(params) if params else "")
    with urllib.request.urlopen(url, timeout=10) as r:
        return json.load(r)


def metric_names(expr):
    text = re.sub(r'"(?:[^"\\]|\\.)*"', '""', expr)             # strings
    text = re.sub(r"\{[^}]*\}", " ", text)                        # label matchers
    text = re.sub(r"\[[^\]]*\]", " ", text)                       # ranges
    text = re.sub(r"\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)", " ", text)
    names = set()
    for m in re.finditer(r"[a-zA-Z_:][a-zA-Z0-9_:]*", text):
        word, rest = m.group(0), text[m.end():].lstrip()
        if word in KEYWORDS or rest.startswith("("):
            continue
        if re.fullmatch(r"\d+[smhdwy]?", word) or (m.start() > 0 and text[m.start() - 1].isdigit()):
            continue
        names.add(word)
    return names


def expressions(rules_file, dashboard_file):
    for group in yaml.safe_load(open(rules_file))["groups"]:
        for rule in group["rules"]:
            yield rule.get("alert") or rule.get("record"), rule["expr"]
    for panel in json.load(open(dashboard_file))["panels"]:
        for target in panel.get("targets", []):
            yield f"panel '{panel['title']}'", target["expr"].replace("$__rate_interval", "1m")


def main():
    base, rules_file, dashboard_file = sys.argv[1:4]
    known = set(ask(base, "/api/v1/label/__name__/values")["data"])
    problems, asked = [], 0
    for where, expr in expressions(rules_file, dashboard_file):
        asked += 1
        try:
            answer = ask(base, "/api/v1/query", query=expr)
        except urllib.error.HTTPError as e:
            problems.append(f"{where}: does not run: {e.read().decode()[:300]}")
            continue
        if answer.get("status") != "success":
            problems.append(f"{where}: {answer}")
        for name in sorted(metric_names(expr) - known):
            problems.append(f"{where}: names {name}, which no target exports")
    if problems:
        sys.exit("\n".join(problems))
    print(f"{asked} expressions run; every series they name is scraped ({len(known)} names known)")


if __name__ == "__main__":
    main()

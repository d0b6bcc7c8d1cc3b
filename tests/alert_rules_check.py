#!/usr/bin/env python3
"""The alerting rules (deploy/prometheus/reelstat-alerts.yml) as Prometheus reads them.

promtool checks the rules and runs their cases (reelstat-alerts.test.yml); this script also checks
that every alert has at least one case where it fires and one where it stays quiet, and that each
alert has a `for:` or fires at once on purpose, a severity and a description.
"""
import subprocess
import sys
from collections import defaultdict
from pathlib import Path

import yaml

HERE = Path(__file__).resolve().parent.parent / "deploy" / "prometheus"
RULES, CASES = HERE / "reelstat-alerts.yml", HERE / "reelstat-alerts.test.yml"
# Alerts on a state that is already a verdict (a failed run, a held run, failed accepts) fire at once.
AT_ONCE = {"ReelstatIngestFailed", "ReelstatIngestHeld", "ReelstatAcceptErrors"}


def main():
    for command in (["promtool", "check", "rules", str(RULES)], ["promtool", "test", "rules", str(CASES)]):
        done = subprocess.run(command, cwd=HERE, capture_output=True, text=True)
        print(done.stdout + done.stderr)
        if done.returncode != 0:
            sys.exit(f"{' '.join(command)} failed")
    alerts = [r for g in yaml.safe_load(RULES.read_text())["groups"] for r in g["rules"] if "alert" in r]
    problems = []
    for rule in alerts:
        name = rule["alert"]
        if "for" not in rule and name not in AT_ONCE:
            problems.append(f"{name} has no for:")
        if rule.get("labels", {}).get("severity") not in ("critical", "warning", "info"):
            problems.append(f"{name} has no severity")
        if len(rule.get("annotations", {}).get("description", "")) < 40:
            problems.append(f"{name} has no description of what to do")
    fired, quiet = defaultdict(int), defaultdict(int)
    for case in yaml.safe_load(CASES.read_text())["tests"]:
        for check in case.get("alert_rule_test", []):
            (fired if check.get("exp_alerts") else quiet)[check["alertname"]] += 1
    for rule in alerts:
        if not fired[rule["alert"]]:
            problems.append(f"{rule['alert']} has no case where it fires")
        if not quiet[rule["alert"]]:
            problems.append(f"{rule['alert']} has no case where it stays quiet")
    if problems:
        sys.exit("\n".join(problems))
    print(f"{len(alerts)} alerts, each with cases where it fires and where it stays quiet")


if __name__ == "__main__":
    main()

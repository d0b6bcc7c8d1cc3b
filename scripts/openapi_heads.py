#!/usr/bin/env python3
"""Writes the HEAD operation of every path in docs/openapi.json from its GET, the one source.

The server answers HEAD wherever it answers GET, with the GET's status and headers and no body, so
each HEAD operation is the GET's without bodies: the same parameters, security and answers, each
answer its description and headers (an answer shared through components stays a reference).

  python3 scripts/openapi_heads.py            rewrite the document
  python3 scripts/openapi_heads.py --check    exit 1 if any HEAD is not what its GET makes it
"""
import json
import sys
from pathlib import Path

DOCUMENT = Path(__file__).resolve().parent.parent / "docs" / "openapi.json"


def head_from_get(get):
    head = {"summary": get["summary"] + " (HEAD: the headers only)"}
    if "operationId" in get:
        head["operationId"] = get["operationId"] + "Head"
    for member in ("security", "parameters"):
        if member in get:
            head[member] = get[member]
    answers = {}
    for code, answer in get["responses"].items():
        if "$ref" in answer:
            answers[code] = answer
            continue
        answers[code] = {"description": answer["description"]}
        if "headers" in answer:
            answers[code]["headers"] = answer["headers"]
    head["responses"] = answers
    return head


def with_heads(document):
    paths = {}
    for path, item in document["paths"].items():
        item = {method: op for method, op in item.items() if method != "head"}
        item["head"] = head_from_get(item["get"])
        paths[path] = item
    return {**document, "paths": paths}


def main():
    text = DOCUMENT.read_text(encoding="utf-8")
    wanted = json.dumps(with_heads(json.loads(text)), indent=2) + "\n"
    if "--check" in sys.argv[1:]:
        if wanted != text:
            sys.exit(f"{DOCUMENT}: a HEAD operation differs from its GET's; run python3 scripts/openapi_heads.py")
        return
    DOCUMENT.write_text(wanted, encoding="utf-8")


if __name__ == "__main__":
    main()

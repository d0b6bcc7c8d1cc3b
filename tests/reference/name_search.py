#!/usr/bin/env python3
"""Name search by the README's rule, with Python's unicodedata (sharing no code with reelstat):
a name matches when every word of the query occurs in it, in any order, both folded by
compatibility decomposition, marks removed and full case folding.

Usage: name_search.py OWNERS_JSON QUERY... ; OWNERS_JSON is [{"id", "name"}]; prints
{"QUERY": [ids of the matching owners, in the file's order]}.
"""
import json
import sys
import unicodedata


def fold(text):
    decomposed = unicodedata.normalize("NFKD", text)
    stripped = "".join(c for c in decomposed if not unicodedata.category(c).startswith("M"))
    return unicodedata.normalize("NFKC", stripped.casefold())


def main():
    with open(sys.argv[1], encoding="utf-8") as f:
        owners = json.load(f)
    folded = [(o["id"], fold(o["name"])) for o in owners]
    answer = {}
    for query in sys.argv[2:]:
        words = fold(query).split()
        answer[query] = [i for i, name in folded if all(w in name for w in words)]
    json.dump(answer, sys.stdout, ensure_ascii=False)


if __name__ == "__main__":
    main()

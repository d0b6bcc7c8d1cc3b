#!/usr/bin/env python3
"""Checks of the source layout that anyone can run (scripts/check_layout.py [BUILD_DIR]):

  1. libpq is included only by the PostgreSQL backend (src/store/postgres/).
  2. No circle of files: a file is a header and its .cpp together, and A -> B when A includes B.
  3. Each file includes headers of its own layer and of the layers its CMakeLists.txt LAYERS names,
     nothing else. The include roots enforce this for the top folders of src/; a layer in a folder
     of another (store/local, store/postgres inside store) shares that folder's include root, so
     only this check keeps store from reaching into its backends, or one backend into the other.
  4. The layer graph of README.md and of docs/architecture.md (between <!-- layers: begin --> and
     <!-- layers: end -->) is the build's: one edge A --> B for each layer B in the LAYERS of A's
     CMakeLists.txt.
  5. No function in src/ over 60 lines (clang-tidy's readability-function-size, on the build's
     compile_commands.json), with no exception.
--quick leaves out 5, the slow one (the layout_graph ctest runs it so). Exits 1 naming every breach.
"""
import json
import os
import re
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
MAX_LINES = 60


def sources():
    for folder, _, names in os.walk(os.path.join(ROOT, "src")):
        for name in names:
            if name.endswith((".cpp", ".hpp")):
                yield os.path.relpath(os.path.join(folder, name), os.path.join(ROOT, "src"))


def includes(path):
    with open(os.path.join(ROOT, "src", path), encoding="utf-8") as f:
        text = f.read()
    return re.findall(r'^#include [<"]([^>"]+)[>"]', text, re.M)


def check_libpq(files):
    return [f"src/{f} includes libpq-fe.h: only src/store/postgres/ may" for f in files
            if "libpq-fe.h" in includes(f) and not f.startswith("store/postgres/")]


def check_cycles(files):
    unit = lambda path: os.path.splitext(path)[0]
    graph = {}
    for f in files:
        edges = graph.setdefault(unit(f), set())
        for inc in includes(f):
            if os.path.exists(os.path.join(ROOT, "src", inc)) and unit(inc) != unit(f):
                edges.add(unit(inc))
    problems, state = [], {}

    def visit(node, stack):
        state[node] = "open"
        for nxt in sorted(graph.get(node, ())):
            if state.get(nxt) == "open":
                circle = stack[stack.index(nxt):] + [nxt]
                problems.append("a circle of files: " + " -> ".join(circle))
            elif nxt not in state:
                visit(nxt, stack + [nxt])
        state[node] = "done"

    for node in sorted(graph):
        if node not in state:
            visit(node, [node])
    return problems


def layers():
    """{name: (folder under src/, LAYERS)} from every reelstat_layer(NAME [DIR folder] ... LAYERS ...)."""
    found = {}
    for folder, _, names in os.walk(os.path.join(ROOT, "src")):
        if "CMakeLists.txt" not in names:
            continue
        with open(os.path.join(folder, "CMakeLists.txt"), encoding="utf-8") as f:
            text = f.read()
        declared = re.search(r"reelstat_layer\((\w+)(?:\s+DIR\s+(\S+))?", text)
        uses = re.search(r"^\s*LAYERS ([^\n]*)", text, re.M)
        if declared and uses:
            name = declared.group(1)
            found[name] = (declared.group(2) or name, uses.group(1).replace(")", " ").split())
    return found


def layer_of(path, known):
    """The layer whose folder holds `path` (the deepest one); None for cli, which sees every layer."""
    best = None
    for name, (folder, _) in known.items():
        if path.startswith(folder + "/") and (best is None or len(folder) > len(known[best][0])):
            best = name
    return best


def check_layer_includes(files):
    known, problems = layers(), []
    for f in files:
        mine = layer_of(f, known)
        if mine is None:
            continue
        allowed = {mine, *known[mine][1]}
        for inc in includes(f):
            theirs = layer_of(inc, known) if os.path.exists(os.path.join(ROOT, "src", inc)) else None
            if theirs is not None and theirs not in allowed:
                problems.append(f"src/{f} (layer {mine}) includes {inc} of layer {theirs}, which {mine}'s LAYERS does not name")
    return problems


def check_layer_graph(document):
    built = {(name, used) for name, (_, uses) in layers().items() for used in uses}
    with open(os.path.join(ROOT, document), encoding="utf-8") as f:
        text = f.read()
    block = re.search(r"<!-- layers: begin -->(.*?)<!-- layers: end -->", text, re.S)
    if not block:
        return [f"{document} has no layer graph (<!-- layers: begin --> ... <!-- layers: end -->)"]
    drawn = set(re.findall(r"^\s*(\w+) --> (\w+)\s*$", block.group(1), re.M))
    return ([f"{document}'s layer graph lacks {a} --> {b} (layer {a}'s CMakeLists.txt uses {b})" for a, b in sorted(built - drawn)] +
            [f"{document}'s layer graph shows {a} --> {b}, which layer {a}'s CMakeLists.txt does not use" for a, b in sorted(drawn - built)])


def check_function_size(build_dir):
    database = os.path.join(build_dir, "compile_commands.json")
    if not os.path.exists(database):
        return [f"{database} is missing: configure with -DCMAKE_EXPORT_COMPILE_COMMANDS=ON"]
    with open(database) as f:
        files = sorted({e["file"] for e in json.load(f) if e["file"].startswith(os.path.join(ROOT, "src"))})
    config = "{CheckOptions: [{key: readability-function-size.LineThreshold, value: %d}]}" % MAX_LINES
    run = subprocess.run(["run-clang-tidy", "-p", build_dir, "-quiet", "-checks=-*,readability-function-size",
                          "-config=" + config] + files, capture_output=True, text=True)
    found = set(re.findall(r"(\S+?):(\d+):\d+: warning: function '([^']+)' exceeds", run.stdout))
    return [f"{os.path.relpath(path, ROOT)}:{line}: '{name}' is over {MAX_LINES} lines"
            for path, line, name in sorted(found)]


def main():
    quick = "--quick" in sys.argv[1:]
    arguments = [a for a in sys.argv[1:] if a != "--quick"]
    build_dir = os.path.abspath(arguments[0] if arguments else os.path.join(ROOT, "build"))
    files = sorted(sources())
    problems = (check_libpq(files) + check_cycles(files) + check_layer_includes(files) +
                check_layer_graph("README.md") + check_layer_graph("docs/architecture.md"))
    if not problems and not quick:  # the slow one last
        problems = check_function_size(build_dir)
    for p in problems:
        print(p)
    if problems:
        return 1
    print(f"layout: libpq only in src/store/postgres/, no circle of files, each file includes only the layers its "
          f"own names, the layer graphs of README.md and docs/architecture.md are the build's" +
          ("" if quick else f", no function over {MAX_LINES} lines"))
    return 0


if __name__ == "__main__":
    sys.exit(main())

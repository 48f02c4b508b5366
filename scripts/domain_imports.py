"""Print the imports between Pantau's packages: mutual pairs (a imports b and b imports a) and the
knots (strongly connected groups); imports only for type checking aside. `--core` leaves out the
route modules (api/pages/public), web, wiring, app and tasks.

    .venv/bin/python scripts/domain_imports.py [--core]
"""

from __future__ import annotations

import sys

import grimp

ROUTE_FILES = {"api", "pages", "public", "views", "web", "wiring", "factory", "app", "tasks"}


def package_of(module: str) -> str | None:
    parts = module.split(".")
    return parts[1] if len(parts) > 2 else None  # pantau.<package>.<module>; top-level files aside


def main() -> None:
    core = "--core" in sys.argv
    graph = grimp.build_graph(
        "pantau", include_external_packages=False, exclude_type_checking_imports=True
    )
    edges: set[tuple[str, str]] = set()
    for importer in graph.modules:
        if core and importer.split(".")[-1] in ROUTE_FILES:
            continue
        a = package_of(importer)
        for imported in graph.find_modules_directly_imported_by(importer):
            b = package_of(imported)
            if core and imported.split(".")[-1] in ROUTE_FILES:
                continue
            if a and b and a != b and a not in ("migrations", "cli") and b not in ("migrations", "cli"):
                edges.add((a, b))
    mutual = sorted({tuple(sorted(e)) for e in edges if (e[1], e[0]) in edges})
    print(f"mutual pairs: {len(mutual)}")
    for a, b in mutual:
        print(f"  {a} <-> {b}")
    nodes = sorted({n for e in edges for n in e})
    reach = {n: {b for a, b in edges if a == n} for n in nodes}
    changed = True
    while changed:
        changed = False
        for n in nodes:
            more = set().union(*(reach[m] for m in reach[n])) - reach[n]
            if more:
                reach[n] |= more
                changed = True
    knots = {frozenset(m for m in nodes if m in reach[n] and n in reach[m]) | {n} for n in nodes}
    knots = sorted((sorted(k) for k in knots if len(k) > 1), key=len, reverse=True)
    print(f"knots: {len(knots)}")
    for k in knots:
        print(f"  {len(k)}: {' '.join(k)}")


if __name__ == "__main__":
    main()

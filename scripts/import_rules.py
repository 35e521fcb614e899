"""Fail when the apps' imports break the layering the project is built on.

    python scripts/import_rules.py          # checks the project's apps; exit 1 on a violation

Prints one line per violation, `path:line: rule: detail`, and exits non-zero if there is one.
The apps, lowest first: civport (the shared layer) < campaigns < assessments < awards; the
top-level `seeding` package, when present, sits above them all. bench/, tests/ and scripts/
are not layered apps and are not checked.

layer    An app imports only its own modules and those of lower apps: never a higher app, and no
         app imports `seeding` (seeding may import every app).
private  No module uses an underscore name of another app: neither `from campaigns.imports
         import _cell`, nor an import of a private module (`campaigns._x`), nor an attribute
         reached through an imported module (`imports._cell`). Dunder names are public.
cycle    No import cycle among modules. Module-level imports are the graph's edges. An import
         inside a function runs later, so a loop made only of such imports never breaks
         importing; but a deferred import that closes a loop with module-level ones is the
         same two-way dependency, only hidden, so it counts: a cycle is reported when it has at
         least one module-level edge. Imports under `if TYPE_CHECKING:` never run and are no
         edge (they still count for the two rules above). One cycle is printed per loop found,
         with the line of every import on it.

An import names a module when the file exists (`from awards import tasks` → awards.tasks),
otherwise the package it is taken from; importing `a.b.c` is an edge to a.b.c only (not to
a and a.b, whose re-exports would make every package look cyclic).
"""

import ast
import sys
from dataclasses import dataclass
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
# Lowest first: an app may import the apps before it.
LAYERS = ("civport", "campaigns", "assessments", "awards", "seeding")


@dataclass(frozen=True)
class Import:
    source: str  # the importing module, dotted
    target: str  # the imported module, dotted (resolved to a file of the tree if possible)
    names: tuple  # names taken by `from target import ...`; empty for `import target`
    path: str
    line: int
    deferred: bool  # inside a function body
    type_only: bool  # under `if TYPE_CHECKING:`


@dataclass(frozen=True)
class Violation:
    path: str
    line: int
    rule: str
    detail: str

    def __str__(self):
        return f"{self.path}:{self.line}: {self.rule}: {self.detail}"


def discover(root, layers=LAYERS):
    """Map every module of the layered apps found under root to its file: {dotted: Path}."""
    modules = {}
    for app in layers:
        package = root / app
        if not (package / "__init__.py").is_file():
            continue
        for file in sorted(package.rglob("*.py")):
            parts = file.relative_to(root).with_suffix("").parts
            if parts[-1] == "__init__":
                parts = parts[:-1]
            modules[".".join(parts)] = file
    return modules


def app_of(module):
    return module.split(".", 1)[0]


def _is_package(module, modules):
    return modules.get(module) is not None and modules[module].name == "__init__.py"


def _absolute(module, node, modules):
    """The dotted module a `from ... import` refers to, relative levels resolved."""
    if not node.level:
        return node.module or ""
    base = module.split(".")
    # A package's own name is its __init__: `from . import x` inside it stays in the package.
    drop = node.level - 1 if _is_package(module, modules) else node.level
    base = base[: len(base) - drop] if drop else base
    return ".".join(base + ([node.module] if node.module else []))


def _is_type_checking(test):
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _walk(tree):
    """Yield (node, deferred, type_only) for every node, with its context."""
    stack = [(tree, False, False)]
    while stack:
        node, deferred, type_only = stack.pop()
        yield node, deferred, type_only
        inner = deferred or isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda)
        if isinstance(node, ast.If) and _is_type_checking(node.test):
            stack.extend((child, inner, True) for child in node.body)
            stack.extend((child, inner, type_only) for child in node.orelse)
            stack.append((node.test, inner, type_only))
            continue
        stack.extend((child, inner, type_only) for child in ast.iter_child_nodes(node))


def parse(module, path, modules, root):
    """The project imports of one module, and its private attribute uses through them."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    shown = path.relative_to(root).as_posix()
    imports = []
    bound = {}  # local name → project module it is bound to
    attributes = []
    for node, deferred, type_only in _walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if app_of(alias.name) not in LAYERS:
                    continue
                imports.append(
                    Import(module, alias.name, (), shown, node.lineno, deferred, type_only)
                )
                if alias.asname:
                    bound[alias.asname] = alias.name
                else:
                    bound[alias.name.split(".")[0]] = alias.name.split(".")[0]
        elif isinstance(node, ast.ImportFrom):
            target = _absolute(module, node, modules)
            if app_of(target) not in LAYERS:
                continue
            names = tuple(alias.name for alias in node.names)
            submodules = [f"{target}.{name}" for name in names if f"{target}.{name}" in modules]
            for alias in node.names:
                if f"{target}.{alias.name}" in modules:
                    bound[alias.asname or alias.name] = f"{target}.{alias.name}"
            if submodules:
                for sub in submodules:
                    imports.append(Import(module, sub, (), shown, node.lineno, deferred, type_only))
                names = tuple(n for n in names if f"{target}.{n}" not in modules)
                if not names:
                    continue
            imports.append(Import(module, target, names, shown, node.lineno, deferred, type_only))
        elif isinstance(node, ast.Attribute) and _private(node.attr):
            attributes.append(node)
    uses = []
    for node in attributes:
        dotted = _dotted(node.value)
        if dotted is None:
            continue
        head, _, rest = dotted.partition(".")
        if head not in bound:
            continue
        target = ".".join(filter(None, [bound[head], rest]))
        uses.append((target, node.attr, node.lineno))
    return imports, uses, shown


def _dotted(node):
    parts = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if not isinstance(node, ast.Name):
        return None
    return ".".join([node.id, *reversed(parts)])


def _private(name):
    return name.startswith("_") and not (name.startswith("__") and name.endswith("__"))


def layer_violations(imports):
    found = []
    for imp in imports:
        own, other = app_of(imp.source), app_of(imp.target)
        if LAYERS.index(other) > LAYERS.index(own):
            found.append(
                Violation(
                    imp.path,
                    imp.line,
                    "layer",
                    f"{imp.source} imports {imp.target}: {own} may not import {other}",
                )
            )
    return found


def private_violations(imports, uses, path_of):
    found = []
    for imp in imports:
        if app_of(imp.target) == app_of(imp.source):
            continue
        hidden = [part for part in imp.target.split(".") if _private(part)]
        hidden += [name for name in imp.names if _private(name)]
        for name in hidden:
            found.append(
                Violation(
                    imp.path,
                    imp.line,
                    "private",
                    f"{imp.source} imports {name} from {imp.target}, private to {app_of(imp.target)}",
                )
            )
    for source, target, name, line in uses:
        if app_of(target) != app_of(source):
            found.append(
                Violation(
                    path_of[source],
                    line,
                    "private",
                    f"{source} uses {target}.{name}, private to {app_of(target)}",
                )
            )
    return found


def cycle_violations(imports):
    """One violation per import loop that has a module-level edge (see the module docstring)."""
    edges = {}  # (source, target) → the first import making it, module-level ones preferred
    for imp in imports:
        if imp.type_only or imp.source == imp.target:
            continue
        key = (imp.source, imp.target)
        if key not in edges or (imp.deferred, imp.line) < (edges[key].deferred, edges[key].line):
            edges[key] = imp
    graph = {}
    for source, target in sorted(edges):
        graph.setdefault(source, []).append(target)
    found, seen = [], set()
    for (source, target), imp in sorted(edges.items()):
        if imp.deferred:
            continue
        back = _shortest_path(graph, target, source)
        if back is None:
            continue
        loop = [source, *back[:-1]]
        start = loop.index(min(loop))
        loop = loop[start:] + loop[:start]
        if tuple(loop) in seen:
            continue
        seen.add(tuple(loop))
        steps = [edges[(a, b)] for a, b in zip(loop, [*loop[1:], loop[0]], strict=True)]
        first = steps[0]
        where = ", ".join(
            f"{s.path}:{s.line}{' (in a function)' if s.deferred else ''}" for s in steps
        )
        found.append(
            Violation(
                first.path,
                first.line,
                "cycle",
                " -> ".join([*loop, loop[0]]) + f" [{where}]",
            )
        )
    return found


def _shortest_path(graph, start, goal):
    """Breadth-first: the modules from start to goal inclusive, or None."""
    previous = {start: None}
    queue = [start]
    for node in queue:
        if node == goal:
            path = []
            while node is not None:
                path.append(node)
                node = previous[node]
            return path[::-1]
        for nxt in graph.get(node, ()):
            if nxt not in previous:
                previous[nxt] = node
                queue.append(nxt)
    return None


def check(root=BASE_DIR, layers=LAYERS):
    """Every violation in the apps under root, sorted by file and line."""
    modules = discover(root, layers)
    imports, uses, path_of = [], [], {}
    for module, path in modules.items():
        found, private_uses, shown = parse(module, path, modules, root)
        imports += found
        uses += [(module, *use) for use in private_uses]
        path_of[module] = shown
    violations = (
        layer_violations(imports)
        + private_violations(imports, uses, path_of)
        + cycle_violations(imports)
    )
    return sorted(set(violations), key=lambda v: (v.path, v.line, v.rule, v.detail))


def main():
    violations = check()
    for violation in violations:
        print(violation)
    if violations:
        print(f"{len(violations)} import rule violation(s)", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())

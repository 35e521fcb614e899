"""Fail when a module imports Django's translation functions in a way `make messages` misreads.

    python scripts/translation_rules.py     # checks the project's Python files; exit 1 on a problem

Prints one line per problem, `path:line: rule: detail`, and exits non-zero if there is one.
`manage.py makemessages` runs xgettext, which finds a translatable string by the name of the
function called: `gettext`, `gettext_lazy`, `ngettext`, `pgettext_lazy`, `gettext_noop`... and
`_`. A string passed to any other name is silently left out of the catalogue and never
translated. The convention, which the rules hold every module to:

    from django.utils.translation import gettext as _        # code that runs per request or task
    from django.utils.translation import gettext_lazy as _   # modules whose strings are read at
                                                             # import: models, forms, apps, admin
    from django.utils.translation import ngettext, pgettext_lazy, gettext_noop   # own names

removed  `ugettext`, `ugettext_lazy`, `ugettext_noop`, `ungettext`, `ungettext_lazy`: gone
         since Django 4.0.
alias    A translation function is imported under its own name, or as `_` for `gettext` and
         `gettext_lazy` only: xgettext reads `_` as a one-argument call, so `ngettext as _`
         would lose the plural and `pgettext as _` would take the context for the message.
         Any other alias (`as __`, `as t`, `as gettext`) hides the strings from makemessages.
eager    A non-lazy function (`gettext`, `ngettext`, `pgettext`, `npgettext`, under whatever
         name it was imported) is not called while the module is imported (module body, class
         body, decorators and default values): the text would be frozen in the language active
         at import. Such modules use the lazy functions.
"""

import ast
import os
import sys
from dataclasses import dataclass
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
MODULE = "django.utils.translation"
# Not part of the project's sources (as in scripts/messages_check.py).
SKIP = {".venv", ".git", "node_modules", "staticfiles", "media", "test-results", ".ruff_cache"}

EAGER = {"gettext", "ngettext", "pgettext", "npgettext"}
LAZY = {"gettext_lazy", "ngettext_lazy", "pgettext_lazy", "npgettext_lazy"}
NOOP = {"gettext_noop"}
REMOVED = {"ugettext", "ugettext_lazy", "ugettext_noop", "ungettext", "ungettext_lazy"}
UNDERSCORE = {"gettext", "gettext_lazy"}


@dataclass(frozen=True)
class Problem:
    path: str
    line: int
    rule: str
    detail: str

    def __str__(self):
        return f"{self.path}:{self.line}: {self.rule}: {self.detail}"


def _imports(tree, path):
    """Check the imports from django.utils.translation; return ({local name: function} of the
    eager functions, {local names bound to the module itself}, problems)."""
    eager, modules, problems = {}, set(), []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module == "django.utils":
            modules |= {a.asname or a.name for a in node.names if a.name == "translation"}
        elif isinstance(node, ast.Import):
            modules |= {a.asname for a in node.names if a.name == MODULE and a.asname}
        if not (isinstance(node, ast.ImportFrom) and node.module == MODULE and not node.level):
            continue
        for alias in node.names:
            name, local = alias.name, alias.asname or alias.name
            if name in REMOVED:
                modern = name.replace("ungettext", "ngettext").replace("ugettext", "gettext")
                problems.append(
                    Problem(path, node.lineno, "removed", f"{name} is gone: import {modern}")
                )
                continue
            if name not in EAGER | LAZY | NOOP:
                continue
            if local != name and not (local == "_" and name in UNDERSCORE):
                allowed = f"{name} or {name} as _" if name in UNDERSCORE else name
                problems.append(
                    Problem(
                        path,
                        node.lineno,
                        "alias",
                        f"{name} as {local}: makemessages does not read {local}(); "
                        f"import {allowed}",
                    )
                )
            if name in EAGER:
                eager[local] = name
    return eager, modules, problems


class _ImportTime(ast.NodeVisitor):
    """Visit only what runs when the module is imported: not the bodies of functions."""

    def __init__(self, eager, modules, path):
        self.eager, self.modules, self.path = eager, modules, path
        self.problems = []

    def visit_FunctionDef(self, node):
        for part in (*node.decorator_list, *node.args.defaults, *node.args.kw_defaults):
            if part is not None:
                self.visit(part)

    visit_AsyncFunctionDef = visit_FunctionDef

    def visit_Lambda(self, node):
        for part in (*node.args.defaults, *node.args.kw_defaults):
            if part is not None:
                self.visit(part)

    def visit_Call(self, node):
        called = None
        if isinstance(node.func, ast.Name) and node.func.id in self.eager:
            called = node.func.id
            function = self.eager[called]
        elif (
            isinstance(node.func, ast.Attribute)
            and node.func.attr in EAGER
            and isinstance(node.func.value, ast.Name)
            and node.func.value.id in self.modules
        ):
            function = node.func.attr
            called = f"{node.func.value.id}.{function}"
        if called:
            self.problems.append(
                Problem(
                    self.path,
                    node.lineno,
                    "eager",
                    f"{called}() runs at import, in the language active then: use {function}_lazy",
                )
            )
        self.generic_visit(node)


def check_source(source, path="<source>"):
    tree = ast.parse(source, filename=path)
    eager, modules, problems = _imports(tree, path)
    if eager or modules:
        visitor = _ImportTime(eager, modules, path)
        visitor.visit(tree)
        problems += visitor.problems
    return sorted(problems, key=lambda p: (p.line, p.rule))


def sources(root):
    """The project's Python files, without walking into the skipped folders."""
    for folder, subfolders, files in os.walk(root):
        subfolders[:] = sorted(d for d in subfolders if d not in SKIP)
        for name in sorted(files):
            if name.endswith(".py"):
                yield Path(folder) / name


def check(root=BASE_DIR):
    problems = []
    for path in sources(root):
        relative = path.relative_to(root).as_posix()
        problems += check_source(path.read_text(encoding="utf-8"), relative)
    return problems


def main():
    problems = check()
    for problem in problems:
        print(problem)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())

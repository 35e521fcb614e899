"""Every access helper of every app, asked by every persona about every object of the matrix
(tests/access/matrix.py), one case per cell; and a check that no public helper is left out of
the table.

The world is built once for the module inside a transaction rolled back at its end; each case
runs in its own savepoint, and no helper writes.
"""

import importlib
import inspect
import pkgutil

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404

import campaigns.access
from campaigns.scope import scope_for
from tests.access import world as matrix_world
from tests.access.matrix import PERSONAS, ROWS

pytestmark = pytest.mark.django_db

# The flag a fetch takes for the edit column, when it is not `edit`.
FLAGS = {
    "campaigns.access_consultation": "answer",
    "campaigns.access_notice_receipt": "acknowledge",
    "assessments.access_review": "manage",
    "assessments.access_subject_for_office": "manage",
    "assessments.access_cycle": "manage",
    "awards.access_province_round": "run",
}
COLUMNS = ("read", "edit", "administer")
ANSWERS = {"+", "-", "3", "4"}


def access_modules():
    """The modules that hold access helpers: each module of `campaigns.access`, and the
    `access` module of the apps above it."""
    found = [campaigns.access]
    for info in pkgutil.iter_modules(campaigns.access.__path__):
        found.append(importlib.import_module(f"campaigns.access.{info.name}"))
    found += [importlib.import_module(f"{app}.access") for app in ("assessments", "awards")]
    return found


def public_helpers():
    """{"app.name": function} for every public function defined in an access module: the
    fetches (`access_*`), the predicates (`can_*`, `may_*`, `sees_*`, …) and the scope readers
    (`own_provinces`, `grantable_roles`, …), whatever their names."""
    helpers = {}
    for module in access_modules():
        app = module.__name__.split(".")[0]
        for name, obj in vars(module).items():
            if (
                inspect.isfunction(obj)
                and obj.__module__ == module.__name__
                and not name.startswith("_")
            ):
                helpers[f"{app}.{name}"] = obj
    return helpers


HELPERS = public_helpers()


def _split(helper):
    """ "app.name[flag]" -> ("app.name", flag or None)."""
    if helper.endswith("]"):
        key, flag = helper[:-1].split("[")
        return key, flag
    return helper, None


def ask(helper, user, obj, column):
    """The persona's answer, as one token of the table."""
    key, flag = _split(helper)
    func = HELPERS[key]
    name = key.split(".")[1]
    try:
        if name == "grantable_roles":
            return "+" if obj in func(scope_for(user)) else "-"
        if name == "require_account_manager":
            func(user)
            return "+"
        if name == "sees_personal_contact":
            # The person's roles as the directory loads them, with their authority and unit.
            memberships = obj.memberships.select_related("authority", "unit__authority")
            return "+" if func(scope_for(user), user.pk, obj.pk, list(memberships)) else "-"
        if name == "access_recommendation":
            round, province = obj
            got = func(user, round.pk, province.pk)
            return "3" if column == "edit" and not got.may_edit else "+"
        if name.startswith("access_"):
            flag = flag or FLAGS.get(key, "edit")
            params = inspect.signature(func).parameters
            kwargs = {flag: True} if column != "read" and flag in params else {}
            got = func(user, obj.pk, **kwargs)
            assert got.pk == obj.pk, f"{helper} returned another object"
            return "+"
        first = next(iter(inspect.signature(func).parameters))
        subject = scope_for(user) if first == "scope" else user
        if isinstance(obj, dict):
            result = func(subject, **obj)
        elif isinstance(obj, tuple):
            result = func(subject, *obj)
        elif obj is None:
            result = func(subject)
        else:
            result = func(subject, obj)
        return "+" if result else "-"
    except Http404:
        return "4"
    except PermissionDenied:
        return "3"


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        built = matrix_world.build()
        # Each persona as the next request reads it (no scope cached while the world was built).
        User = get_user_model()
        built.users = {
            key: user if key == "anonymous" else User.objects.get(pk=user.pk)
            for key, user in built.users.items()
        }
        yield built
        transaction.set_rollback(True)


CELLS = [
    pytest.param(
        helper,
        persona,
        target,
        column,
        expected,
        id=f"{helper}:{persona}-{target}-{column}",
    )
    for helper, target, column, answers in ROWS
    for persona, expected in zip(PERSONAS, answers.split(), strict=True)
]


@pytest.mark.parametrize(("helper", "persona", "target", "column", "expected"), CELLS)
def test_access_matrix(world, helper, persona, target, column, expected):
    got = ask(helper, world.users[persona], world.objects[target], column)
    assert got == expected, f"{helper} for {persona} on {target} ({column}): {got}"


def test_every_access_helper_has_a_row():
    covered = {_split(helper)[0] for helper, _target, _column, _answers in ROWS}
    missing = sorted(set(HELPERS) - covered)
    assert not missing, "access helpers without a row in tests/access/matrix.py: " + ", ".join(
        missing
    )


def test_the_table_is_well_formed(world):
    for helper, target, column, answers in ROWS:
        assert _split(helper)[0] in HELPERS, f"no helper {helper}"
        assert target in world.objects, f"no object {target}"
        assert column in COLUMNS, f"{helper} {target}: no column {column}"
        tokens = answers.split()
        assert len(tokens) == len(PERSONAS), f"{helper} {target}: {len(tokens)} answers"
        assert set(tokens) <= ANSWERS, f"{helper} {target}: {answers}"
    keys = [(helper, target, column) for helper, target, column, _answers in ROWS]
    assert len(keys) == len(set(keys)), "a cell is written twice"

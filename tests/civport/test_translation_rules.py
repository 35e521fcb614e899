"""scripts/translation_rules.py on small sources: each rule is caught with its line, and the
project's convention stays quiet. The real tree is checked by `make lint`."""

import importlib.util
import textwrap
from pathlib import Path

import pytest

SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "translation_rules.py"


@pytest.fixture(scope="module")
def rules():
    spec = importlib.util.spec_from_file_location("translation_rules", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def lines(rules, source):
    return [str(problem) for problem in rules.check_source(textwrap.dedent(source), "m.py")]


def test_the_convention_has_no_problem(rules):
    source = """
        from django.db import models
        from django.utils import translation
        from django.utils.translation import gettext_lazy as _
        from django.utils.translation import gettext_noop, ngettext, ngettext_lazy, pgettext_lazy
        from django.utils.translation import override as language


        class Port(models.Model):
            name = models.CharField(_("name"), max_length=20)
            kind = models.CharField(pgettext_lazy("port", "kind"), max_length=20)
            CODE = gettext_noop("code")


        def label(count):
            with language("en"):
                return ngettext("%(n)s port", "%(n)s ports", count) + translation.gettext("x")
    """
    assert lines(rules, source) == []
    assert lines(rules, "from django.utils.translation import gettext as _\n") == []


def test_removed_functions_are_reported_with_their_successor(rules):
    source = """
        from django.utils.translation import ugettext_lazy as _
        from django.utils.translation import ungettext
    """
    assert lines(rules, source) == [
        "m.py:2: removed: ugettext_lazy is gone: import gettext_lazy",
        "m.py:3: removed: ungettext is gone: import ngettext",
    ]


@pytest.mark.parametrize(
    ("imported", "message"),
    [
        (
            "gettext as __",
            "gettext as __: makemessages does not read __(); import gettext or gettext as _",
        ),
        (
            "gettext as t",
            "gettext as t: makemessages does not read t(); import gettext or gettext as _",
        ),
        (
            "gettext_lazy as _l",
            "gettext_lazy as _l: makemessages does not read _l(); "
            "import gettext_lazy or gettext_lazy as _",
        ),
        ("ngettext as _", "ngettext as _: makemessages does not read _(); import ngettext"),
        (
            "pgettext_lazy as _",
            "pgettext_lazy as _: makemessages does not read _(); import pgettext_lazy",
        ),
        (
            "gettext_noop as N_",
            "gettext_noop as N_: makemessages does not read N_(); import gettext_noop",
        ),
    ],
)
def test_an_alias_makemessages_cannot_read_is_reported(rules, imported, message):
    assert lines(rules, f"import os\nfrom django.utils.translation import {imported}\n") == [
        f"m.py:2: alias: {message}"
    ]


def test_other_names_of_the_module_may_take_any_alias(rules):
    source = "from django.utils.translation import get_language as current, override as o\n"
    assert lines(rules, source) == []


def test_a_non_lazy_translation_at_import_time_is_reported(rules):
    source = """
        from django.utils import translation
        from django.utils.translation import gettext as _
        from django.utils.translation import ngettext

        TITLE = _("Title")


        class Form:
            label = translation.gettext("Label")
            help = [ngettext("a day", "days", 2)]

            @decorate(_("Decorated"))
            def clean(self, message=_("Default")):
                return _("Fine: runs per call"), (lambda: _("fine too"))
    """
    assert lines(rules, source) == [
        "m.py:6: eager: _() runs at import, in the language active then: use gettext_lazy",
        "m.py:10: eager: translation.gettext() runs at import, in the language active then: "
        "use gettext_lazy",
        "m.py:11: eager: ngettext() runs at import, in the language active then: use ngettext_lazy",
        "m.py:13: eager: _() runs at import, in the language active then: use gettext_lazy",
        "m.py:14: eager: _() runs at import, in the language active then: use gettext_lazy",
    ]


def test_lazy_functions_at_import_time_are_fine(rules):
    source = """
        from django.utils.translation import gettext_lazy as _
        from django.utils.translation import pgettext_lazy

        TITLE = _("Title")
        KIND = pgettext_lazy("port", "Kind")
    """
    assert lines(rules, source) == []


def test_the_tree_follows_the_rules(rules):
    assert [str(problem) for problem in rules.check()] == []

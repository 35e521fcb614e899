"""scripts/import_rules.py on small synthetic trees: each rule is caught, and what it allows
stays quiet. The real tree is checked by `make lint`."""

import importlib.util
import textwrap
from pathlib import Path

import pytest

SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "import_rules.py"


@pytest.fixture(scope="module")
def rules():
    spec = importlib.util.spec_from_file_location("import_rules", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def tree(root, files):
    """Write {relative path: source}; every folder of a file becomes a package."""
    for name, source in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        for folder in path.relative_to(root).parents:
            if folder != Path("."):
                (root / folder / "__init__.py").touch()
        path.write_text(textwrap.dedent(source), encoding="utf-8")
    return root


def lines(rules, root):
    return [str(violation) for violation in rules.check(root)]


def test_a_clean_tree_has_no_violation(rules, tmp_path):
    tree(
        tmp_path,
        {
            "civport/spreadsheets.py": "import datetime\n",
            "campaigns/imports.py": "from civport.spreadsheets import datetime\n",
            "awards/views.py": "from campaigns import imports\nfrom civport import spreadsheets\n",
            "seeding/awards.py": "from awards import views\nfrom campaigns.imports import x\n",
        },
    )
    assert lines(rules, tmp_path) == []


def test_an_app_importing_a_higher_app_is_reported_with_its_line(rules, tmp_path):
    tree(
        tmp_path,
        {
            "awards/models.py": "X = 1\n",
            "civport/hooks.py": "import os\n\n\ndef f():\n    from awards.models import X\n",
        },
    )
    assert lines(rules, tmp_path) == [
        "civport/hooks.py:5: layer: civport.hooks imports awards.models: "
        "civport may not import awards"
    ]


def test_no_app_imports_seeding(rules, tmp_path):
    tree(
        tmp_path,
        {"seeding/regions.py": "X = 1\n", "campaigns/views.py": "import seeding.regions\n"},
    )
    assert lines(rules, tmp_path) == [
        "campaigns/views.py:1: layer: campaigns.views imports seeding.regions: "
        "campaigns may not import seeding"
    ]


def test_an_underscore_name_imported_from_another_app_is_reported(rules, tmp_path):
    tree(
        tmp_path,
        {
            "campaigns/imports.py": "def _cell():\n    pass\n\n\nclass ImportFileError(Exception):\n    pass\n",
            "campaigns/views.py": "from campaigns.imports import _cell\n",
            "assessments/spreadsheets.py": "from campaigns.imports import ImportFileError, _cell\n",
        },
    )
    # Within campaigns the name is its own: only the other app is reported.
    assert lines(rules, tmp_path) == [
        "assessments/spreadsheets.py:1: private: assessments.spreadsheets imports _cell from "
        "campaigns.imports, private to campaigns"
    ]


def test_a_private_module_of_another_app_is_reported(rules, tmp_path):
    tree(
        tmp_path,
        {
            "campaigns/_rates.py": "X = 1\n",
            "awards/views.py": "from campaigns import _rates\n",
        },
    )
    assert lines(rules, tmp_path) == [
        "awards/views.py:1: private: awards.views imports _rates from campaigns._rates, "
        "private to campaigns"
    ]


def test_an_underscore_attribute_reached_through_an_imported_module_is_reported(rules, tmp_path):
    tree(
        tmp_path,
        {
            "campaigns/imports.py": "def _cell():\n    pass\n\n\nclass Row:\n    pass\n",
            "assessments/a.py": "from campaigns import imports\n\nimports._cell()\n",
            "assessments/b.py": "import campaigns.imports\n\ncampaigns.imports._cell()\n",
            # A class's underscore attributes (Django's _meta) are not a module's private names.
            "assessments/c.py": "from campaigns.imports import Row\n\nRow._meta\n",
            "assessments/d.py": "from campaigns.imports import Row\n\nRow.__name__\n",
        },
    )
    assert lines(rules, tmp_path) == [
        "assessments/a.py:3: private: assessments.a uses campaigns.imports._cell, "
        "private to campaigns",
        "assessments/b.py:3: private: assessments.b uses campaigns.imports._cell, "
        "private to campaigns",
    ]


def test_a_cycle_of_module_level_imports_is_reported(rules, tmp_path):
    tree(
        tmp_path,
        {
            "campaigns/scale.py": "from campaigns import scale_work\n",
            "campaigns/scale_work.py": "X = 1\nfrom campaigns.scale import *\n",
        },
    )
    assert lines(rules, tmp_path) == [
        "campaigns/scale.py:1: cycle: campaigns.scale -> campaigns.scale_work -> campaigns.scale "
        "[campaigns/scale.py:1, campaigns/scale_work.py:2]"
    ]


def test_a_deferred_import_closing_a_loop_with_a_module_level_one_is_a_cycle(rules, tmp_path):
    tree(
        tmp_path,
        {
            "awards/services/honours.py": "def renders_queue():\n    from awards import tasks\n",
            "awards/tasks.py": "from awards.services import honours\n",
        },
    )
    assert lines(rules, tmp_path) == [
        "awards/services/honours.py:2: cycle: awards.services.honours -> awards.tasks -> "
        "awards.services.honours [awards/services/honours.py:2 (in a function), "
        "awards/tasks.py:1]"
    ]


def test_a_loop_of_deferred_or_type_checking_imports_only_is_no_cycle(rules, tmp_path):
    tree(
        tmp_path,
        {
            "awards/a.py": "def f():\n    from awards import b\n",
            "awards/b.py": "def g():\n    from awards import a\n",
            "awards/c.py": "from typing import TYPE_CHECKING\n\nif TYPE_CHECKING:\n"
            "    from awards import d\n",
            "awards/d.py": "from awards import c\n",
        },
    )
    assert lines(rules, tmp_path) == []


def test_relative_imports_are_resolved(rules, tmp_path):
    tree(
        tmp_path,
        {
            "awards/services/__init__.py": "from . import honours\n",
            "awards/services/honours.py": "from ..tasks import x\n",
            "awards/tasks.py": "from .services.honours import y\n",
            "civport/hooks.py": "from ..awards import tasks\n",
        },
    )
    found = lines(rules, tmp_path)
    assert (
        "awards/services/honours.py:1: cycle: awards.services.honours -> awards.tasks -> "
        "awards.services.honours [awards/services/honours.py:1, awards/tasks.py:1]"
    ) in found
    # The package importing its own module is no loop with it.
    assert not [line for line in found if "cycle: awards.services ->" in line]

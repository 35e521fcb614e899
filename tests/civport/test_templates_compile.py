"""Every template of the project compiles: an unknown tag, filter or library, or a block left
open, fails here even on a page no other test renders."""

from pathlib import Path

import pytest
from django.conf import settings
from django.template import engines

TEMPLATE_DIRS = [Path(d) for d in settings.TEMPLATES[0]["DIRS"]]
NAMES = sorted(
    str(path.relative_to(root))
    for root in TEMPLATE_DIRS
    for path in root.rglob("*")
    if path.is_file() and path.suffix in {".html", ".txt"}
)


def test_there_are_templates_to_check():
    assert len(NAMES) > 100


@pytest.mark.parametrize("name", NAMES)
def test_the_template_compiles(name):
    engines["django"].get_template(name)

"""What the scoring page shows beside the form: the subject's dossier.

An app that attaches its objects to subjects registers a provider for its model
(`register("awards.nomination", provider)`), so this app never imports it. A provider takes the
subject and returns a `Dossier`; it must read what it shows with a fixed number of queries.
Without a provider, the subject's own summary is shown.
"""

from dataclasses import dataclass, field

from django.contrib.contenttypes.models import ContentType
from django.db.models import CharField, F, OuterRef, Subquery
from django.db.models.functions import Coalesce

from assessments.models import Cycle


@dataclass
class Dossier:
    template: str  # included beside the scoring form
    context: dict = field(default_factory=dict)
    by_item: dict = field(default_factory=dict)  # item id → what to show under that item


_providers = {}


def register(model_label, provider):
    _providers[model_label.lower()] = provider


def dossier_for(subject):
    # ContentType lookups by id are cached after the first, so this adds no query per page.
    content_type = ContentType.objects.get_for_id(subject.content_type_id)
    provider = _providers.get(f"{content_type.app_label}.{content_type.model}")
    if provider is not None:
        return provider(subject)
    return Dossier("assessments/dossiers/_summary.html", {"subject": subject})


# Subjects carry a category code (an award title, a unit category …) set by the app that attached
# them; that app also registers the codes' labels, so screens show 全国文明口岸, not its code.
_category_labels = {}


def register_categories(choices):
    """Register (code, label) pairs, e.g. a TextChoices' `.choices`."""
    _category_labels.update(dict(choices))


def category_label(code):
    return str(_category_labels.get(code, code)) if code else ""


# A review's `round_key` is a code (`award-2025-2026`, `cycle-2025`); the app that made the round
# registers an expression naming it, read in the same query as the review.
_round_names = []


def register_round_name(expression):
    """Register a callable returning a one-row subquery of the name of the round whose key is
    `OuterRef("round_key")` (NULL when the key is not one of that app's rounds)."""
    _round_names.append(expression)


def round_name_expression() -> Coalesce:
    """The review's round as its name: an annual cycle's, a registered app's, else the key."""
    cycle = Cycle.objects.filter(review=OuterRef("pk")).values("name")[:1]
    names = [Subquery(cycle)] + [Subquery(expression()) for expression in _round_names]
    return Coalesce(*names, F("round_key"), output_field=CharField())

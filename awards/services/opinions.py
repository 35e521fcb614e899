"""The chain of opinions on a nomination: port → province → national, each with who, when and
the text. Each level writes once; writing again at the same level replaces the text (until the
step it belongs to is locked, which the calling service checks)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from awards.models import Opinion
from civport.audit import audit_record

if TYPE_CHECKING:
    from django.contrib.auth.models import User

    from awards.models import Nomination
    from campaigns.models import Authority


@transaction.atomic
def opinion_write(
    *, actor: User, nomination: Nomination, level: str, authority: Authority, text: str
) -> Opinion:
    text = (text or "").strip()
    if not text:
        raise ValidationError({"opinion": _("Write the opinion.")})
    if level not in Opinion.Level.values:
        raise ValueError(level)
    opinion, created = Opinion.objects.select_for_update().get_or_create(
        nomination=nomination,
        level=level,
        defaults={"authority": authority, "author": actor, "text": text},
    )
    if not created:
        if opinion.text == text and opinion.author_id == actor.pk:
            return opinion
        opinion.text, opinion.author, opinion.authority = text, actor, authority
        opinion.save(update_fields=["text", "author", "authority"])
    audit_record(
        actor=actor,
        action="awards.opinion.written",
        obj=nomination,
        changes={"level": level, "authority": authority.pk},
    )
    return opinion

"""Template filters of the assessments screens."""

from django import template

from assessments.dossiers import category_label as _category_label

register = template.Library()


@register.filter
def category_label(code):
    """A subject's category code as its registered label (全国文明口岸, 检查检验单位 …)."""
    return _category_label(code)

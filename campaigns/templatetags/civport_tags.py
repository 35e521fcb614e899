from django import template

register = template.Library()


@register.filter
def total_minutes(value):
    """A timedelta as whole minutes (rounded up), for messages such as the lockout page."""
    if not value:
        return 0
    seconds = value.total_seconds()
    return int(-(-seconds // 60))

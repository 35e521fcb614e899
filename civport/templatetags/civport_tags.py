from django import template

from civport.privacy import mask_email, mask_phone

register = template.Library()


@register.filter
def total_minutes(value):
    """A timedelta as whole minutes (rounded up), for messages such as the lockout page."""
    if not value:
        return 0
    seconds = value.total_seconds()
    return int(-(-seconds // 60))


@register.filter
def masked_phone(value):
    """A personal telephone number as `138****1234` (civport.privacy)."""
    return mask_phone(value)


@register.filter
def masked_email(value):
    """A personal e-mail address as `z***@example.cn` (civport.privacy)."""
    return mask_email(value)

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django import template
from django.utils.formats import number_format

from civport.people import display_name as _display_name
from civport.privacy import mask_email, mask_phone

register = template.Library()

# Scores are shown with two decimals and percentages as whole numbers, however the database
# returns them (SQLite gives an average as 72.5100000000000, PostgreSQL as 72.51).
SCORE_PLACES = 2
PERCENT_PLACES = 0
MISSING = "—"


def _as_decimal(value):
    """`value` as a Decimal, or None when it is empty or not a number. A float goes through its
    shortest text so 72.51 stays 72.51 rather than its binary neighbour."""
    if value is None or value == "" or isinstance(value, bool):
        return None
    try:
        number = value if isinstance(value, Decimal) else Decimal(str(value))
    except (InvalidOperation, ValueError, TypeError):
        return None
    return number if number.is_finite() else None


def _fixed(number, places):
    return number_format(
        number.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP),
        decimal_pos=places,
        use_l10n=True,
    )


@register.filter
def score(value, places=SCORE_PLACES):
    """A score, total or mean as `72.51` (two decimals, rounded half up, in the active locale's
    format); `—` when there is none."""
    number = _as_decimal(value)
    return MISSING if number is None else _fixed(number, int(places))


@register.filter
def percent(value, places=PERCENT_PLACES):
    """A percentage (0–100) as `67%`, rounded half up; `—` when there is none. For a bar's width
    or an aria value use the raw number, not this."""
    number = _as_decimal(value)
    return MISSING if number is None else f"{_fixed(number, int(places))}%"


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


@register.filter
def display_name(user):
    """A person by their name (王建国), by their user name only when they have none."""
    return _display_name(user)


@register.filter
def todo_overdue(item, today):
    """Whether a to-do item (civport.todo.Todo) is past its deadline on `today`."""
    return item.is_overdue(today)

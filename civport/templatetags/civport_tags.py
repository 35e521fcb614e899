from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django import template
from django.forms.utils import flatatt
from django.utils.formats import number_format
from django.utils.html import format_html

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


@register.simple_tag(takes_context=True)
def sort_th(context, key, label=None, **attributes):
    """A column heading `<th scope="col">` of the page's `listing` (civport.listing): a link that
    sorts the list by the column (ascending, then descending; the filters kept, back to page
    one), with `aria-sort` and an arrow on the column the list is sorted by. `label` heads the
    column where the page has no listing or the listing no such column (a table shared with
    other pages); other keyword arguments are the cell's attributes (`class="text-end"`)."""
    listing = context.get("listing")
    header = listing.header(key) if listing is not None else None
    attrs = flatatt({name.replace("_", "-"): value for name, value in attributes.items()})
    if header is None:
        return format_html('<th scope="col"{}>{}</th>', attrs, label or "")
    if header["url"] is None:
        return format_html('<th scope="col"{}>{}</th>', attrs, header["label"])
    if header["aria_sort"]:
        attrs += format_html(' aria-sort="{}"', header["aria_sort"])
    return format_html(
        '<th scope="col"{}><a class="sort-link" href="{}">{}{}</a></th>',
        attrs,
        header["url"],
        header["label"],
        format_html(' <span aria-hidden="true">{}</span>', header["arrow"])
        if header["arrow"]
        else "",
    )


@register.inclusion_tag("civport/_export_link.html", takes_context=True)
def export_link(context):
    """The link that downloads the page's list as a spreadsheet, as filtered and sorted; none
    while the list is empty."""
    listing = context.get("listing")
    page = context.get("page")
    if listing is None or not listing.columns or (page is not None and not page.paginator.count):
        return {"url": None}
    return {"url": listing.export_url()}

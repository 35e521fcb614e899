"""The columns of a list page: declared once on the view, they order the rows (`?sort=key`,
`?sort=-key`) and make the spreadsheet of the whole list (`?export=xlsx`) with the values the page
shows.

The order is the database's (`ORDER BY`, nulls last either way, the list's `tie_breaker` last so
that pages do not overlap): it adds no query to the page. An unknown key leaves the list's own
order. The export holds every row of the filtered, scoped and sorted list, not one page, up to
`CIVPORT_EXPORT_MAX_ROWS`; a longer list is refused with a message, since a file cut short would
look complete. Text cells are formula-escaped (`civport.resources.escape_formula`) and the export
is recorded in the audit log (`civport.audit.audit_export`).
"""

import datetime
import decimal
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.db.models import F, QuerySet
from django.db.models.expressions import OrderBy
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect, QueryDict
from django.utils import timezone
from django.utils.translation import gettext as _

from civport.audit import audit_export
from civport.resources import escape_formula
from civport.spreadsheets import spreadsheet_response

SORT = "sort"
EXPORT = "export"
EXPORT_FORMATS = ("xlsx",)
# Sheet names may hold at most 31 characters, none of these (Excel).
SHEET_TITLE_LENGTH = 31
SHEET_TITLE_FORBIDDEN = str.maketrans(dict.fromkeys("[]:*?/\\", " "))


def _lookup(row: Any, path: str) -> Any:
    """`row`'s value at a dotted path, as a template reads it: a key of a mapping or an
    attribute, called when it is a method (`get_status_display`); None once a step is None."""
    value = row
    for part in path.split("."):
        if value is None:
            return None
        value = value[part] if isinstance(value, Mapping) else getattr(value, part)
        if callable(value):
            value = value()
    return value


@dataclass(frozen=True)
class Column:
    """One column of a list: `key` names it in `?sort=`, `label` heads it on the page and in the
    spreadsheet, `sort` is the field (or fields) it orders by (None: it does not sort; a field
    written "-field" runs the other way), `value` its cell in the spreadsheet as the page shows
    it: a dotted path read from the row (the key by default) or a function of the row."""

    key: str
    label: Any
    sort: str | Sequence[str] | None = None
    value: str | Callable[[Any], Any] | None = None

    @property
    def sorts(self) -> bool:
        return bool(self.sort)

    def order_by(self, descending: bool) -> list[OrderBy]:
        fields = (self.sort,) if isinstance(self.sort, str) else tuple(self.sort or ())
        terms = []
        for field in fields:
            reverse = field.startswith("-")
            expression = F(field.removeprefix("-"))
            if reverse != descending:
                terms.append(expression.desc(nulls_last=True))
            else:
                terms.append(expression.asc(nulls_last=True))
        return terms

    def cell(self, row: Any) -> Any:
        value = self.value if self.value is not None else self.key
        return value(row) if callable(value) else _lookup(row, value)


def spreadsheet_cell(value: Any) -> Any:
    """A value as a spreadsheet cell: numbers and dates as they are, date-times in local time,
    yes/no and lazy text as text, text formula-escaped, nothing as an empty cell."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, datetime.datetime):
        if timezone.is_aware(value):
            value = timezone.localtime(value)
        return value.replace(tzinfo=None, microsecond=0)
    if isinstance(value, int | float | decimal.Decimal | datetime.date):
        return value
    return escape_formula(str(value))


class Listing:
    """A list's columns and the order the request asks for, with the links that keep the
    request's filters: the page reads it as `listing`."""

    def __init__(
        self,
        columns: Iterable[Column],
        params: QueryDict,
        tie_breaker: Sequence[str] = ("pk",),
    ):
        self.columns = {column.key: column for column in columns}
        self.tie_breaker = tuple(tie_breaker)
        self.params = params
        wanted = params.get(SORT, "")
        key = wanted.removeprefix("-")
        column = self.columns.get(key)
        if column is not None and column.sorts:
            self.key: str | None = key
            self.descending = wanted.startswith("-")
        else:
            self.key, self.descending = None, False

    @property
    def sort(self) -> str:
        """The order in effect, as `?sort=` writes it ("" for the list's own)."""
        if self.key is None:
            return ""
        return f"-{self.key}" if self.descending else self.key

    def order(self, queryset: QuerySet) -> QuerySet:
        """The rows in the order asked for; the list's own order when none is."""
        if self.key is None:
            return queryset
        return queryset.order_by(
            *self.columns[self.key].order_by(self.descending), *self.tie_breaker
        )

    def link(self, **changes: str) -> str:
        """This list's query string with `changes`, its filters kept and its page dropped."""
        params = [
            (name, value)
            for name, values in self.params.lists()
            if name not in ("page", SORT, EXPORT, *changes)
            for value in values
        ]
        params += [(name, value) for name, value in changes.items() if value]
        return "?" + urlencode(params)

    def sort_url(self, key: str) -> str:
        """The page sorted by `key`: ascending, or descending when it is sorted so already;
        the filters kept, back to the first page."""
        toggled = key == self.key and not self.descending
        return self.link(sort=f"-{key}" if toggled else key)

    def export_url(self, fmt: str = "xlsx") -> str:
        """The spreadsheet of the list as filtered and sorted."""
        return self.link(sort=self.sort, export=fmt)

    def header(self, key: str) -> dict[str, Any] | None:
        """What a column's heading shows: label, link, `aria-sort` and arrow; None for a key the
        list does not declare."""
        column = self.columns.get(key)
        if column is None:
            return None
        current = key == self.key
        return {
            "label": column.label,
            "url": self.sort_url(key) if column.sorts else None,
            "aria_sort": ("descending" if self.descending else "ascending") if current else None,
            "arrow": ("▼" if self.descending else "▲") if current else "",
        }

    def headers(self) -> list[Any]:
        return [str(column.label) for column in self.columns.values()]

    def row(self, row: Any) -> list[Any]:
        return [spreadsheet_cell(column.cell(row)) for column in self.columns.values()]


def export_response(
    request: HttpRequest,
    listing: Listing,
    rows: QuerySet,
    *,
    title: str,
    filename: str,
    action: str,
) -> HttpResponse:
    """The list as an XLSX download, every row up to `CIVPORT_EXPORT_MAX_ROWS` (one query, and
    one per prefetched relation); a longer list goes back to the page with a message. The export
    is audited with its filters and order."""
    fmt = request.GET.get(EXPORT)
    if fmt not in EXPORT_FORMATS or not listing.columns:
        raise Http404
    limit = settings.CIVPORT_EXPORT_MAX_ROWS
    found = list(rows[: limit + 1])
    if len(found) > limit:
        messages.error(
            request,
            _(
                "The list holds more than %(limit)d rows, more than one export may hold. Narrow "
                "it with the filters, then export again."
            )
            % {"limit": limit},
        )
        return HttpResponseRedirect(request.path + listing.link(sort=listing.sort))
    response = spreadsheet_response(
        fmt,
        title.translate(SHEET_TITLE_FORBIDDEN)[:SHEET_TITLE_LENGTH],
        listing.headers(),
        (listing.row(row) for row in found),
        f"{filename}-{timezone.localtime():%Y%m%d-%H%M%S}",
    )
    filters = {
        name: values if len(values) > 1 else values[0]
        for name, values in request.GET.lists()
        if name != EXPORT
    }
    audit_export(
        actor=request.user,
        action=action,
        fmt=fmt,
        rows=len(found),
        details={"filters": filters},
    )
    return response


def active_label(is_active: bool) -> str:
    """The word of the `civport/_active_badge.html` badge, for a spreadsheet cell."""
    return _("active") if is_active else _("inactive")

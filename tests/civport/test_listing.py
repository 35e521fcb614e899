"""A list's columns (civport.listing): `?sort=` orders the rows by a declared column without a
query more, `?export=xlsx` downloads the whole filtered, scoped and sorted list with the values
the page shows, formula-escaped, audited and capped. The people's list is the example."""

import datetime
import io
from zoneinfo import ZoneInfo

import pytest
from django.contrib.messages import get_messages
from django.http import QueryDict
from django.template import Context, Template
from django.urls import reverse
from openpyxl import load_workbook

from campaigns import services
from campaigns.models import Person
from civport.listing import Column, Listing, spreadsheet_cell
from civport.models import AuditEntry
from tests.conftest import login
from tests.queries import BASE

PEOPLE = reverse("campaigns:person-list")


def _listing(query, columns=None):
    columns = columns or (
        Column("name", "name", sort="name"),
        Column("due", "due on", sort=("due_on", "-pk")),
        Column("notes", "notes"),
    )
    return Listing(columns, QueryDict(query))


def _sheet(response):
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    workbook = load_workbook(io.BytesIO(response.content))
    return [[cell.value for cell in row] for row in workbook.active.iter_rows()]


def _codes(response):
    return [person.code for person in response.context["page"].object_list]


# --- the order asked for ------------------------------------------------------------------------


def test_a_declared_column_sorts_ascending_or_descending():
    assert (_listing("sort=name").key, _listing("sort=name").descending) == ("name", False)
    assert (_listing("sort=-name").key, _listing("sort=-name").descending) == ("name", True)
    assert _listing("sort=-name").sort == "-name"


@pytest.mark.parametrize("query", ["", "sort=", "sort=password", "sort=-", "sort=notes"])
def test_an_unknown_or_unsortable_key_keeps_the_list_order(query):
    listing = _listing(query)
    assert listing.key is None and listing.sort == ""
    rows = Person.objects.order_by("code")
    assert listing.order(rows) is rows


def test_the_order_puts_nulls_last_and_ends_with_the_tie_breaker():
    ordered = _listing("sort=-due").order(Person.objects.all())
    terms = ordered.query.order_by
    assert [str(term) for term in terms[:2]] == [
        str(term) for term in Column("d", "d", sort=("due_on", "-pk")).order_by(True)
    ]
    assert terms[0].descending and terms[0].nulls_last
    assert not terms[1].descending  # "-pk" runs the other way
    assert terms[-1] == "pk"


def test_sort_links_toggle_keep_the_filters_and_drop_the_page():
    listing = _listing("q=深圳&gender=female&page=3&sort=name")
    assert listing.sort_url("name") == "?q=%E6%B7%B1%E5%9C%B3&gender=female&sort=-name"
    assert listing.sort_url("due") == "?q=%E6%B7%B1%E5%9C%B3&gender=female&sort=due"
    assert _listing("sort=-name").sort_url("name") == "?sort=name"
    assert listing.export_url() == "?q=%E6%B7%B1%E5%9C%B3&gender=female&sort=name&export=xlsx"
    assert _listing("page=2").export_url() == "?export=xlsx"


def test_a_heading_shows_the_current_order():
    listing = _listing("sort=-name")
    assert listing.header("name") == {
        "label": "name",
        "url": "?sort=name",
        "aria_sort": "descending",
        "arrow": "▼",
    }
    assert listing.header("due")["aria_sort"] is None and listing.header("due")["arrow"] == ""
    assert listing.header("notes")["url"] is None
    assert listing.header("nowhere") is None


# --- the headings on the page -----------------------------------------------------------------


def _render(source, **context):
    return Template("{% load civport_tags %}" + source).render(Context(context))


def test_the_heading_tag_links_the_sortable_columns():
    listing = _listing("q=a&page=2&sort=name")
    html = _render('{% sort_th "name" class="text-end" %}', listing=listing)
    assert html == (
        '<th scope="col" class="text-end" aria-sort="ascending">'
        '<a class="sort-link" href="?q=a&amp;sort=-name">name <span aria-hidden="true">▲</span>'
        "</a></th>"
    )
    assert _render('{% sort_th "due" %}', listing=listing) == (
        '<th scope="col"><a class="sort-link" href="?q=a&amp;sort=due">due on</a></th>'
    )
    assert _render('{% sort_th "notes" %}', listing=listing) == '<th scope="col">notes</th>'


def test_the_heading_tag_without_a_listing_is_a_plain_heading():
    # A table shared with a detail page, which does not sort.
    assert _render('{% sort_th "name" "姓名" class="x" %}') == '<th scope="col" class="x">姓名</th>'


def test_the_export_link_keeps_filters_and_order():
    html = _render("{% export_link %}", listing=_listing("gender=male&sort=-name&page=4"))
    assert 'href="?gender=male&amp;sort=-name&amp;export=xlsx"' in html
    assert _render("{% export_link %}").strip() == ""


# --- cells --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "cell"),
    [
        ('=HYPERLINK("http://x")', '\'=HYPERLINK("http://x")'),
        ("+1", "'+1"),
        ("-1", "'-1"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("深圳", "深圳"),
        (None, ""),
        (7, 7),
        (datetime.date(2026, 3, 1), datetime.date(2026, 3, 1)),
    ],
)
def test_cells_are_formula_escaped_and_keep_numbers_and_dates(value, cell):
    assert spreadsheet_cell(value) == cell


def test_a_moment_is_written_in_local_time(settings):
    settings.TIME_ZONE = "Asia/Shanghai"
    moment = datetime.datetime(2026, 3, 1, 2, 30, 15, 999, tzinfo=ZoneInfo("UTC"))
    assert spreadsheet_cell(moment) == datetime.datetime(2026, 3, 1, 10, 30, 15)


def test_a_cell_reads_a_dotted_path_or_a_function():
    row = {"unit": None, "name": "王"}
    assert Column("unit", "unit", value="unit.name").cell(row) is None
    assert Column("name", "name").cell(row) == "王"
    assert Column("x", "x", value=lambda r: r["name"] * 2).cell(row) == "王王"


# --- on a page ----------------------------------------------------------------------------------


@pytest.fixture
def positions(world):
    """Positions that sort otherwise than the codes, one of them a formula."""
    people = [*world.sz.people, *world.gz.people]
    for person, position in zip(
        people, ["c", "a", '=HYPERLINK("http://evil.example")', "b", "e", "d"], strict=True
    ):
        services.person_update(actor=None, person=person, position=position)
    return world


def test_the_page_sorts_both_ways_in_the_same_queries(
    client, positions, gd_officer, django_assert_num_queries
):
    login(client, gd_officer)
    # BASE + count + page rows, sorted or not
    with django_assert_num_queries(BASE + 2):
        plain = client.get(PEOPLE)
    with django_assert_num_queries(BASE + 2):
        ascending = client.get(PEOPLE, {"sort": "code"})
    with django_assert_num_queries(BASE + 2):
        descending = client.get(PEOPLE, {"sort": "-code"})
    assert _codes(ascending) == sorted(_codes(plain))
    assert _codes(descending) == sorted(_codes(plain), reverse=True)
    by_position = client.get(PEOPLE, {"sort": "position"})
    assert [p.position for p in by_position.context["page"].object_list][1:] == list("abcde")
    html = by_position.content.decode()
    assert 'aria-sort="ascending"' in html and 'href="?sort=-position"' in html


def test_an_unknown_sort_key_keeps_the_default_order(client, positions, gd_officer):
    login(client, gd_officer)
    assert _codes(client.get(PEOPLE, {"sort": "password"})) == _codes(client.get(PEOPLE))
    assert 'aria-sort="' not in client.get(PEOPLE, {"sort": "password"}).content.decode()


def test_sorting_is_not_a_filter(client, positions, gd_officer):
    login(client, gd_officer)
    assert client.get(PEOPLE, {"sort": "-name"}).context["is_filtered"] is False


def test_the_export_holds_every_filtered_row_of_the_scope_in_order(
    client, positions, gd_officer, settings, in_english
):
    settings.PAGE_SIZE = 2
    login(client, gd_officer)
    page = client.get(PEOPLE, {"sort": "-code"})
    assert page.context["page"].paginator.num_pages == 3
    assert 'href="?sort=-code&amp;export=xlsx"' in page.content.decode()
    rows = _sheet(client.get(PEOPLE, {"sort": "-code", "export": "xlsx", "page": "2"}))
    assert rows[0] == ["name", "code", "gender", "position", "political status", "unit", "status"]
    codes = [row[1] for row in rows[1:]]
    expected = Person.objects.filter(unit__authority__path__startswith=positions.gd.path)
    assert codes == sorted(expected.values_list("code", flat=True), reverse=True)
    # A Guangdong officer's export holds no Zhejiang row.
    assert not any(code.startswith("ZJ") for code in codes)
    assert not any("宁波" in str(cell) for row in rows for cell in row)
    # The values as the page shows them: labels, the unit's name, the active badge's word.
    first = rows[1]
    assert first[2] in ("male", "female") and first[5].endswith(("参与单位1", "参与单位2"))
    assert first[6] == "active"
    female = _sheet(client.get(PEOPLE, {"gender": "female", "export": "xlsx"}))
    assert {row[2] for row in female[1:]} == {"female"}
    assert len(female) - 1 == expected.filter(gender="female").count()


def test_the_export_escapes_formulas(client, positions, gd_officer):
    login(client, gd_officer)
    rows = _sheet(client.get(PEOPLE, {"export": "xlsx"}))
    cells = [cell for row in rows for cell in row]
    assert '\'=HYPERLINK("http://evil.example")' in cells
    assert not any(isinstance(cell, str) and cell.startswith("=") for cell in cells)


def test_the_export_is_audited_with_its_filters(client, positions, gd_officer):
    login(client, gd_officer)
    client.get(PEOPLE, {"gender": "male", "sort": "-name", "export": "xlsx"})
    (entry,) = AuditEntry.objects.filter(action="campaigns.person.list_exported")
    assert entry.actor == gd_officer
    assert entry.changes == {
        "format": "xlsx",
        "rows": Person.objects.filter(
            unit__authority__path__startswith=positions.gd.path, gender="male"
        ).count(),
        "filters": {"gender": "male", "sort": "-name"},
    }


def test_a_list_longer_than_the_cap_is_not_exported(client, positions, gd_officer, settings):
    settings.CIVPORT_EXPORT_MAX_ROWS = 5
    login(client, gd_officer)
    response = client.get(PEOPLE, {"q": "口岸办", "sort": "code", "export": "xlsx"})
    assert response.status_code == 302
    assert response.url == f"{PEOPLE}?q=%E5%8F%A3%E5%B2%B8%E5%8A%9E&sort=code"
    (message,) = get_messages(response.wsgi_request)
    assert "5" in str(message) and message.level_tag == "error"
    assert not AuditEntry.objects.filter(action="campaigns.person.list_exported").exists()
    settings.CIVPORT_EXPORT_MAX_ROWS = 6
    assert len(_sheet(client.get(PEOPLE, {"export": "xlsx"}))) == 1 + 6


def test_an_unknown_export_format_is_not_found(client, positions, gd_officer):
    login(client, gd_officer)
    assert client.get(PEOPLE, {"export": "pdf"}).status_code == 404

"""Working days for the public notice: weekends, public holidays on weekdays, make-up working
days on weekends, and the National Day week with its make-up days, as the State Council's
calendar has them; and the holiday calendar's service."""

import datetime

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError

from awards.models import CalendarDay
from awards.services.rounds import calendar_day_delete, calendar_day_set
from awards.workdays import working_days_span
from civport.models import AuditEntry

D = datetime.date


def holiday(day, name="假日"):
    return CalendarDay.objects.create(day=day, kind=CalendarDay.Kind.HOLIDAY, name=name)


def workday(day, name="调休上班"):
    return CalendarDay.objects.create(day=day, kind=CalendarDay.Kind.WORKDAY, name=name)


@pytest.mark.django_db
def test_a_week_without_exceptions_skips_the_weekend():
    # Friday 2025-06-06 and four more working days: Monday to Thursday of the next week.
    assert working_days_span(D(2025, 6, 6), 5) == (D(2025, 6, 6), D(2025, 6, 12))


@pytest.mark.django_db
def test_starting_on_a_weekend_starts_on_monday():
    assert working_days_span(D(2025, 6, 7), 1) == (D(2025, 6, 9), D(2025, 6, 9))


@pytest.mark.django_db
def test_a_holiday_on_a_weekday_is_not_counted():
    # Dragon Boat Festival, Monday 2025-06-02 (the weekend before is off anyway).
    holiday(D(2025, 6, 2), "端午节")
    assert working_days_span(D(2025, 5, 30), 2) == (D(2025, 5, 30), D(2025, 6, 3))
    assert working_days_span(D(2025, 6, 2), 1) == (D(2025, 6, 3), D(2025, 6, 3))


@pytest.mark.django_db
def test_a_make_up_saturday_is_counted():
    # Saturday 2025-02-08 was a make-up working day after the Spring Festival.
    workday(D(2025, 2, 8))
    assert working_days_span(D(2025, 2, 7), 2) == (D(2025, 2, 7), D(2025, 2, 8))
    assert working_days_span(D(2025, 2, 8), 1) == (D(2025, 2, 8), D(2025, 2, 8))
    # Without it, the Friday's second working day is the Monday.
    CalendarDay.objects.all().delete()
    assert working_days_span(D(2025, 2, 7), 2) == (D(2025, 2, 7), D(2025, 2, 10))


@pytest.mark.django_db
def test_a_notice_spanning_the_national_day_week():
    # 2025: 1 to 8 October off (National Day and Mid-Autumn); Sunday 28 September and Saturday
    # 11 October are make-up working days.
    for day in range(1, 9):
        holiday(D(2025, 10, day), "国庆节、中秋节")
    workday(D(2025, 9, 28))
    workday(D(2025, 10, 11))
    # From Friday 26 September, five working days: 26, Sun 28, 29, 30 September, 9 October.
    assert working_days_span(D(2025, 9, 26), 5) == (D(2025, 9, 26), D(2025, 10, 9))
    # From Monday 29 September: 29, 30, 9, 10, Sat 11 October.
    assert working_days_span(D(2025, 9, 29), 5) == (D(2025, 9, 29), D(2025, 10, 11))
    # A notice decided in the holiday starts when work resumes.
    assert working_days_span(D(2025, 10, 3), 3) == (D(2025, 10, 9), D(2025, 10, 11))


@pytest.mark.django_db
def test_a_weekend_listed_as_a_holiday_changes_nothing():
    holiday(D(2025, 6, 7))
    holiday(D(2025, 6, 8))
    assert working_days_span(D(2025, 6, 6), 2) == (D(2025, 6, 6), D(2025, 6, 9))


@pytest.mark.django_db
def test_the_span_reads_the_calendar_once(django_assert_num_queries):
    holiday(D(2025, 10, 1))
    # One query for the exceptions between the start and the furthest day a notice can reach.
    with django_assert_num_queries(1):
        working_days_span(D(2025, 9, 29), 10)


@pytest.mark.django_db
def test_more_holidays_than_the_margin_reads_further():
    # Thirty weekdays off in a row, beyond the margin read first: still the right answer.
    day = D(2025, 1, 6)
    while day < D(2025, 2, 15):
        if day.weekday() < 5:
            holiday(day)
        day += datetime.timedelta(days=1)
    assert working_days_span(D(2025, 1, 6), 1) == (D(2025, 2, 17), D(2025, 2, 17))


def test_a_span_needs_a_working_day():
    with pytest.raises(ValueError):
        working_days_span(D(2025, 1, 6), 0)


# --- the calendar's service ------------------------------------------------------------------


def test_calendar_day_set_enters_and_replaces(national_admin, in_english):
    entry = calendar_day_set(
        actor=national_admin, day=D(2026, 10, 1), kind="holiday", name=" 国庆节 "
    )
    assert (entry.kind, entry.name) == ("holiday", "国庆节")
    again = calendar_day_set(
        actor=national_admin, day=D(2026, 10, 1), kind="holiday", name="国庆节、中秋节"
    )
    assert again.pk == entry.pk and CalendarDay.objects.count() == 1
    # The calendar day's own entries: another table's row may have the same id (on SQLite the
    # ids of every table start again at 1 in each test).
    actions = list(
        AuditEntry.objects.filter(
            content_type=ContentType.objects.get_for_model(CalendarDay), object_id=str(entry.pk)
        ).values_list("action", flat=True)
    )
    assert actions == ["awards.calendar_day.set", "awards.calendar_day.set"]


def test_a_make_up_working_day_on_a_weekday_is_refused(national_admin, in_english):
    with pytest.raises(ValidationError) as caught:
        calendar_day_set(actor=national_admin, day=D(2026, 9, 30), kind="workday")
    assert caught.value.message_dict == {
        "kind": [
            "2026-09-30 is a weekday, a working day already; a make-up working day is a "
            "Saturday or a Sunday."
        ]
    }
    assert not CalendarDay.objects.exists()
    # The Sunday before is accepted, so the refusal was for the weekday.
    calendar_day_set(actor=national_admin, day=D(2026, 9, 27), kind="workday")
    assert CalendarDay.objects.get().day == D(2026, 9, 27)


def test_an_unknown_kind_is_refused(national_admin, in_english):
    with pytest.raises(ValidationError) as caught:
        calendar_day_set(actor=national_admin, day=D(2026, 9, 30), kind="festival")
    assert caught.value.message_dict == {
        "kind": ["Choose a public holiday or a make-up working day."]
    }


def test_calendar_day_delete_is_audited(national_admin):
    entry = calendar_day_set(actor=national_admin, day=D(2026, 1, 1), kind="holiday")
    pk = entry.pk
    calendar_day_delete(actor=national_admin, entry=entry)
    assert not CalendarDay.objects.exists()
    assert AuditEntry.objects.filter(
        action="awards.calendar_day.deleted", object_id=str(pk)
    ).exists()

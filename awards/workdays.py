"""Working days for the public notice: Monday to Friday, less the public holidays, plus the
make-up working days (调休) entered in the holiday calendar (`CalendarDay`)."""

from datetime import timedelta

from awards.models import CalendarDay

# The longest run of days without a working day in the Chinese calendar is the Spring Festival
# or National Day week with its weekends; a notice of N working days never needs more than this.
_SPAN_PER_WORKING_DAY = 2
_SPAN_MARGIN = 21


def calendar_exceptions(first, last):
    """The holidays and make-up working days between two dates, as two sets (one query)."""
    holidays, workdays = set(), set()
    for day, kind in CalendarDay.objects.filter(day__range=(first, last)).values_list(
        "day", "kind"
    ):
        (holidays if kind == CalendarDay.Kind.HOLIDAY else workdays).add(day)
    return holidays, workdays


def is_working_day(day, holidays, workdays):
    if day in workdays:
        return True
    if day in holidays:
        return False
    return day.weekday() < 5


def working_days_span(start, count):
    """The first working day on or after `start`, and the day on which `count` working days
    counted from it end (both inclusive)."""
    if count < 1:
        raise ValueError("count must be at least 1")
    last = start + timedelta(days=count * _SPAN_PER_WORKING_DAY + _SPAN_MARGIN)
    holidays, workdays = calendar_exceptions(start, last)
    day, first, seen = start, None, 0
    while True:
        if is_working_day(day, holidays, workdays):
            first = first or day
            seen += 1
            if seen == count:
                return first, day
        day += timedelta(days=1)
        if day > last:
            # More holidays than any real year has: read further rather than give a wrong date.
            more_h, more_w = calendar_exceptions(day, day + timedelta(days=_SPAN_MARGIN))
            holidays |= more_h
            workdays |= more_w
            last = day + timedelta(days=_SPAN_MARGIN)

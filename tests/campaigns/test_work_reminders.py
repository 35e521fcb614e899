"""The daily reminder about overdue rectification items: the owner unit's contacts and the port
officers of its area, once per item and day."""

import datetime

from campaigns.services import work as services
from civport.models import Notification

TODAY = datetime.date(2026, 6, 15)


def _item(world, actor, unit, due_on):
    inspection = services.inspection_create(
        actor=actor,
        authority=world.gd,
        visited_on=datetime.date(2026, 4, 1),
        inspectors="检查组",
        summary="巡访",
        units=[unit],
        today=TODAY,
    )
    _finding, item = services.finding_add(
        actor=actor,
        inspection=inspection,
        text="<p>标识缺失</p>",
        owner_unit=unit,
        due_on=due_on,
    )
    return item


def test_overdue_items_remind_unit_contacts_and_port_officers_once_a_day(
    world, gd_officer, port_officer, unit_contact, nb_officer
):
    unit1, unit2 = world.sz.units
    overdue = _item(world, gd_officer, unit1, datetime.date(2026, 6, 1))
    _item(world, gd_officer, unit2, datetime.date(2026, 7, 1))  # not due yet
    closed = _item(world, gd_officer, unit2, datetime.date(2026, 5, 1))
    services.rectification_answer(actor=None, item=closed, answer="已整改")
    services.rectification_close(actor=gd_officer, item=closed)

    assert services.rectification_reminders_send(today=TODAY) == 2
    notices = Notification.objects.order_by("user_id")
    assert {n.user for n in notices} == {unit_contact, port_officer}
    assert {n.key for n in notices} == {f"rectification-overdue:{overdue.pk}"}
    assert all(n.url.endswith(f"/rectifications/{overdue.pk}/") for n in notices)
    assert "<p>" not in notices[0].body

    assert services.rectification_reminders_send(today=TODAY) == 0
    assert services.rectification_reminders_send(today=TODAY + datetime.timedelta(days=1)) == 2


def test_answered_or_sent_back_items(world, gd_officer, port_officer, unit_contact):
    item = _item(world, gd_officer, world.sz.units[0], datetime.date(2026, 6, 1))
    services.rectification_answer(actor=unit_contact, item=item, answer="已整改")
    # Answered: waiting for the authority, no reminder to the unit.
    assert services.rectification_reminders_send(today=TODAY) == 0
    services.rectification_send_back(actor=gd_officer, item=item, comment="证据不足")
    assert services.rectification_reminders_send(today=TODAY) == 2

"""The award round's daily reminders: the right recipients, an in-portal notice and an e-mail
each, nothing new on a second run the same day, a fixed number of queries however many
recipients there are; and their beat schedules installed next to the other apps'."""

import datetime

import pytest
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.urls import reverse
from django_celery_beat.models import PeriodicTask
from guardian.shortcuts import assign_perm

from assessments.models import Review
from assessments.services import reviews as review_services
from assessments.services.sheets import score_sheet_save
from awards.models import Nomination, Recommendation, Round
from awards.reminders import (
    nomination_deadline_reminders_send,
    recommendation_reminders_send,
    review_deadline_reminders_send,
)
from awards.selectors.rounds import round_review
from awards.tasks import (
    nomination_deadline_reminders_task,
    recommendation_reminders_task,
    review_deadline_reminders_task,
)
from campaigns import services as campaign_services
from campaigns.management.commands.schedules_install import declared_schedules
from campaigns.models import Membership
from civport.models import Notification
from civport.notifications import local_today
from tests.assessments.fixtures import full_input, make_user, submit_sheet

MANAGE = "campaigns.manage_authority"


def _with_email(*users):
    for user in users:
        user.email = f"{user.username}@example.cn"
        user.save(update_fields=["email"])
    return users


def _officer(username, role, authority):
    user = make_user(username)
    campaign_services.membership_grant(actor=None, user=user, role=role, authority=authority)
    return _with_email(user)[0]


def _notified(key_start):
    return {
        n.user.username
        for n in Notification.objects.filter(key__startswith=key_start).select_related("user")
    }


def _set(round, **fields):
    Round.objects.filter(pk=round.pk).update(**fields)
    round.refresh_from_db()
    return round


# --- nominations due --------------------------------------------------------------------------


@pytest.fixture
def nominating(award_round, world, make_nomination, port_officer, nb_officer, gd_officer):
    """Nominations due in five days: Shenzhen has a draft, Guangzhou has submitted and has no
    draft, Ningbo has nothing. Ningbo's authority is also managed by a user holding the grant
    directly and by a group's member."""
    today = local_today()
    _set(award_round, nominations_due_on=today + datetime.timedelta(days=5))
    make_nomination(award_round, world.sz.units[0], status=Nomination.Status.DRAFT)
    make_nomination(award_round, world.gz.units[0], status=Nomination.Status.SUBMITTED)
    gz_officer = _officer("gz_officer", Membership.Role.PORT_OFFICER, world.gz.authority)
    direct = make_user("nb_direct")
    assign_perm(MANAGE, direct, world.nb.authority)
    member = make_user("nb_group_member")
    group = Group.objects.create(name="宁波口岸办")
    member.groups.add(group)
    assign_perm(MANAGE, group, world.nb.authority)
    _with_email(port_officer, nb_officer, gd_officer, direct, member)
    return award_round, gz_officer


def test_nomination_reminders_reach_port_officers_with_drafts_or_nothing_submitted(
    nominating, django_capture_on_commit_callbacks, mailoutbox, in_english
):
    round, _gz_officer = nominating
    today = local_today()
    with django_capture_on_commit_callbacks(execute=True):
        assert nomination_deadline_reminders_send(today=today) == 4
    # Shenzhen (a draft), Ningbo (nothing) with its direct and group grants; not Guangzhou,
    # nor the provincial officer above them.
    assert _notified("awards:nominations-due:") == {
        "sz_officer",
        "nb_officer",
        "nb_direct",
        "nb_group_member",
    }
    notice = Notification.objects.filter(user__username="nb_officer").get()
    assert notice.key == f"awards:nominations-due:{round.pk}"
    assert notice.url == reverse("awards:nomination-list")
    assert notice.read_at is None
    due = round.nominations_due_on.isoformat()
    assert notice.title == f"Nominations for the {round.name} close in 5 days ({due})"
    assert sorted(m.to[0] for m in mailoutbox) == [
        "nb_direct@example.cn",
        "nb_group_member@example.cn",
        "nb_officer@example.cn",
        "sz_officer@example.cn",
    ]
    assert round.name in mailoutbox[0].subject


def test_nomination_reminders_are_sent_once_a_day(
    nominating, django_capture_on_commit_callbacks, mailoutbox
):
    today = local_today()
    with django_capture_on_commit_callbacks(execute=True):
        assert nomination_deadline_reminders_send(today=today) == 4
    with django_capture_on_commit_callbacks(execute=True):
        assert nomination_deadline_reminders_send(today=today) == 0
    assert len(mailoutbox) == 4
    assert Notification.objects.count() == 4
    # The next day is another day.
    assert nomination_deadline_reminders_send(today=today + datetime.timedelta(days=1)) == 4


def test_nomination_reminders_start_within_the_reminder_period(nominating, settings):
    round, _gz_officer = nominating
    today = local_today()
    _set(round, nominations_due_on=today + datetime.timedelta(days=10))
    assert nomination_deadline_reminders_send(today=today) == 0
    settings.CIVPORT_AWARD_REMINDER_DAYS = 14
    assert nomination_deadline_reminders_send(today=today) == 4
    # Past the deadline nothing can be submitted any more: no reminder.
    _set(round, nominations_due_on=today - datetime.timedelta(days=1))
    assert nomination_deadline_reminders_send(today=today + datetime.timedelta(days=1)) == 0


def test_nomination_reminders_only_while_nominating(nominating):
    round, _gz_officer = nominating
    _set(round, phase=Round.Phase.PROVINCIAL_REVIEW)
    assert nomination_deadline_reminders_send(today=local_today()) == 0


def test_a_withdrawn_nomination_counts_as_nothing_submitted(nominating, world):
    round, _gz_officer = nominating
    Nomination.objects.filter(round=round, authority=world.gz.authority).update(
        status=Nomination.Status.WITHDRAWN
    )
    nomination_deadline_reminders_send(today=local_today())
    assert "gz_officer" in _notified("awards:nominations-due:")


def test_nomination_reminders_run_a_fixed_number_of_queries(
    nominating, world, django_assert_num_queries
):
    for i in range(12):
        _officer(f"nb_more{i}", Membership.Role.PORT_OFFICER, world.nb.authority)
    # the rounds due = 1
    # + the officers and grant holders of the waiting port authorities, one UNION = 1
    # + those users = 1
    # + the notices for all of them, one INSERT = 1
    with django_assert_num_queries(4):
        assert nomination_deadline_reminders_send(today=local_today()) == 16


# --- scoring due ------------------------------------------------------------------------------


@pytest.fixture
def scoring(award_round, world, make_nomination):
    """Provincial review due in three days. Guangdong's open review scores two nominations:
    r1 has submitted both, r2 one of its two, r3 has a draft of its one, r4 has not started
    and sits on Zhejiang's panel too, whose review is due in a month."""
    today = local_today()
    _set(
        award_round,
        phase=Round.Phase.PROVINCIAL_REVIEW,
        provincial_review_due_on=today + datetime.timedelta(days=3),
    )
    review = round_review(award_round, world.gd)
    # As round_update keeps it: the review's due date is the round's deadline for its level.
    Review.objects.filter(pk=review.pk).update(due_on=award_round.provincial_review_due_on)
    reviewers = {name: _with_email(make_user(name))[0] for name in ("r1", "r2", "r3", "r4")}
    members = {
        name: review_services.panel_member_add(actor=None, review=review, user=user)
        for name, user in reviewers.items()
    }
    nominations = [
        make_nomination(award_round, unit) for unit in (world.sz.units[0], world.gz.units[0])
    ]
    subjects = [
        review_services.subject_attach(
            actor=None,
            review=review,
            target=nomination,
            title=nomination.nominee_name,
            category=nomination.title,
            authority=nomination.authority,
            unit=nomination.unit,
        )
        for nomination in nominations
    ]
    for name, assigned in (("r1", subjects), ("r2", subjects), ("r3", subjects[:1])):
        for subject in assigned:
            review_services.assignment_add(actor=None, subject=subject, member=members[name])
    review_services.assignment_add(actor=None, subject=subjects[1], member=members["r4"])
    review = review_services.review_set_phase(actor=None, review=review, phase=Review.Phase.OPEN)
    for subject in subjects:
        subject.review = review
    submit_sheet(reviewers["r1"], subjects[0])
    submit_sheet(reviewers["r1"], subjects[1])
    submit_sheet(reviewers["r2"], subjects[0])
    score_sheet_save(
        actor=reviewers["r3"],
        subject=subjects[0],
        data=full_input(review.scheme),
        revision=None,
        submit=False,
    )
    zj_review = round_review(award_round, world.zj)
    Review.objects.filter(pk=zj_review.pk).update(due_on=today + datetime.timedelta(days=30))
    zj_member = review_services.panel_member_add(actor=None, review=zj_review, user=reviewers["r4"])
    zj_nomination = make_nomination(award_round, world.nb.units[0])
    zj_subject = review_services.subject_attach(
        actor=None,
        review=zj_review,
        target=zj_nomination,
        title=zj_nomination.nominee_name,
        category=zj_nomination.title,
        authority=zj_nomination.authority,
        unit=zj_nomination.unit,
    )
    review_services.assignment_add(actor=None, subject=zj_subject, member=zj_member)
    review_services.review_set_phase(actor=None, review=zj_review, phase=Review.Phase.OPEN)
    return award_round, review, members, nominations


def test_review_reminders_reach_reviewers_with_unsubmitted_sheets(
    scoring, django_capture_on_commit_callbacks, mailoutbox, in_english
):
    round, _review, _members, _nominations = scoring
    today = local_today()
    with django_capture_on_commit_callbacks(execute=True):
        assert review_deadline_reminders_send(today=today) == 3
    assert _notified("awards:review-due:") == {"r2", "r3", "r4"}
    notice = Notification.objects.filter(user__username="r3").get()
    due = round.provincial_review_due_on.isoformat()
    assert notice.key == f"awards:review-due:{round.pk}:{due}"
    assert notice.url == reverse("assessments:queue")
    assert notice.title == f"Scoring for the {round.name} is due in 3 days ({due})"
    assert sorted(m.to[0] for m in mailoutbox) == [
        "r2@example.cn",
        "r3@example.cn",
        "r4@example.cn",
    ]
    with django_capture_on_commit_callbacks(execute=True):
        assert review_deadline_reminders_send(today=today) == 0
    assert len(mailoutbox) == 3


def test_an_overdue_review_says_so(scoring, in_english):
    round, review, _members, _nominations = scoring
    today = local_today()
    Review.objects.filter(pk=review.pk).update(due_on=today - datetime.timedelta(days=2))
    assert review_deadline_reminders_send(today=today) == 3
    due = (today - datetime.timedelta(days=2)).isoformat()
    title = Notification.objects.filter(user__username="r2").get().title
    assert title == f"Scoring for the {round.name} was due on {due}"


def test_review_reminders_skip_what_is_not_due_closed_inactive_or_withdrawn(scoring):
    _round, review, members, nominations = scoring
    today = local_today()
    Review.objects.filter(pk=review.pk).update(due_on=today + datetime.timedelta(days=20))
    assert review_deadline_reminders_send(today=today) == 0
    # Without its own date, the review is due on the round's deadline for its level.
    Review.objects.filter(pk=review.pk).update(due_on=None)
    assert review_deadline_reminders_send(today=today) == 3
    Notification.objects.all().delete()
    review_services.panel_member_set_active(actor=None, member=members["r3"], is_active=False)
    Nomination.objects.filter(pk=nominations[1].pk).update(status=Nomination.Status.WITHDRAWN)
    # r2's and r4's unscored nomination is withdrawn; r3 is off the panel.
    assert review_deadline_reminders_send(today=today) == 0
    Nomination.objects.filter(pk=nominations[1].pk).update(status=Nomination.Status.SUBMITTED)
    review_services.review_set_phase(actor=None, review=review, phase=Review.Phase.CLOSED)
    assert review_deadline_reminders_send(today=today) == 0


def test_review_reminders_run_a_fixed_number_of_queries(scoring, django_assert_num_queries, world):
    _round, review, _members, nominations = scoring
    for i in range(12):
        user = make_user(f"extra{i}")
        member = review_services.panel_member_add(actor=None, review=review, user=user)
        subject = review.subjects.get(object_id=nominations[0].pk)
        review_services.assignment_add(actor=None, subject=subject, member=member)
    # the rounds under review = 1; their open reviews = 1
    # + the reviewers with an assigned nomination not submitted, one query = 1
    # + those users = 1
    # + the notices of the one deadline due, one INSERT = 1
    with django_assert_num_queries(5):
        assert review_deadline_reminders_send(today=local_today()) == 15


# --- recommendation lists ---------------------------------------------------------------------


@pytest.fixture
def recommending(award_round, world, make_nomination, gd_officer, zj_officer):
    """Provincial review: both provinces have submitted nominations; Guangdong's list is a
    draft, Zhejiang's is submitted."""
    _set(
        award_round,
        phase=Round.Phase.PROVINCIAL_REVIEW,
        provincial_review_due_on=local_today() + datetime.timedelta(days=10),
    )
    make_nomination(award_round, world.sz.units[0])
    make_nomination(award_round, world.nb.units[0])
    Recommendation.objects.create(round=award_round, province=world.gd)
    Recommendation.objects.create(
        round=award_round, province=world.zj, status=Recommendation.Status.SUBMITTED
    )
    _with_email(gd_officer, zj_officer)
    return award_round


def test_recommendation_reminders_reach_provinces_without_a_submitted_list(
    recommending, world, django_capture_on_commit_callbacks, mailoutbox, in_english
):
    round = recommending
    today = local_today()
    with django_capture_on_commit_callbacks(execute=True):
        assert recommendation_reminders_send(today=today) == 1
    notice = Notification.objects.get()
    assert notice.user.username == "gd_officer"
    assert notice.key == f"awards:recommendation-due:{round.pk}:{world.gd.pk}"
    assert notice.url == reverse("awards:recommendation-detail", args=[round.pk, world.gd.pk])
    due = round.provincial_review_due_on.isoformat()
    assert notice.title == f"The recommendation list for the {round.name} is due in 10 days ({due})"
    assert world.gd.name in notice.body
    assert [m.to for m in mailoutbox] == [["gd_officer@example.cn"]]
    with django_capture_on_commit_callbacks(execute=True):
        assert recommendation_reminders_send(today=today) == 0
    assert len(mailoutbox) == 1


def test_a_province_without_submitted_nominations_is_not_reminded(recommending, world):
    Nomination.objects.filter(province=world.gd).update(status=Nomination.Status.DRAFT)
    Recommendation.objects.filter(province=world.zj).update(status=Recommendation.Status.DRAFT)
    assert recommendation_reminders_send(today=local_today()) == 1
    assert _notified("awards:recommendation-due:") == {"zj_officer"}


def test_recommendation_reminders_only_during_the_provincial_review(recommending):
    _set(recommending, phase=Round.Phase.NATIONAL_REVIEW)
    assert recommendation_reminders_send(today=local_today()) == 0


def test_recommendation_reminders_run_a_fixed_number_of_queries(
    recommending, world, django_assert_num_queries
):
    for i in range(12):
        _officer(f"gd_more{i}", Membership.Role.PROVINCIAL_OFFICER, world.gd)
    # the rounds in provincial review = 1; the provinces still owing a list = 1
    # + their officers and grant holders, one UNION = 1; those users = 1
    # + the notices of the one province, one INSERT = 1
    with django_assert_num_queries(5):
        assert recommendation_reminders_send(today=local_today()) == 13


# --- tasks and schedules ----------------------------------------------------------------------


def test_the_nomination_task_takes_an_iso_date_and_is_idempotent(nominating):
    day = local_today().isoformat()
    assert nomination_deadline_reminders_task.delay(day).get() == 4
    assert nomination_deadline_reminders_task.delay(day).get() == 0
    # Without a date: today in Asia/Shanghai, the same day.
    assert nomination_deadline_reminders_task.delay().get() == 0


def test_the_review_task_takes_an_iso_date_and_is_idempotent(scoring):
    day = local_today().isoformat()
    assert review_deadline_reminders_task.delay(day).get() == 3
    assert review_deadline_reminders_task.delay(day).get() == 0


def test_the_recommendation_task_takes_an_iso_date_and_is_idempotent(recommending):
    day = local_today().isoformat()
    assert recommendation_reminders_task.delay(day).get() == 1
    assert recommendation_reminders_task.delay(day).get() == 0


AWARD_SCHEDULES = {
    "awards.nomination_deadline_reminders": ("7", "30"),
    "awards.review_deadline_reminders": ("7", "40"),
    "awards.recommendation_reminders": ("7", "50"),
    "awards.certificates_sweep": ("*", "*/5"),
}


def test_schedules_install_adds_the_award_schedules_and_is_idempotent(db, capsys):
    call_command("schedules_install")
    installed = {
        task.name: (task.crontab.hour, task.crontab.minute, str(task.crontab.timezone))
        for task in PeriodicTask.objects.filter(name__startswith="awards.")
    }
    assert installed == {name: (*time, "Asia/Shanghai") for name, time in AWARD_SCHEDULES.items()}
    everything = PeriodicTask.objects.count()
    # campaigns' reminders and civport's sweepers and sealer too: every app's declared schedule
    assert everything == len(declared_schedules()) >= 9
    # An administrator's change of a task's state survives a second run.
    PeriodicTask.objects.filter(name="awards.recommendation_reminders").update(enabled=False)
    capsys.readouterr()
    call_command("schedules_install")
    assert f"0 created, 0 updated, {everything} unchanged" in capsys.readouterr().out
    assert PeriodicTask.objects.count() == everything
    assert not PeriodicTask.objects.get(name="awards.recommendation_reminders").enabled


def test_schedules_install_puts_a_changed_time_back(db):
    call_command("schedules_install")
    other = PeriodicTask.objects.get(name="campaigns.filing_reminders").crontab
    PeriodicTask.objects.filter(name="awards.review_deadline_reminders").update(crontab=other)
    call_command("schedules_install")
    crontab = PeriodicTask.objects.get(name="awards.review_deadline_reminders").crontab
    assert (crontab.hour, crontab.minute) == ("7", "40")

"""The work conference at which a round's titles are conferred (四(十二)): recorded on the round
until its decision, cited by the decision and shown on the honours board."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from awards import documents
from awards.models import Round
from awards.services import rounds as round_services
from tests.awards.rounds_support import set_phase

CONFERENCE = {
    "conference_name": " 2025—2026年度全国共建文明口岸活动工作会议 ",
    "conference_on": datetime.date(2026, 3, 20),
    "conference_place": "北京",
}


def test_the_decision_cites_the_conference(award_round):
    set_phase(award_round, Round.Phase.PUBLIC_NOTICE)
    round = round_services.round_save(actor=None, round=award_round, **CONFERENCE)
    assert round.conference_name == "2025—2026年度全国共建文明口岸活动工作会议"  # trimmed

    html = documents.decision_html(round, [])

    assert (
        "上述先进集体和先进个人在2026年3月20日于北京召开的"
        "2025—2026年度全国共建文明口岸活动工作会议上予以命名表彰。"
    ) in html


def test_a_decision_without_a_conference_says_nothing_of_one(award_round):
    assert "data-conference" not in documents.decision_html(award_round, [])


def test_the_conference_is_fixed_once_the_round_is_decided(award_round, in_english):
    set_phase(award_round, Round.Phase.DECIDED)
    with pytest.raises(ValidationError) as excinfo:
        round_services.round_save(actor=None, round=award_round, conference_place="上海")
    assert "conference_place" in excinfo.value.message_dict

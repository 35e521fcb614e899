from awards.models import Nomination
from awards.selectors.rounds import round_reviews


def test_round_fixture_has_a_review_per_province_and_a_national_one(world, award_round):
    reviews = round_reviews(award_round)
    assert set(reviews) == {world.national.pk, world.gd.pk, world.zj.pk}
    assert {r.scheme_id for r in reviews.values()} == {award_round.scheme_id}


def test_make_nomination_fills_the_nominee_and_the_province(world, award_round, make_nomination):
    person = world.sz.people[0]
    nomination = make_nomination(award_round, person)
    assert nomination.title == "advanced_individual"
    assert nomination.province == world.gd
    assert nomination.unit == person.unit
    assert nomination.status == Nomination.Status.SUBMITTED

from decimal import Decimal

from assessments.models import Assignment, ScoreSheet
from assessments.selectors import review_ranking, reviewer_statistics
from assessments.services import reviews as review_services
from tests.assessments.fixtures import submit_sheet


def test_flow_assign_score_rank(gd_review, gd_subjects, gd_reviewer):
    created, short = review_services.assignment_auto(actor=None, review=gd_review)
    assert len(created) == 12 and short == []
    # never the reviewer's own unit
    assert not Assignment.objects.filter(member__user=gd_reviewer, subject=gd_subjects[0]).exists()
    for a in Assignment.objects.select_related("member__user", "subject"):
        submit_sheet(a.member.user, a.subject, Decimal("0.8"))
    assert ScoreSheet.objects.filter(status="submitted").count() == 12
    ranking = list(review_ranking(gd_review))
    assert [r.score for r in ranking] == [Decimal("80.00")] * 4
    assert all(r.rank == 1 for r in ranking)
    stats = list(reviewer_statistics(gd_review))
    assert sum(s.submitted for s in stats) == 12

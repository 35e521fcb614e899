"""The assessments screens; each view module keeps its own patterns."""

from assessments.views import cycles, reviews, schemes, scoring

app_name = "assessments"

urlpatterns = [
    *scoring.urlpatterns,
    *reviews.urlpatterns,
    *schemes.urlpatterns,
    *cycles.urlpatterns,
]

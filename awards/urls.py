from awards.views import (
    nominations,
    province_rounds,
    public_honours,
    public_notice,
    recommendations,
)

app_name = "awards"

urlpatterns = [
    *nominations.urlpatterns,
    *recommendations.urlpatterns,
    *province_rounds.urlpatterns,
    *public_notice.urlpatterns,
    *public_honours.urlpatterns,
]

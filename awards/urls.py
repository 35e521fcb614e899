from awards.views import nominations, public_honours, public_notice, recommendations

app_name = "awards"

urlpatterns = [
    *nominations.urlpatterns,
    *recommendations.urlpatterns,
    *public_notice.urlpatterns,
    *public_honours.urlpatterns,
]

"""The notification screens, under the app namespace "civport"."""

from django.urls import path

from civport import views

app_name = "civport"

urlpatterns = [
    path("", views.notification_list, name="notification-list"),
    path("unread/", views.notification_unread, name="notification-unread"),
    path("read/", views.notification_read_all, name="notification-read-all"),
    path("<int:pk>/read/", views.notification_read, name="notification-read"),
]

from django.urls import path
from django.utils.translation import gettext_lazy as _

from producers import views

app_name = "producers"
urlpatterns = [
    path(_("producers/"), views.directory, name="directory"),
    path(_("producers/map.geojson"), views.directory_map, name="map"),
    path(_("producers/<slug:slug>/"), views.profile, name="profile"),
    path(_("my-account/profile/<slug:slug>/"), views.profile_edit, name="profile_edit"),
]

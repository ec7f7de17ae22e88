from django.urls import path
from django.utils.translation import gettext_lazy as _

from vacancies import views

app_name = "vacancies"
urlpatterns = [
    path(_("sites/"), views.site_index, name="list"),
    path(_("sites/map.geojson"), views.site_map, name="map"),
    path(_("sites/statistics/"), views.site_statistics, name="statistics"),
    path(_("sites/<int:pk>/"), views.site_detail, name="detail"),
]

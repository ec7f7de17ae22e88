from django.urls import path
from django.utils.translation import gettext_lazy as _

from vacancies import views

app_name = "vacancies"
urlpatterns = [
    path(_("sites/"), views.site_index, name="list"),
    path(_("sites/map.geojson"), views.site_map, name="map"),
    path(_("sites/<int:pk>/"), views.site_detail, name="detail"),
]

# A passer-by reports that a site is no longer free (issue 11, ground truth from the street).
urlpatterns += [
    path(_("sites/<int:pk>/report/"), views.site_report, name="report"),
    path(_("sites/<int:pk>/report/thanks/"), views.site_report_thanks, name="report_thanks"),
]

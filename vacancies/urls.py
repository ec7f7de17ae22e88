from django.urls import path
from django.utils.translation import gettext_lazy as _

from vacancies import views

app_name = "vacancies"
urlpatterns = [
    path(_("sites/"), views.site_index, name="list"),
    path(_("sites/map.geojson"), views.site_map, name="map"),
    path(_("sites/<int:pk>/"), views.site_detail, name="detail"),
    path(_("sites/<int:pk>/expose/"), views.site_expose, name="expose"),
    path(_("sites/<int:pk>/expose.pdf"), views.site_expose_pdf, name="expose_pdf"),
]

from django.urls import path
from django.utils.translation import gettext_lazy as _

from vacancies import space_request_views, views

app_name = "vacancies"
urlpatterns = [
    path(_("sites/"), views.site_index, name="list"),
    path(_("sites/map.geojson"), views.site_map, name="map"),
    path(_("sites/statistics/"), views.site_statistics, name="statistics"),
    path(_("sites/<int:pk>/"), views.site_detail, name="detail"),
    # Space requests (Gesuche): the public form and the requester's own links
    path(_("sites/request/"), space_request_views.space_request_form, name="request"),
    path(
        _("sites/request/thanks/"),
        space_request_views.space_request_thanks,
        name="request_thanks",
    ),
    path(
        _("sites/request/<uuid:token>/renew/"),
        space_request_views.space_request_renew_page,
        name="request_renew",
    ),
    path(
        _("sites/request/<uuid:token>/withdraw/"),
        space_request_views.space_request_withdraw_page,
        name="request_withdraw",
    ),
]

# A passer-by reports that a site is no longer free (issue 11, ground truth from the street).
urlpatterns += [
    path(_("sites/<int:pk>/report/"), views.site_report, name="report"),
    path(_("sites/<int:pk>/report/thanks/"), views.site_report_thanks, name="report_thanks"),
    path(_("sites/<int:pk>/expose/"), views.site_expose, name="expose"),
    path(_("sites/<int:pk>/expose.pdf"), views.site_expose_pdf, name="expose_pdf"),
]

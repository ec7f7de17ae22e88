from django.urls import path
from django.utils.translation import gettext_lazy as _

from label import views

app_name = "label"
urlpatterns = [
    path("label/", views.about, name="about"),
    # The association's shop (BYBOCHUM e.V., Kortumstraße 120) and its point for the maps
    path(_("shop/"), views.shop, name="shop"),
    path(_("shop/map.geojson"), views.places_map, name="places_map"),
    path(_("label/verify/<uuid:public_id>/"), views.verify, name="verify"),
    path(_("label/verify/<uuid:public_id>/badge.svg"), views.badge_svg, name="badge_svg"),
    path(_("label/verify/<uuid:public_id>/sticker.svg"), views.sticker_svg, name="sticker_svg"),
    path(_("label/verify/<uuid:public_id>/sticker.pdf"), views.sticker_pdf, name="sticker_pdf"),
    path(_("my-account/"), views.account, name="account"),
    path(_("my-account/application/new/"), views.application_new, name="application_new"),
    path(_("my-account/application/<int:pk>/"), views.application_detail, name="application"),
    path(
        _("my-account/application/photo/<int:pk>/"),
        views.application_photo,
        name="application_photo",
    ),
    path(
        _("my-account/application/<int:pk>/edit/"),
        views.application_edit,
        name="application_edit",
    ),
]

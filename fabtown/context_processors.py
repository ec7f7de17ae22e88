from django.conf import settings
from django.utils.translation import gettext_lazy as _

MAIN_NAVIGATION = [
    ("producers", "producers:directory", _("Producers")),
    ("vacancies", "vacancies:list", _("Sites on offer")),
    ("measures", "measures:catalogue", _("Measures")),
    ("label", "label:about", _("Made by Bochum")),
]


def site(request) -> dict:
    """Navigation, map tiles and contact details every public page needs."""
    return {
        "main_navigation": MAIN_NAVIGATION,
        "MAP_TILE_URL": settings.MAP_TILE_URL,
        "MAP_TILE_ATTRIBUTION": settings.MAP_TILE_ATTRIBUTION,
        "CONTACT_EMAIL": settings.CONTACT_EMAIL,
    }

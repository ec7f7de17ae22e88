from django.conf import settings
from django.urls import translate_url
from django.utils.functional import SimpleLazyObject
from django.utils.translation import get_language, get_language_info
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
        "other_languages": SimpleLazyObject(lambda: other_languages(request)),
    }


def other_languages(request) -> list[dict]:
    """This page in the other languages: plain links (German unprefixed, English under /en/),
    so pages carry no per-visitor form token and can be cached (fabtown.answers)."""
    current = get_language()
    path = request.get_full_path()
    return [
        {
            "code": code,
            "name": get_language_info(code)["name_local"].capitalize(),
            "url": translate_url(path, code),
        }
        for code, _name in settings.LANGUAGES
        if code != current
    ]

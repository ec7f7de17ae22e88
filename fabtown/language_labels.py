"""Labels of the per-language fields, e.g. "Name (Deutsch)" / "Name (Englisch)" in the German
admin. Imported by the settings (MODELTRANSLATION_BUILD_LOCALIZED_VERBOSE_NAME), so nothing
here may import models."""

from django.utils.text import capfirst
from django.utils.translation import get_language_info, gettext


def localized_verbose_name(verbose_name, language: str) -> str:
    # Called lazily when a form renders, so both parts follow the admin's language.
    name = gettext(get_language_info(language)["name"])
    return f"{capfirst(verbose_name)} ({name})"

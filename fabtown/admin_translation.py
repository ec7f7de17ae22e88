"""Admin for content with an English version (fabtown/content_translation.py): each translated
field appears once per language ("Name (Deutsch)", "Name (Englisch)"), German required where
the field is, English optional."""

from modeltranslation.admin import TranslationAdmin

from fabtown.admin_base import DomainAdmin


class TranslatedAdmin(TranslationAdmin):
    """For content without history, maps or private fields."""


class TranslatedDomainAdmin(TranslationAdmin, DomainAdmin):
    """DomainAdmin (history, maps, private fields) with the per-language fields."""

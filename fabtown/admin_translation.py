"""Admin for content with an English version (fabtown/content_translation.py): each translated
field appears once per language ("Name (Deutsch)", "Name (Englisch)"), German required where
the field is, English optional."""

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from modeltranslation.admin import TranslationAdmin

from fabtown.admin_base import DomainAdmin
from fabtown.content_translation import SOURCE_LANGUAGE


class _ErrorsOnShownFields:
    """A model check names the field (`priority_reason`); the form shows it per language
    (`priority_reason_de`). Its message goes to the German field, and a message for a field the
    form does not show goes above the form: never a crash."""

    def _update_errors(self, errors):
        if hasattr(errors, "error_dict"):
            shown: dict[str, list] = {}
            for field, messages in errors.error_dict.items():
                if field != NON_FIELD_ERRORS and field not in self.fields:
                    german = f"{field}_{SOURCE_LANGUAGE}"
                    field = german if german in self.fields else NON_FIELD_ERRORS
                shown.setdefault(field, []).extend(messages)
            errors = ValidationError(shown)
        super()._update_errors(errors)


class _ShownFieldErrorsMixin:
    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        return type(form.__name__, (_ErrorsOnShownFields, form), {})


class TranslatedAdmin(_ShownFieldErrorsMixin, TranslationAdmin):
    """For content without history, maps or private fields."""


class TranslatedDomainAdmin(_ShownFieldErrorsMixin, TranslationAdmin, DomainAdmin):
    """DomainAdmin (history, maps, private fields) with the per-language fields."""

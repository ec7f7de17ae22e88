"""English content stored beside the German (django-modeltranslation).

Each `<app>/translation.py` registers the fields the platform defines itself; modeltranslation
adds a `<field>_de` and a `<field>_en` column per field and makes `<field>` read the active
language, falling back to German where the English text is missing (NULL).

A model with history is registered with django-simple-history here, after the translation
fields exist: simple-history copies the fields it sees when it builds the historical model, and
a `HistoricalRecords()` declared on the model class would be built before modeltranslation adds
`_de`/`_en`, so the history would miss both languages.
"""

import copy
from typing import Any

import simple_history
from django.conf import settings
from django.db import models
from django.db.models import F, TextField, Value
from django.db.models.functions import Coalesce, NullIf
from django.utils.translation import get_language
from modeltranslation.translator import NotRegistered, TranslationOptions, translator

SOURCE_LANGUAGE = settings.MODELTRANSLATION_DEFAULT_LANGUAGE
CONTENT_LANGUAGES = tuple(settings.MODELTRANSLATION_LANGUAGES)


class ContentTranslation(TranslationOptions):
    """German is required wherever the field itself is; every empty translation is NULL, so
    an English name left empty never collides with another under a unique constraint."""

    required_languages = (SOURCE_LANGUAGE,)
    empty_values = None


def register(
    model: type[models.Model],
    options: type[TranslationOptions],
    *,
    history: dict[str, Any] | None = None,
) -> None:
    """Register `model`'s translated fields; with `history`, its history afterwards."""
    translator.register(model, options)
    if history is not None:
        simple_history.register(model, **history)
        _history_fields_not_unique(model.history.model)


def _history_fields_not_unique(history_model: type[models.Model]) -> None:
    """simple-history makes a unique field of the history plain and indexed, but a translation
    field describes itself (migrations) by its original field, which is still unique: the
    history table would refuse a second version of the same name. Give it a plain original."""
    for field in history_model._meta.fields:
        original = getattr(field, "translated_field", None)
        if original is not None and original.unique:
            plain = copy.copy(original)
            plain._unique = False
            plain.db_index = True
            field.translated_field = plain


def translated_fields(model: type[models.Model]) -> tuple[str, ...]:
    try:
        return tuple(translator.get_options_for_model(model).get_field_names())
    except NotRegistered:
        return ()


def localized(field: str, language: str | None = None) -> Coalesce:
    """The field's text in `language` (the active one by default), else the German text: for
    annotations, SQL built from `values()` and ordering, where the model's fallback does not
    reach."""
    language = (language or get_language() or SOURCE_LANGUAGE)[:2]
    german = F(f"{field}_{SOURCE_LANGUAGE}")
    if language == SOURCE_LANGUAGE or language not in CONTENT_LANGUAGES:
        return Coalesce(german, Value(""), output_field=TextField())
    return Coalesce(
        NullIf(F(f"{field}_{language}"), Value("")), german, Value(""), output_field=TextField()
    )

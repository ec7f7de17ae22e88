import django_filters
from django import forms
from django.forms import ModelChoiceField
from django.utils.choices import BaseChoiceIterator
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field


@extend_schema_field({"type": "string", "enum": ["true", "false"]})
class StrictBooleanFilter(django_filters.ChoiceFilter):
    """A yes/no filter that rejects anything but "true" and "false".

    django-filter's BooleanFilter silently ignores values it cannot read, so a mistyped link
    would show unfiltered results; this one answers with a form error instead.
    """

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("choices", [("true", _("yes")), ("false", _("no"))])
        kwargs.setdefault("empty_label", _("either"))
        super().__init__(*args, **kwargs)

    def filter(self, qs, value):
        if value in ("", None):
            return qs
        return super().filter(qs, value == "true")


@extend_schema_field(OpenApiTypes.STR)
class SlugChoiceFilter(django_filters.ModelChoiceFilter):
    """A record chosen by its slug or code (typed as a string in the OpenAPI schema)."""


MAX_ID = 2**63 - 1  # PostgreSQL bigint


@extend_schema_field({"type": "integer", "minimum": 1, "maximum": MAX_ID})
class IdFilter(django_filters.NumberFilter):
    """A reference by id for the API: an unknown id matches nothing (no error)."""

    field_class = forms.IntegerField

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", MAX_ID)
        super().__init__(*args, **kwargs)


@extend_schema_field(OpenApiTypes.STR)
class KeyFilter(django_filters.CharFilter):
    """A reference by slug or code for the API: an unknown key matches nothing (no error)."""


MAX_AREA_M2 = 1_000_000


@extend_schema_field({"type": "number", "minimum": 0, "maximum": MAX_AREA_M2})
class AreaFilter(django_filters.NumberFilter):
    """A floor area in m² (0 to 1,000,000)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("min_value", 0)
        kwargs.setdefault("max_value", MAX_AREA_M2)
        super().__init__(*args, **kwargs)


class _ChoicesReadOnce(BaseChoiceIterator):
    """A model choice field's options, read from the database the first time the widget needs
    them and kept for the rest of the request.

    Django's ModelChoiceIterator queries the records each time it is iterated, through a
    server-side cursor (DECLARE … WITH HOLD) that costs more than the query. Validation still looks
    the chosen record up in the field's queryset; a form that is never rendered (the API)
    never reads them.
    """

    def __init__(self, field):
        self.field = field
        self.options = None

    def __iter__(self):
        if self.options is None:
            field, records = self.field, self.field.iterator(self.field)
            empty = [("", field.empty_label)] if field.empty_label is not None else []
            self.options = empty + [records.choice(obj) for obj in field.queryset.all()]
        return iter(self.options)


class ChoicesReadOnceMixin:
    """A FilterSet whose rendered form reads each model choice list once per request."""

    @property
    def form(self):
        if not hasattr(self, "_form"):
            for field in super().form.fields.values():
                if isinstance(field, ModelChoiceField):
                    field.widget.choices = _ChoicesReadOnce(field)
        return self._form

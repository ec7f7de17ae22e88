from django.apps import AppConfig


class FabtownConfig(AppConfig):
    name = "fabtown"
    verbose_name = "FabTown Bochum"

    def ready(self) -> None:
        from django.contrib.gis.db.models import GeometryField
        from rest_framework.serializers import ModelSerializer

        from fabtown import answers
        from fabtown.api import APIGeometryField

        answers.connect_signals()
        _admin_boolean_icons_in_words()
        # The admin's date and time inputs, each with a label (fabtown/templates/fabtown/): its
        # own template gives them none. Widgets render from the apps' templates, where the
        # admin's own would win over an override of the same name.
        from django.contrib.admin.widgets import AdminSplitDateTime

        AdminSplitDateTime.template_name = "fabtown/admin_split_datetime.html"

        # Any serializer that maps a geometry column on its own gets the checked field too
        # (rest_framework_gis maps them to its unchecked one).
        mapping = ModelSerializer.serializer_field_mapping
        for model_field in list(mapping):
            if issubclass(model_field, GeometryField):
                mapping[model_field] = APIGeometryField


def _admin_boolean_icons_in_words() -> None:
    """The admin's yes/no/unknown icons carry the Python value as their text ("True", "None"),
    which screen readers read out in English in the German admin; here they say "Ja", "Nein",
    "Unbekannt". Lists, read-only fields and the history all draw them with this function."""
    from django.contrib.admin.templatetags import admin_list
    from django.templatetags.static import static
    from django.utils.html import format_html
    from django.utils.translation import gettext

    def boolean_icon(field_val):
        icon, words = {True: ("yes", "Yes"), False: ("no", "No"), None: ("unknown", "Unknown")}[
            field_val
        ]
        return format_html(
            '<img src="{}" alt="{}">', static(f"admin/img/icon-{icon}.svg"), gettext(words)
        )

    admin_list._boolean_icon = boolean_icon

"""The one configured map widget, shared by the admin and the public forms.

Its tiles, attribution and Bochum's centre come from settings.LEAFLET_CONFIG.
"""

import json

from django import forms
from django.core.exceptions import ValidationError
from leaflet.admin import LeafletAdminWidget
from leaflet.templatetags.leaflet_tags import leaflet_map

from fabtown import geo


class MapWidget(LeafletAdminWidget):
    """Leaflet with the project's configuration; brings its own JavaScript and CSS.

    django-leaflet's templates set the map up with inline scripts, which the
    Content-Security-Policy forbids (a widget has no request, so no nonce). This widget renders
    the same configuration as JSON data instead, and fabtown/map-widget.js sets the map up.

    A form with errors renders what was submitted again. Only a geometry that passes the
    platform's check is drawn: anything else (1e308, NaN, an unknown SRID) is shown as an empty
    map beside the field's error, because writing such a value out can abort GEOS.
    """

    template_name = "fabtown/map_widget.html"
    # The input is a hidden textarea: an error summary's link focuses the map (Leaflet makes
    # its box focusable) instead.
    focus_target_suffix = "-map"

    @property
    def media(self):
        # leaflet-draw-locale.js translates Leaflet.draw's toolbar before map-widget.js draws
        # the map.
        return super().media + forms.Media(
            js=[
                "fabtown/leaflet-icons.js",
                "fabtown/leaflet-draw-locale.js",
                "fabtown/map-widget.js",
            ]
        )

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        # django-leaflet's own tag computes the map options (centre, zoom, tiles, overrides).
        options = leaflet_map(
            context["id_map"],
            settings_overrides=context["settings_overrides"] or {},
        )
        context["map_config_id"] = f"{context['id_map']}-config"
        context["map_config"] = {
            "mapId": context["id_map"],
            "fieldId": context["id_css"],
            "modifiable": context["modifiable"],
            "geomType": context["widget"]["attrs"]["geom_name"],
            "options": json.loads(options["djoptions"]),
        }
        return context

    def deserialize(self, value):
        try:
            return geo.parse_geometry(value)
        except ValidationError:
            return None

    def serialize(self, value):
        return value.geojson if geo.is_plausible(value) else ""

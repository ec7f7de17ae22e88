"""The one configured map widget, shared by the admin and the public forms.

Its tiles, attribution and Bochum's centre come from settings.LEAFLET_CONFIG.
"""

from django.core.exceptions import ValidationError
from leaflet.admin import LeafletAdminWidget

from fabtown import geo


class MapWidget(LeafletAdminWidget):
    """Leaflet with the project's configuration; brings its own JavaScript and CSS.

    A form with errors renders what was submitted again. Only a geometry that passes the
    platform's check is drawn: anything else (1e308, NaN, an unknown SRID) is shown as an empty
    map beside the field's error, because writing such a value out can abort GEOS.
    """

    def deserialize(self, value):
        try:
            return geo.parse_geometry(value)
        except ValidationError:
            return None

    def serialize(self, value):
        return value.geojson if geo.is_plausible(value) else ""

"""The one configured map widget, shared by the admin and the public forms.

Its tiles, attribution and Bochum's centre come from settings.LEAFLET_CONFIG.
"""

from leaflet.admin import LeafletAdminWidget


class MapWidget(LeafletAdminWidget):
    """Leaflet with the project's configuration; brings its own JavaScript and CSS."""

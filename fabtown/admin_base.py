"""The base of every domain admin: maps, edit history and (where wanted) import/export."""

from leaflet.admin import LeafletGeoAdminMixin
from simple_history.admin import SimpleHistoryAdmin

from fabtown.maps import MapWidget


class DomainAdmin(LeafletGeoAdminMixin, SimpleHistoryAdmin):
    widget = MapWidget
    map_template = MapWidget.template_name  # django-leaflet would swap in its inline-script one
    list_per_page = 50
    save_on_top = True

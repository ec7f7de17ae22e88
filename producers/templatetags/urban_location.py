"""`{% urban_location record %}`: the count and flag of note 13 on a producer's or site's page."""

from django import template

from producers import urban
from producers.selectors import building_layer

register = template.Library()


@register.inclusion_tag("producers/urban_location.html")
def urban_location(record) -> dict:
    count = record.residential_buildings_500m
    return {
        "count": count,
        "is_urban": record.is_urban_location,
        "minimum": urban.URBAN_MIN_RESIDENTIAL_BUILDINGS,
        "radius": urban.URBAN_RADIUS_M,
        # the layer's source and date: read only when there is a count to explain
        "layer": building_layer() if count is not None else None,
    }

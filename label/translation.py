from fabtown.content_translation import ContentTranslation, register
from label.models import FeeTier, Place


class FeeTierTranslation(ContentTranslation):
    fields = ("name",)


register(FeeTier, FeeTierTranslation, history={})


class PlaceTranslation(ContentTranslation):
    # The name is a proper name ("BYBOCHUM-Laden"); what the place is and when it opens are told.
    fields = ("description", "opening_hours")


register(Place, PlaceTranslation, history={})

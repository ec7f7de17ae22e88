from fabtown.content_translation import ContentTranslation, register
from label.models import FeeTier


class FeeTierTranslation(ContentTranslation):
    fields = ("name",)


register(FeeTier, FeeTierTranslation, history={})

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LabelConfig(AppConfig):
    name = "label"
    verbose_name = _("“Made by Bochum” label")

    def ready(self) -> None:
        # The records of this app that a measure's outcomes may link to (measures/outcomes.py).
        from label import outcomes

        outcomes.register()

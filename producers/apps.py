from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProducersConfig(AppConfig):
    name = "producers"
    verbose_name = _("Producers")

    def ready(self) -> None:
        # The records of this app that a measure's outcomes may link to (measures/outcomes.py).
        from producers import outcomes

        outcomes.register()

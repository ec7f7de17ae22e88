from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class VacanciesConfig(AppConfig):
    name = "vacancies"
    verbose_name = _("Vacancy cadastre")

    def ready(self) -> None:
        # The records of this app that a measure's outcomes may link to (measures/outcomes.py).
        from vacancies import outcomes

        outcomes.register()

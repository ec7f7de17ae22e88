from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class VacanciesConfig(AppConfig):
    name = "vacancies"
    verbose_name = _("Vacancy cadastre")

    def ready(self):
        # The measure catalogue's guided choice (chapter 6.1, step 4) lists the sites on offer
        # as candidate places; measures cannot import the cadastre, so it is told here.
        from measures.candidates import register_candidate_source
        from vacancies.selectors import candidate_places_for_measures

        register_candidate_source(candidate_places_for_measures)
        # The records of this app that a measure's outcomes may link to (measures/outcomes.py).
        from vacancies import outcomes

        outcomes.register()

from fabtown.content_translation import ContentTranslation, register
from vacancies.models import SearchArea


class SearchAreaTranslation(ContentTranslation):
    fields = ("name", "production_type", "concretisation")


register(SearchArea, SearchAreaTranslation, history={})

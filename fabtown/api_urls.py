from csp.constants import SELF, UNSAFE_INLINE
from csp.decorators import csp_replace
from django.urls import include, path
from drf_spectacular.views import (
    SpectacularAPIView,
    SpectacularRedocView,
    SpectacularSwaggerSplitView,
)
from rest_framework.routers import DefaultRouter

from fabtown import opendata
from label.api import LabelMemberViewSet, PlaceViewSet
from measures.api import MeasureViewSet
from producers.api import ProducerViewSet, ProductCategoryViewSet, ProductionFormViewSet
from search.api import SearchView
from vacancies import api_matching
from vacancies.api import InterimUseViewSet, SearchAreaViewSet, SiteViewSet
from vacancies.api_space_requests import SpaceRequestViewSet
from vacancies.api_statistics import VacancyStatisticsView

router = DefaultRouter()
router.register("producers", ProducerViewSet, basename="producer")
router.register("product-categories", ProductCategoryViewSet, basename="product-category")
router.register("production-forms", ProductionFormViewSet, basename="production-form")
router.register("search-areas", SearchAreaViewSet, basename="search-area")
router.register("sites", SiteViewSet, basename="site")
router.register("interim-uses", InterimUseViewSet, basename="interim-use")
router.register("space-requests", SpaceRequestViewSet, basename="space-request")
router.register("measures", MeasureViewSet, basename="measure")
router.register("label-members", LabelMemberViewSet, basename="label-member")
router.register("places", PlaceViewSet, basename="place")

app_name = "api"
urlpatterns = [
    path("open-data/producers.csv", opendata.producers_csv, name="opendata-producers-csv"),
    path(
        "open-data/producers.geojson", opendata.producers_geojson, name="opendata-producers-geojson"
    ),
    path("open-data/sites.csv", opendata.sites_csv, name="opendata-sites-csv"),
    path("open-data/sites.geojson", opendata.sites_geojson, name="opendata-sites-geojson"),
    path("statistics/vacancy/", VacancyStatisticsView.as_view(), name="vacancy-statistics"),
    path("search/", SearchView.as_view(), name="search"),  # issue 12: one search, every kind
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    # Both pages without inline scripts, for the Content-Security-Policy (templates/api/).
    path(
        "docs/",
        SpectacularSwaggerSplitView.as_view(
            url_name="api:schema", template_name="api/swagger_ui.html"
        ),
        name="docs",
    ),
    path(
        "redoc/",
        # ReDoc writes style elements as its bundle loads, before it could learn a nonce, and
        # builds its search index in a worker from a blob. Its footer's logo, an image from
        # cdn.redoc.ly, stays blocked: no visitor's address goes to Redocly.
        csp_replace({"style-src": [SELF, UNSAFE_INLINE], "worker-src": [SELF, "blob:"]})(
            SpectacularRedocView.as_view(url_name="api:schema", template_name="api/redoc.html")
        ),
        name="redoc",
    ),
    # Matching (issue 11): own views, before the router, independent of the viewsets.
    path(
        "space-requests/<int:pk>/matches/",
        api_matching.SpaceRequestMatchesView.as_view(),
        name="space-request-matches",
    ),
    path("sites/<int:pk>/matches/", api_matching.SiteMatchesView.as_view(), name="site-matches"),
    path("", include(router.urls)),
]

from django.urls import path
from django.utils.translation import gettext_lazy as _

from measures import staff_views, views

app_name = "measures"
urlpatterns = [
    path(_("measures/"), views.catalogue, name="catalogue"),
    # the overviews before the profiles: "measures/overview/" would otherwise be read as a code
    path(_("measures/overview/"), views.overview_index, name="overview"),
    path(_("measures/overview/actors/"), views.overview_actors, name="overview-actors"),
    path(
        _("measures/overview/time-and-cost/"),
        views.overview_time_cost,
        name="overview-time-cost",
    ),
    path(
        _("measures/overview/interactions/"),
        views.overview_interactions,
        name="overview-interactions",
    ),
    # Steckbrief PDF and catalogue CSV (issue 13)
    path(_("measures/profiles.pdf"), views.profiles_pdf, name="profiles-pdf"),
    path(_("measures/catalogue.csv"), views.catalogue_csv, name="catalogue-csv"),
    path(_("measures/<str:code>/profile.pdf"), views.profile_pdf, name="profile-pdf"),
    path(_("measures/steps/"), views.steps, name="steps"),
    # the staff's tracking pages; before the profile, whose code would match "implementation"
    path(_("measures/implementation/"), staff_views.implementation, name="implementation"),
    path(_("measures/implementation/changes/"), staff_views.changes, name="changes"),
    path(_("measures/<str:code>/"), views.detail, name="detail"),
]

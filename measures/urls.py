from django.urls import path
from django.utils.translation import gettext_lazy as _

from measures import views

app_name = "measures"
urlpatterns = [
    path(_("measures/"), views.catalogue, name="catalogue"),
    # Steckbrief PDF and catalogue CSV (issue 13)
    path(_("measures/profiles.pdf"), views.profiles_pdf, name="profiles-pdf"),
    path(_("measures/catalogue.csv"), views.catalogue_csv, name="catalogue-csv"),
    path(_("measures/<str:code>/profile.pdf"), views.profile_pdf, name="profile-pdf"),
    path(_("measures/<str:code>/"), views.detail, name="detail"),
]

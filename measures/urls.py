from django.urls import path
from django.utils.translation import gettext_lazy as _

from measures import views

app_name = "measures"
urlpatterns = [
    path(_("measures/"), views.catalogue, name="catalogue"),
    path(_("measures/steps/"), views.steps, name="steps"),
    path(_("measures/<str:code>/"), views.detail, name="detail"),
]

from django.urls import path
from django.utils.translation import gettext_lazy as _

from measures import staff_views, views

app_name = "measures"
urlpatterns = [
    path(_("measures/"), views.catalogue, name="catalogue"),
    # the staff's tracking pages; before the profile, whose code would match "implementation"
    path(_("measures/implementation/"), staff_views.implementation, name="implementation"),
    path(_("measures/implementation/changes/"), staff_views.changes, name="changes"),
    path(_("measures/<str:code>/"), views.detail, name="detail"),
]

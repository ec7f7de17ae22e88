from django.urls import path
from django.utils.translation import gettext_lazy as _

from fabtown import views

app_name = "pages"
urlpatterns = [
    path(_("imprint/"), views.imprint, name="imprint"),
    path(_("privacy/"), views.privacy, name="privacy"),
    path(_("accessibility/"), views.accessibility, name="accessibility"),
]

from django.contrib import admin
from django.urls import path
from django.utils.translation import gettext_lazy as _
from django.views.generic import RedirectView

admin.site.site_header = "FabTown Bochum"
admin.site.site_title = "FabTown Bochum"
admin.site.index_title = _("Administration")

urlpatterns = [
    path("admin/", admin.site.urls),
    path("", RedirectView.as_view(url="/admin/", permanent=False)),
]

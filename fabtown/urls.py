from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.conf.urls.static import static
from django.contrib import admin
from django.urls import include, path, re_path
from django.utils.translation import gettext_lazy as _

from fabtown import auth, errors, views
from vacancies.admin.statistics import vacancy_statistics

admin.site.site_header = "FabTown Bochum"
admin.site.site_title = "FabTown Bochum"
admin.site.index_title = _("Administration")

urlpatterns = [
    path("admin/login/", auth.admin_login, name="admin_login"),
    path("admin/vacancies/statistics/", vacancy_statistics, name="admin_vacancy_statistics"),
    path("admin/", admin.site.urls),
    path("api/v1/", include("fabtown.api_urls")),
    # Last among the API's routes: unknown API paths answer JSON, also in development.
    re_path(r"^api/", errors.api_not_found),
]
# German without a prefix (/produzenten/), English under /en/ (/en/producers/). The language
# switch lives inside the prefixed patterns so that it resolves the page it came from in that
# page's language and can send the visitor to the same page in the other language.
urlpatterns += i18n_patterns(
    path("i18n/", include("django.conf.urls.i18n")),
    path("", views.home, name="home"),
    path("", include("producers.urls")),
    path("", include("vacancies.urls")),
    path("", include("measures.urls")),
    path("", include("label.urls")),
    path("", include("search.urls")),
    path(_("account/"), include("allauth.urls")),
    path("", include("fabtown.urls_pages")),
    prefix_default_language=False,
)

# Uploaded photos: served by Django only in development; in production by the web server.
urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

handler400 = "fabtown.errors.bad_request"
handler403 = "fabtown.errors.permission_denied"
handler404 = "fabtown.errors.page_not_found"
handler500 = "fabtown.errors.server_error"
# Not Django's but allauth's: it answers its rate limits with `<ROOT_URLCONF>.handler429`.
handler429 = "fabtown.errors.allauth_too_many_requests"

# The benchmark's hello-world view (make bench): only when the environment asks for it.
if settings.BENCH_HELLO:
    urlpatterns.insert(0, path("bench/hello/", views.bench_hello, name="bench_hello"))

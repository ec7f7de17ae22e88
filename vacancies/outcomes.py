"""Sites and interim uses as outcomes of measures (a pop-up in a vacant shop, 4.3.1): their
public name and page only; an unpublished site and its interim uses stay hidden."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from measures.outcomes import register_outcome_kind
from vacancies.models import InterimUse, Site, SiteStatus

# Only a site on offer has a public page; a let one is named without a link.
_STATUSES_WITH_PAGE = {SiteStatus.VACANT, SiteStatus.RESERVED}


def _site_url(site: Site) -> str:
    if site.status in _STATUSES_WITH_PAGE:
        return reverse("vacancies:detail", kwargs={"pk": site.pk})
    return ""


def register() -> None:
    register_outcome_kind(
        Site,
        public_label=lambda site: site.name,
        public_url=_site_url,
        is_public=lambda queryset: queryset.published().only("pk", "name", "status"),
    )
    register_outcome_kind(
        InterimUse,
        public_label=lambda use: f"{use.title} ({use.site.name})",
        public_url=lambda use: _site_url(use.site),
        is_public=lambda queryset: queryset.filter(site__is_published=True).select_related("site"),
        kind_label=_("interim use"),
    )

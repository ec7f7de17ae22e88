"""What the public may learn about a site's owner: only what a consent in force allows.

The rule is written once, as two columns of the site's own row (so a list of sites costs no
query per row); the site page, the exposé and the public API all read it through
`public_contact_route`.
"""

from dataclasses import dataclass

from django.db.models import OuterRef, QuerySet, Subquery

from vacancies.models import ConsentScope, OwnerConsent, Site


@dataclass(frozen=True)
class ContactRoute:
    route: str
    owner_name: str = ""


def consents_in_force() -> QuerySet[OwnerConsent]:
    return OwnerConsent.objects.filter(withdrawn_on__isnull=True)


def with_public_contact_route(queryset: QuerySet[Site]) -> QuerySet[Site]:
    """Annotate the contact route the owner consented to publish, and the owner's name only
    where the consent's scope covers it; both NULL without a consent in force."""
    in_force = consents_in_force().filter(site=OuterRef("pk"))
    return queryset.annotate(
        consented_contact_route=Subquery(in_force.values("contact_route")[:1]),
        consented_owner_name=Subquery(
            in_force.filter(scope=ConsentScope.OWNER_NAME).values("site__owner_name")[:1]
        ),
    )


def public_contact_route(site: Site) -> ContactRoute | None:
    """The owner's contact route as the public may see it, or None (then the office is the
    contact). Reads the annotations of `with_public_contact_route` (one query when the site was
    read without them)."""
    if not hasattr(site, "consented_contact_route"):
        site = with_public_contact_route(Site.objects.filter(pk=site.pk).only("pk")).get()
    if not site.consented_contact_route:
        return None
    return ContactRoute(
        route=site.consented_contact_route, owner_name=site.consented_owner_name or ""
    )

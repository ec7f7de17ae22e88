from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.utils import timezone

from vacancies.models import Site, SiteStatusChange


@transaction.atomic
def site_set_status(
    *, site: Site, status: str, by: AbstractBaseUser | None, note: str = ""
) -> SiteStatusChange | None:
    """Change a site's status and record the step in its status history.

    Returns the recorded change, or None when the site already had that status.
    """
    locked = Site.objects.select_for_update().get(pk=site.pk)
    if locked.status == status:
        return None
    change = SiteStatusChange.objects.create(
        site=locked,
        from_status=locked.status,
        to_status=status,
        changed_at=timezone.now(),
        changed_by=by,
        note=note,
    )
    locked.status = status
    locked.save(update_fields=["status", "updated_at"])
    site.status = status
    return change


def site_record_initial_status(*, site: Site, by: AbstractBaseUser | None, note: str = "") -> None:
    """The first entry of a new site's status history."""
    SiteStatusChange.objects.create(
        site=site,
        from_status="",
        to_status=site.status,
        changed_at=timezone.now(),
        changed_by=by,
        note=note,
    )

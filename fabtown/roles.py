"""The staff permission groups: editors, viewers and the label board."""

from django.contrib.auth.models import Group, Permission
from django.db.models import Q

EDITORS = "Redaktion"
VIEWERS = "Lesezugriff"
LABEL_BOARD = "Label-Gremium"

_DOMAIN_APPS = ["producers", "vacancies", "measures", "label"]


def _permissions(query: Q) -> list[Permission]:
    return list(Permission.objects.filter(query))


def ensure_staff_groups() -> None:
    """Create the groups (or bring their permissions up to date); safe to run repeatedly."""
    in_domain = Q(content_type__app_label__in=_DOMAIN_APPS)
    # Owners' and applicants' personal data: only who works with them (DSGVO data minimisation)
    personal = Q(codename__in=["view_owner_data", "view_applicant_data", "view_requester_data"])
    view = Q(codename__startswith="view_") & ~personal
    # History is written by django-simple-history and board decisions by the label service
    # only: nobody edits or deletes them by hand. Deciding on the label is the board's.
    writable = (
        in_domain
        & ~Q(content_type__model__startswith="historical")
        & ~Q(content_type__model="labeldecision")
        & ~Q(codename="decide_labelapplication")
    )

    editors, _ = Group.objects.get_or_create(name=EDITORS)
    editors.permissions.set(_permissions(writable | (in_domain & view)))

    viewers, _ = Group.objects.get_or_create(name=VIEWERS)
    viewers.permissions.set(_permissions(in_domain & view))

    board, _ = Group.objects.get_or_create(name=LABEL_BOARD)
    board_changes = Q(content_type__app_label="label") & Q(
        codename__in=[
            "change_labelapplication",
            "decide_labelapplication",
            "view_applicant_data",
            "add_membership",
            "change_membership",
            "export_treasurer_list",
            "change_labelsettings",
        ]
    )
    board.permissions.set(_permissions(in_domain & view | board_changes))

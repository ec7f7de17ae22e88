"""Erasing one person (DSGVO Art. 17) from the records and the history tables alike.

A person is found by an e-mail address (their producer account, applications that name it as
contact, sites whose owner contact holds it, accessibility feedback that gave it) or, as a
site owner, by name or by site. Each app's service erases its part; this module only finds
and reports, without repeating the data it erased.
"""

import logging
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.db.models import Q

from fabtown.models import AccessibilityFeedback
from label.models import LabelApplication
from label.services import account_erase, application_erase_personal_data
from vacancies.selectors import site_ids_of_owner
from vacancies.services import site_owner_erase

log = logging.getLogger("fabtown.erasure")


@dataclass
class Findings:
    accounts: list = field(default_factory=list)
    applications: list = field(default_factory=list)
    site_ids: set = field(default_factory=set)
    feedback: list = field(default_factory=list)

    def lines(self) -> list[str]:
        """What was (or would be) erased, by record id: never the data itself."""
        return [
            f"producer accounts: {_ids(a.pk for a in self.accounts)}",
            f"label applications (contact only): {_ids(a.pk for a in self.applications)}",
            f"sites, owner data in record and history: {_ids(self.site_ids)}",
            f"accessibility feedback (e-mail): {_ids(f.pk for f in self.feedback)}",
        ]

    def __bool__(self) -> bool:
        return bool(self.accounts or self.applications or self.site_ids or self.feedback)


def _ids(ids) -> str:
    ids = sorted(ids)
    return f"{len(ids)} ({', '.join(map(str, ids))})" if ids else "0"


def find_person(*, email: str = "", owner_name: str = "", site_id: int | None = None) -> Findings:
    findings = Findings()
    if email := email.strip():
        user_model = get_user_model()
        findings.accounts = list(
            user_model.objects.filter(
                Q(email__iexact=email) | Q(emailaddress__email__iexact=email), is_staff=False
            ).distinct()
        )
        findings.applications = list(
            LabelApplication.objects.filter(contact_email__iexact=email).exclude(
                applicant__in=findings.accounts
            )
        )
        findings.site_ids = site_ids_of_owner(contact=email)
        findings.feedback = list(AccessibilityFeedback.objects.filter(email__iexact=email))
    if owner_name.strip():
        findings.site_ids |= site_ids_of_owner(name=owner_name)
    if site_id is not None:
        findings.site_ids |= site_ids_of_owner(site_id=site_id)
    return findings


@transaction.atomic
def erase_person(*, findings: Findings, by: AbstractBaseUser | None) -> None:
    """Erase everything `find_person` found, all or nothing."""
    for account in findings.accounts:
        account_erase(account=account, by=by)
    for application in findings.applications:
        application_erase_personal_data(application=application)
    for site_id in findings.site_ids:
        site_owner_erase(site_id=site_id, by=by)
    for feedback in findings.feedback:
        feedback.email = ""
        feedback.save(update_fields=["email"])
    log.info("Person erased by user %s: %s", getattr(by, "pk", None), "; ".join(findings.lines()))

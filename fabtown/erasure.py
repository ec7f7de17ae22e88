"""Erasing one person (DSGVO Art. 17) from the records and the history tables alike.

A person is found by an e-mail address (their producer account, applications that name it as
contact, sites whose owner contact holds it, accessibility feedback that gave it, e-mails to it
still waiting in the task queue) or, as a
site owner, by name or by site; space requests that give the address as contact are erased
too. Each app's service erases its part; this module only finds
and reports, without repeating the data it erased.
"""

import logging
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.db.models import Q

from fabtown.models import AccessibilityFeedback
from fabtown.tasks import queued_emails_delete, queued_emails_to
from label.models import LabelApplication
from label.services import account_erase, application_erase_personal_data
from measures.models import Office
from measures.services import office_lead_erase
from vacancies.selectors import site_ids_of_owner
from vacancies.selectors.space_requests import space_request_ids_of_requester
from vacancies.services import site_owner_erase
from vacancies.services.space_requests import space_request_erase

log = logging.getLogger("fabtown.erasure")


@dataclass
class Findings:
    """What belongs to the person, by record id (ids stay readable after the erasure)."""

    account_ids: list = field(default_factory=list)
    application_ids: list = field(default_factory=list)
    site_ids: set = field(default_factory=set)
    feedback_ids: list = field(default_factory=list)
    mail_job_ids: list = field(default_factory=list)
    space_request_ids: list = field(default_factory=list)
    office_ids: list = field(default_factory=list)

    def lines(self) -> list[str]:
        """What was (or would be) erased, by record id: never the data itself."""
        return [
            f"producer accounts with their applications: {_ids(self.account_ids)}",
            f"label applications (personal data): {_ids(self.application_ids)}",
            f"sites, owner data in record and history: {_ids(self.site_ids)}",
            f"accessibility feedback (deleted): {_ids(self.feedback_ids)}",
            f"queued e-mails (jobs deleted): {_ids(self.mail_job_ids)}",
            f"space requests, contact data in record and history: {_ids(self.space_request_ids)}",
            f"offices, their lead in record and history: {_ids(self.office_ids)}",
        ]

    def __bool__(self) -> bool:
        return bool(
            self.account_ids
            or self.application_ids
            or self.site_ids
            or self.feedback_ids
            or self.mail_job_ids
            or self.space_request_ids
            or self.office_ids
        )


def _ids(ids) -> str:
    ids = sorted(ids)
    return f"{len(ids)} ({', '.join(map(str, ids))})" if ids else "0"


def find_person(*, email: str = "", owner_name: str = "", site_id: int | None = None) -> Findings:
    findings = Findings()
    if email := email.strip():
        accounts = get_user_model().objects.filter(
            Q(email__iexact=email) | Q(emailaddress__email__iexact=email), is_staff=False
        )
        findings.account_ids = sorted(set(accounts.values_list("pk", flat=True)))
        applications = LabelApplication.objects.filter(contact_email__iexact=email).exclude(
            applicant__in=findings.account_ids
        )
        findings.application_ids = sorted(applications.values_list("pk", flat=True))
        findings.site_ids = site_ids_of_owner(contact=email)
        # the whole report goes: its text is the person's own and may name them
        feedback = AccessibilityFeedback.objects.filter(email__iexact=email)
        findings.feedback_ids = sorted(feedback.values_list("pk", flat=True))
        # messages to (or naming) the address that the worker has not sent, or gave up on
        findings.mail_job_ids = queued_emails_to(address=email)
        findings.space_request_ids = space_request_ids_of_requester(email=email)
        # an office's lead is a person too (measures' reminders escalate to them)
        offices = Office.objects.filter(lead_email__iexact=email)
        findings.office_ids = sorted(offices.values_list("pk", flat=True))
    if owner_name.strip():
        findings.site_ids |= site_ids_of_owner(name=owner_name)
    if site_id is not None:
        findings.site_ids |= site_ids_of_owner(site_id=site_id)
    return findings


@transaction.atomic
def erase_person(*, findings: Findings, by: AbstractBaseUser | None) -> None:
    """Erase everything `find_person` found, all or nothing."""
    for account in get_user_model().objects.filter(pk__in=findings.account_ids):
        account_erase(account=account, by=by)
    for application in LabelApplication.objects.filter(pk__in=findings.application_ids):
        application_erase_personal_data(application=application)
    for site_id in findings.site_ids:
        site_owner_erase(site_id=site_id, by=by)
    AccessibilityFeedback.objects.filter(pk__in=findings.feedback_ids).delete()
    for request_id in findings.space_request_ids:
        space_request_erase(request_id=request_id, by=by)
    queued_emails_delete(job_ids=findings.mail_job_ids)
    for office_id in findings.office_ids:
        office_lead_erase(office_id=office_id, by=by)
    who = f"user {by.pk}" if by is not None else "a command"
    log.info("Person erased by %s: %s", who, "; ".join(findings.lines()))

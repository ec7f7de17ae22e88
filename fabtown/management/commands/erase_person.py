"""Erase one person's data (DSGVO Art. 17): `manage.py erase_person --email … [--dry-run]`."""

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from fabtown.erasure import erase_person, find_person


class Command(BaseCommand):
    help = (
        "Erase a person from the records and their history: a producer account with its "
        "applications, contact data in applications, site owners' data, feedback e-mails, "
        "space requests. "
        "Prints what it erased by record id, never the data."
    )

    def add_arguments(self, parser):
        parser.add_argument("--email", default="", help="an e-mail address of the person")
        parser.add_argument("--owner-name", default="", help="a site owner's exact name")
        parser.add_argument("--site", type=int, help="erase the owner data of this site id")
        parser.add_argument("--dry-run", action="store_true", help="only say what would be erased")

    def handle(self, *args, email, owner_name, site, dry_run, **options):
        if not (email or owner_name or site):
            raise CommandError("Give --email, --owner-name or --site.")
        findings = find_person(email=email, owner_name=owner_name, site_id=site)
        heading = "Would erase" if dry_run else "Erased"
        if not findings:
            self.stdout.write("Nothing found for this person; nothing erased.")
            return
        if not dry_run:
            try:
                erase_person(findings=findings, by=None)
            except ValidationError as error:
                raise CommandError(" ".join(error.messages)) from None
        self.stdout.write(f"{heading}:")
        for line in findings.lines():
            self.stdout.write(f"  {line}")

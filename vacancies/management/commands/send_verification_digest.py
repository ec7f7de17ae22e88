from django.core.management.base import BaseCommand

from vacancies.services.verification import verification_digest_send


class Command(BaseCommand):
    help = (
        "E-mail the office the digest of site records due for verification and open reports "
        "from the street (what the worker's daily job sends). Sends nothing when nothing is due."
    )

    def handle(self, *args, **options):
        sent = verification_digest_send()
        self.stdout.write(f"Verification digest: {sent} message(s) sent.")

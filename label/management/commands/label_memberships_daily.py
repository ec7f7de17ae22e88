from django.core.management.base import BaseCommand

from label.services import memberships_expire, memberships_send_renewal_reminders


class Command(BaseCommand):
    help = (
        "Daily upkeep of the label memberships: renewal reminders before expiry, and the notice "
        "(and end of the badge) after it. Run once a day from cron or a systemd timer."
    )

    def handle(self, *args, **options):
        reminded = memberships_send_renewal_reminders()
        expired = memberships_expire()
        self.stdout.write(f"{reminded} renewal reminder(s) sent, {expired} expiry notice(s) sent.")

from django.core.management.base import BaseCommand

from measures.reminders import measure_reminders_send


class Command(BaseCommand):
    help = (
        "E-mail the responsible offices about measures whose tracking is stale or whose planned "
        "dates have passed, and their leads about reminders without an update after the "
        "office's delay (what the worker's daily job sends). Safe to run more than once a day."
    )

    def handle(self, *args, **options):
        report = measure_reminders_send()
        self.stdout.write(str(report))

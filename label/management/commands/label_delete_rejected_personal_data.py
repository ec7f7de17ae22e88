from django.core.management.base import BaseCommand

from label.models import LabelSettings
from label.services import label_applications_delete_personal_data


class Command(BaseCommand):
    help = (
        "Delete the personal data of label applications rejected longer ago than the retention "
        "period set in the admin (Label settings). Run daily with label_memberships_daily."
    )

    def handle(self, *args, **options):
        days = LabelSettings.load().rejected_retention_days
        count = label_applications_delete_personal_data()
        self.stdout.write(
            f"Personal data of {count} rejected application(s) older than {days} days deleted."
        )

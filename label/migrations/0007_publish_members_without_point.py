"""Members approved without a map point were left unpublished (and so invisible: no profile,
not in the member list, the label filter or the home page's count). A member is public whether
or not it has a point; publish those that were hidden for that reason only."""

import logging

from django.db import migrations
from django.db.models import Q
from django.utils import timezone


def publish_members_without_point(apps, schema_editor):
    Membership = apps.get_model("label", "Membership")
    Producer = apps.get_model("producers", "Producer")
    today = timezone.localdate()
    current = Membership.objects.filter(
        Q(valid_until__isnull=True) | Q(valid_until__gte=today),
        kind="regular",
        valid_from__lte=today,
        revoked_at__isnull=True,
        application__isnull=False,  # created on approval, not by staff who chose to hide it
    )
    hidden = Producer.objects.filter(
        pk__in=current.values("producer_id"), is_published=False, location__isnull=True
    )
    ids = sorted(hidden.values_list("pk", flat=True))
    hidden.update(is_published=True)
    for pk in ids:
        logging.getLogger("fabtown.migrations").warning("Published label member producer %s.", pk)


class Migration(migrations.Migration):
    dependencies = [
        ("label", "0006_plausible_location"),
        ("producers", "0005_plausible_locations"),
    ]

    operations = [
        migrations.RunPython(publish_members_without_point, migrations.RunPython.noop),
    ]

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import transaction

from producers.models import Producer


@transaction.atomic
def producer_save(*, producer: Producer, by: AbstractBaseUser | None) -> Producer:
    """Validate and save a producer, recording `by` in its history."""
    producer.full_clean()
    producer._history_user = by
    producer.save()
    return producer


@transaction.atomic
def producer_delete(*, producer: Producer, by: AbstractBaseUser | None) -> None:
    if producer.memberships.exists():
        raise ValidationError(
            {"non_field_errors": ["A producer with a membership cannot be deleted."]}
        )
    producer._history_user = by
    producer.delete()

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import transaction

from producers.models import Producer, ProductCategory


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


@transaction.atomic
def product_category_save(
    *, category: ProductCategory, by: AbstractBaseUser | None
) -> ProductCategory:
    """Validate (a category never below itself) and save, recording `by` in its history."""
    category.full_clean()
    category._history_user = by
    category.save()
    return category

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from fabtown.validation import save_validated
from producers import urban
from producers.models import Producer, ProductCategory


@transaction.atomic
def producer_save(*, producer: Producer, by: AbstractBaseUser | None) -> Producer:
    """Validate and save a producer, recording `by` in its history."""
    save_validated(producer, by=by)
    urban.recount_one(producer)  # its location may have moved (note 13); a no-op otherwise
    return producer


@transaction.atomic
def producer_delete(*, producer: Producer, by: AbstractBaseUser | None) -> None:
    if producer.memberships.exists():
        raise ValidationError(
            {"non_field_errors": [_("A producer with a membership cannot be deleted.")]}
        )
    producer._history_user = by
    producer.delete()


@transaction.atomic
def product_category_save(
    *, category: ProductCategory, by: AbstractBaseUser | None
) -> ProductCategory:
    """Validate (a category never below itself) and save, recording `by` in its history."""
    return save_validated(category, by=by)

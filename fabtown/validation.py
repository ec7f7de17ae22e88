from collections.abc import Callable, Iterable
from typing import TypeVar

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db.models import Model

M = TypeVar("M", bound=Model)

# A named check of a model's clean(): yields (field, message) for every problem it finds.
Check = Callable[[], Iterable[tuple[str, str]]]


def run_checks(*checks: Check) -> None:
    """Run every check and raise one ValidationError with all problems, tied to their fields."""
    errors: dict[str, list] = {}
    for check in checks:
        for field, message in check():
            errors.setdefault(field, []).append(message)
    if errors:
        raise ValidationError(errors)


def save_validated(record: M, *, by: AbstractBaseUser | None) -> M:
    """The one way a record is written: every check of the model (fields, clean(), constraints),
    then saved with `by` as the author in its history. The apps' services call it."""
    record.full_clean()
    record._history_user = by
    record.save()
    return record

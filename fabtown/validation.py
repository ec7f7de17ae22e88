from collections.abc import Callable, Iterable

from django.core.exceptions import ValidationError

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

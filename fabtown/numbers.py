"""Amounts, areas and shares as the active language writes them ("15,00 €", "1.200 m²",
"12,5 %" in German; "15.00 €" in English): the one place numbers for people are formatted, in
the admin and on public pages (templates use the filters of fabtown_numbers)."""

from decimal import Decimal

from django.utils import formats


def number(value, places: int | None = None) -> str:
    """Grouped, with the language's decimal mark; places=None drops a zero fraction and keeps
    one decimal otherwise (85 → „85“, 85.5 → „85,5“). None → ""."""
    if value is None or value == "":
        return ""
    if places is None:
        value = Decimal(value)
        places = 0 if value == value.to_integral_value() else 1
    return formats.number_format(value, places, use_l10n=True, force_grouping=True)


def money(amount, *, cents: bool = True) -> str:
    """„15,00 €“; cents=False leaves them out of whole amounts („800 €“, „812,50 €“)."""
    if amount is None or amount == "":
        return ""
    places = 2
    if not cents and Decimal(amount) == Decimal(amount).to_integral_value():
        places = 0
    return f"{number(amount, places)} €"


def area(square_metres) -> str:
    """„1.200 m²“, „85,5 m²“."""
    if square_metres is None or square_metres == "":
        return ""
    return f"{number(square_metres)} m²"


def percent(value, places: int = 1) -> str:
    """„12,5 %“ (value in per cent, not a fraction)."""
    if value is None or value == "":
        return ""
    return f"{number(value, places)} %"

from collections import Counter
from decimal import Decimal
from pathlib import Path

from fabtown.seeding import create_missing, read_json_if_present
from label.models import FeeTier

DATA = Path(__file__).resolve().parent / "data"

# Sensible defaults within the seed's 5–50 € a month, staggered by company size. Staff adjust
# them in the admin; loading again never overwrites their changes.
DEFAULT_FEE_TIERS = [
    ("Gründung / Solo", 0, 1, Decimal("5.00")),
    ("Klein", 2, 5, Decimal("15.00")),
    ("Mittel", 6, 20, Decimal("30.00")),
    ("Groß", 21, None, Decimal("50.00")),
]


def load_fee_tiers(report: Counter) -> None:
    # English names by the German one (label/data/fee_tiers.en.json)
    english = read_json_if_present(DATA / "fee_tiers.en.json")
    for name, low, high, fee in DEFAULT_FEE_TIERS:
        create_missing(
            report,
            FeeTier,
            {"name": name},
            {"min_employees": low, "max_employees": high, "monthly_fee_eur": fee},
            english={"name": english[name]} if name in english else None,
        )

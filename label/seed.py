from collections import Counter
from decimal import Decimal
from pathlib import Path

from fabtown.seeding import create_missing, point, read_json_if_present
from label.models import FeeTier, Place, PlaceKind

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


# The association's shop as the press text of the seed names it ("Das Geschäft Kortumstraße
# 120", BYBOCHUM e.V. founded on 24.05.2022). The text gives no postcode, point or opening
# hours: the postcode and the estimated point are those of the same unit in the vacancy
# cadastre (vacancies/data/sites.json), so the point is flagged approximate.
PLACES = [
    {
        "slug": "bybochum-laden",
        "name": "BYBOCHUM-Laden",
        "kind": PlaceKind.SHOP,
        "operator": "BYBOCHUM e.V.",
        "street": "Kortumstraße 120",
        "postcode": "44787",
        "location": [7.2183, 51.4794],
        "location_is_approximate": True,
        "description": (
            "Das Geschäft des Vereins BYBOCHUM e.V. in der Kortumstraße 120: Showroom und "
            "Begegnungsort des Netzwerks der Bochumer Manufakturen. Der Verein wurde am "
            "24.05.2022 gegründet; Unternehmen und Start-ups teilen ihr Knowhow, tauschen sich "
            "aus und produzieren nachhaltig.\n\n"
            "„Das Geschäft Kortumstraße 120 verleiht Sichtbarkeit und macht unsere Stadt noch "
            "lebens- und liebenswerter.“ – Katrin Merchiers, Wirtschaftsförderung Bochum"
        ),
        # English beside the German (label/translation.py), translated for the platform.
        "description_en": (
            "The shop of the association BYBOCHUM e.V. at Kortumstraße 120: showroom and "
            "meeting place of the network of Bochum's manufactories. The association was "
            "founded on 24 May 2022; companies and start-ups share their know-how, exchange "
            "ideas and produce sustainably.\n\n"
            "“The shop at Kortumstraße 120 lends visibility and makes our city even more "
            "liveable and lovable.” – Katrin Merchiers, Bochum Economic Development "
            "(translated from the German press text)"
        ),
        "source": "Pressetext BYBOCHUM e.V.",
    },
]


def load_places(report: Counter) -> None:
    for entry in PLACES:
        values = {
            key: value for key, value in entry.items() if key not in ("slug", "description_en")
        }
        values["location"] = point(entry["location"])
        english = {"description": entry["description_en"]}
        create_missing(report, Place, {"slug": entry["slug"]}, values, english=english)

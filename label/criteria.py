"""The automatic check of a label application against the criteria of seed chapter 5.

Each rule says whether it is met and, in plain words, why (not). Hard rules must all be met
before an application can be submitted; founders and start-ups without full-time staff pass the
staff rule but are flagged for the board, as the seed asks ("Gründer*innen und Start-ups sind zu
unterstützen und auch mit aufzunehmen").
"""

from dataclasses import dataclass

from django.contrib.gis.geos import GEOSGeometry
from django.utils.translation import gettext as _

from label.models import FeeTier, LabelApplication

# The postcodes of the city of Bochum (including Wattenscheid, Linden, Langendreer, Werne).
BOCHUM_POSTCODES = frozenset(
    {
        "44787", "44789", "44791", "44793", "44795", "44797", "44799", "44801", "44803",
        "44805", "44807", "44809", "44866", "44867", "44869", "44879", "44892", "44894",
    }
)  # fmt: skip

# A coarse outline of the city of Bochum (WGS84), drawn by hand from the city map: it is
# approximate by some hundred metres at the border. It only decides the seat rule when the
# postcode does not (the postcode is checked first); the board sees the point in the admin.
BOCHUM_OUTLINE_IS_APPROXIMATE = True
BOCHUM_OUTLINE = GEOSGeometry(
    "SRID=4326;POLYGON((7.102 51.468, 7.118 51.497, 7.135 51.512, 7.172 51.516, 7.197 51.522, "
    "7.232 51.532, 7.262 51.531, 7.298 51.523, 7.325 51.514, 7.349 51.498, 7.350 51.470, "
    "7.336 51.452, 7.312 51.437, 7.285 51.421, 7.250 51.411, 7.214 51.410, 7.180 51.413, "
    "7.150 51.418, 7.126 51.432, 7.108 51.450, 7.102 51.468))"
)


@dataclass(frozen=True)
class RuleResult:
    code: str
    met: bool
    message: str
    for_the_board: bool = False


def check_label_criteria(*, application: LabelApplication) -> list[RuleResult]:
    return [
        _stages(application),
        _seat(application),
        _staff(application),
        _quality(application),
    ]


def criteria_met(results: list[RuleResult]) -> bool:
    return all(result.met for result in results)


def _stages(application: LabelApplication) -> RuleResult:
    count = application.stages_in_bochum
    if count >= 2:
        return RuleResult(
            "stages", True, _("%(count)s of the three stages happen in Bochum.") % {"count": count}
        )
    return RuleResult(
        "stages",
        False,
        _(
            "At least two of the three stages – product design, manufacturing, finishing – must "
            "happen in Bochum; you named %(count)s."
        )
        % {"count": count},
    )


def _seat(application: LabelApplication) -> RuleResult:
    if application.seat_postcode in BOCHUM_POSTCODES:
        return RuleResult("seat", True, _("The seat or shop is in Bochum."))
    if application.location is not None and BOCHUM_OUTLINE.contains(application.location):
        return RuleResult("seat", True, _("The place you marked on the map lies in Bochum."))
    if not application.seat_postcode:
        return RuleResult(
            "seat",
            False,
            _("Give the postcode of your seat or shop in Bochum, or mark it on the map."),
        )
    return RuleResult(
        "seat",
        False,
        _("%(postcode)s is not a Bochum postcode: the seat or a shop must be in Bochum.")
        % {"postcode": application.seat_postcode},
    )


def _staff(application: LabelApplication) -> RuleResult:
    if application.full_time_staff >= 1:
        return RuleResult("staff", True, _("At least one person works full-time."))
    if application.is_founder_or_startup:
        return RuleResult(
            "staff",
            True,
            _("No full-time staff yet, but founders and start-ups are welcome: the board decides."),
            for_the_board=True,
        )
    return RuleResult(
        "staff",
        False,
        _("The label asks for at least one full-time employee (founders and start-ups excepted)."),
    )


def _quality(application: LabelApplication) -> RuleResult:
    if application.quality_statement.strip():
        return RuleResult("quality", True, _("You describe the quality of your products."))
    return RuleResult(
        "quality", False, _("Describe in a few sentences what makes your products high quality.")
    )


def fee_tier_for(*, employees: int) -> FeeTier | None:
    """The fee tier whose employee range includes `employees`."""
    return (
        FeeTier.objects.filter(min_employees__lte=employees)
        .exclude(max_employees__lt=employees)
        .order_by("-min_employees")
        .first()
    )

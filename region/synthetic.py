"""A synthetic, Ruhr-sized region for the benchmark (`manage.py synthetic_region`, `make bench`).

Creates published producers spread over the Ruhr area, sites with status histories and interim
uses, label memberships and applications — every record marked as synthetic, so that one call
removes them all again, history rows included. Reproducible: the same seed gives the same
region. Written with bulk_create (10,000 producers in well under a minute); the values keep the
models' rules (tests/test_synthetic.py runs full_clean on a sample).

Marks: producers' slugs start with `synthetic-` and their names with "Synthetisch"; sites,
interim uses and applications carry SOURCE (or the name prefix where a model has no source);
memberships, applications and their decisions hang on synthetic producers.
"""

import datetime
import random
from dataclasses import dataclass, field
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.contrib.gis.geos import Point, Polygon
from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from fabtown.answers import content_changed
from label.models import (
    ApplicationStatus,
    FeeTier,
    LabelApplication,
    LabelDecision,
    Membership,
    MembershipKind,
)
from producers import urban
from producers.models import Building, Producer, ProducerPhoto, ProductCategory, ProductionForm
from vacancies.models import InterimUse, Site, SiteKind, SiteStatus, SiteStatusChange

SLUG_PREFIX = "synthetic-"
NAME_PREFIX = "Synthetisch"
SOURCE = "Synthetische Region (make bench) – keine echten Daten"
# The board member the synthetic label decisions name (an inactive account without password).
BOARD_USERNAME = "synthetic-board"

# The Ruhr area's towns (lon, lat, name, first three digits of the postcode, weight): the points
# scatter around each centre, within 6.7–7.8 °E and 51.35–51.65 °N.
TOWNS = [
    (7.012, 51.455, "Essen", "451", 14),
    (7.465, 51.514, "Dortmund", "441", 14),
    (7.216, 51.481, "Bochum", "447", 10),
    (6.762, 51.432, "Duisburg", "470", 11),
    (7.086, 51.517, "Gelsenkirchen", "458", 6),
    (6.862, 51.470, "Oberhausen", "460", 5),
    (6.882, 51.427, "Mülheim an der Ruhr", "454", 4),
    (7.222, 51.538, "Herne", "446", 4),
    (6.929, 51.524, "Bottrop", "462", 3),
    (7.197, 51.614, "Recklinghausen", "456", 3),
    (7.335, 51.443, "Witten", "584", 3),
    (7.312, 51.556, "Castrop-Rauxel", "445", 2),
    (7.186, 51.399, "Hattingen", "455", 2),
    (7.526, 51.615, "Lünen", "445", 2),
    (7.689, 51.536, "Unna", "594", 2),
]
BOUNDS = (6.7, 51.35, 7.8, 51.65)

# Branches per product category (leaf slugs of producers/data/taxonomy.json); unknown slugs
# fall back to the generic list.
BRANCHES = {
    "kaffee": ["Kaffeerösterei", "Kaffeerösterei & Café", "Espressobar mit Rösterei"],
    "bier": ["Brauerei", "Craft-Beer-Brauerei", "Hausbrauerei"],
    "baeckerei-konfiserie": ["Bäckerei", "Konditorei", "Confiserie", "Brotmanufaktur"],
    "fleisch-wurstwaren": ["Metzgerei", "Wurstmanufaktur"],
    "eis": ["Eismanufaktur", "Eiscafé mit eigener Herstellung"],
    "schuhe": ["Schuhmacherei", "Maßschuhmacherei"],
    "massanfertigung": ["Maßschneiderei", "Modeatelier"],
    "sattler-polster": ["Sattlerei", "Polsterei"],
    "aenderung-reparatur": ["Änderungsschneiderei", "Reparaturwerkstatt"],
    "gesundheitshandwerk": ["Orthopädietechnik", "Augenoptik-Werkstatt", "Dentallabor"],
    "zweiraeder": ["Fahrradmanufaktur", "Fahrradwerkstatt", "Lastenradbau"],
    "musikinstrumente": ["Geigenbau", "Gitarrenbau", "Klavierwerkstatt"],
    "schmuck": ["Goldschmiede", "Silberschmiede", "Schmuckatelier"],
}
GENERIC_BRANCHES = ["Manufaktur", "Werkstatt", "Tischlerei", "Druckerei", "Keramikwerkstatt"]
PRODUCTS = [
    "Espresso, Filterkaffee, Röstkurse",
    "Brot, Brötchen, Kuchen",
    "Helles, Pils, saisonale Biere",
    "Maßanzüge, Hemden, Änderungen",
    "Ringe, Ketten, Trauringe nach Maß",
    "Fahrräder, Lastenräder, Reparaturen",
    "Geigen, Bratschen, Reparatur und Pflege",
    "Möbel, Küchen, Innenausbau",
    "Eis, Sorbets, Eistorten",
    "Taschen, Gürtel, Lederwaren",
]
STREETS = [
    "Hauptstraße",
    "Bahnhofstraße",
    "Kortumstraße",
    "Hellweg",
    "Ruhrallee",
    "Zechenstraße",
    "Am Förderturm",
    "Kokereiweg",
    "Gartenstraße",
    "Marktplatz",
]
LEGAL_FORMS = ["GmbH", "GbR", "Einzelunternehmen", "UG (haftungsbeschränkt)", "e. K.", ""]
SITE_STATUS_WEIGHTS = {
    SiteStatus.VACANT: 45,
    SiteStatus.RESERVED: 10,
    SiteStatus.INTERIM_USE: 15,
    SiteStatus.LET: 25,
    SiteStatus.WITHDRAWN: 5,
}


@dataclass
class RegionReport:
    created: dict[str, int] = field(default_factory=dict)
    removed: dict[str, int] = field(default_factory=dict)


def synthetic_producers():
    return Producer.objects.filter(slug__startswith=SLUG_PREFIX)


def synthetic_sites():
    return Site.objects.filter(source=SOURCE)


def synthetic_buildings():
    return Building.objects.filter(source=SOURCE)


def region_size() -> tuple[int, int]:
    """(synthetic producers, synthetic sites) in the database."""
    return synthetic_producers().count(), synthetic_sites().count()


def _point(rng: random.Random) -> tuple[Point, tuple]:
    town = rng.choices(TOWNS, weights=[t[4] for t in TOWNS])[0]
    lon_min, lat_min, lon_max, lat_max = BOUNDS
    # about 2–3 km around the centre, some further out; clamped to the region
    lon = min(max(rng.gauss(town[0], 0.035), lon_min), lon_max)
    lat = min(max(rng.gauss(town[1], 0.022), lat_min), lat_max)
    return Point(round(lon, 6), round(lat, 6), srid=4326), town


def _address(rng: random.Random, town: tuple) -> dict:
    return {
        "street": f"{rng.choice(STREETS)} {rng.randint(1, 180)}",
        "postcode": f"{town[3]}{rng.randint(0, 99):02d}",
        "city": town[2],
    }


def _producer(rng: random.Random, number: int, *, categories, forms) -> Producer:
    category = rng.choice(categories)
    branch = rng.choice(BRANCHES.get(category.slug, GENERIC_BRANCHES))
    location, town = _point(rng)
    founded = rng.randint(1890, 2024) if rng.random() < 0.8 else None
    since = rng.randint(founded, 2025) if founded and rng.random() < 0.6 else None
    low = rng.randint(1, 40) if rng.random() < 0.7 else None
    high = low + rng.randint(0, 10) if low is not None else None
    peak = high + rng.randint(0, 20) if high is not None and rng.random() < 0.2 else None
    area_low = rng.randint(20, 2000) if rng.random() < 0.6 else None
    area_high = area_low + rng.randint(0, 500) if area_low is not None else None
    name = f"{NAME_PREFIX} {branch} {town[2]} {number:05d}"
    return Producer(
        name=name,
        slug=f"{SLUG_PREFIX}{number:05d}",
        description=(
            f"{branch} in {town[2]}, ein erfundener Betrieb der synthetischen Region für den "
            f"Benchmark. Wir stellen in der Stadt her, {rng.choice(PRODUCTS).lower()}, "
            "und zeigen gern, wie es gemacht wird."
        ),
        branch=branch,
        products=rng.choice(PRODUCTS),
        category=category,
        # most urban producers are manufactories, repair shops and crafts
        production_form=rng.choices(
            forms, weights=[6 if f.code == "manufactory-repair-craft" else 1 for f in forms]
        )[0],
        founded_year=founded,
        at_location_since=since,
        legal_form=rng.choice(LEGAL_FORMS),
        employees_min=low,
        employees_max=high,
        employees_seasonal_peak=peak,
        production_area_min_m2=area_low,
        production_area_max_m2=area_high,
        **_address(rng, town),
        location=location,
        location_is_approximate=rng.random() < 0.3,
        website=f"https://{SLUG_PREFIX}{number:05d}.example.org" if rng.random() < 0.7 else "",
        email=f"info@{SLUG_PREFIX}{number:05d}.example.org" if rng.random() < 0.5 else "",
        phone=f"0234 {rng.randint(100000, 999999)}" if rng.random() < 0.5 else "",
        opening_hours="Mo–Fr 9–18 Uhr, Sa 10–14 Uhr" if rng.random() < 0.5 else "",
        has_showroom=rng.random() < 0.3,
        has_visible_production=rng.random() < 0.25,
        offers_tours=rng.random() < 0.1,
        offers_workshops=rng.random() < 0.15,
        offers_repair=rng.random() < 0.2,
        has_online_shop=rng.random() < 0.3,
        sells_to_consumers=rng.random() < 0.7,
        sells_to_businesses=rng.random() < 0.4,
        is_published=True,
        source=SOURCE,
    )


def _site(rng: random.Random, number: int) -> Site:
    location, town = _point(rng)
    status = rng.choices(list(SITE_STATUS_WEIGHTS), weights=list(SITE_STATUS_WEIGHTS.values()))[0]
    rent = Decimal(rng.randint(300, 6000)) if rng.random() < 0.6 else None
    footprint = None
    if rng.random() < 0.3:  # a small square around the point
        x, y, d = location.x, location.y, 0.0002
        footprint = Polygon(
            ((x - d, y - d), (x + d, y - d), (x + d, y + d), (x - d, y + d), (x - d, y - d)),
            srid=4326,
        )
    kind = rng.choices(list(SiteKind), weights=[70, 10, 10, 10])[0]
    today = datetime.date.today()
    return Site(
        name=f"{NAME_PREFIX}e Fläche {town[2]} {number:05d}",
        kind=kind,
        description="Erfundene Fläche der synthetischen Region für den Benchmark.",
        **_address(rng, town),
        location=location,
        location_is_approximate=rng.random() < 0.2,
        footprint=footprint,
        floor_area_m2=Decimal(rng.randint(20, 3000)),
        is_ground_floor=rng.choice([True, False, None]),
        has_shop_window=rng.choice([True, False, None]),
        equipment="Starkstrom, Lastenaufzug" if rng.random() < 0.2 else "",
        rent_eur_per_month=rent,
        rent_is_public=rent is not None and rng.random() < 0.5,
        available_from=today + datetime.timedelta(days=rng.randint(-200, 200))
        if rng.random() < 0.5
        else None,
        status=status,
        last_verified=today - datetime.timedelta(days=rng.randint(0, 400)),
        source=SOURCE,
        is_published=rng.random() < 0.85,
        owner_name=f"{NAME_PREFIX}e Eigentümerin {number:05d}" if rng.random() < 0.5 else "",
    )


def _status_history(rng: random.Random, site: Site, now) -> list[SiteStatusChange]:
    """A few steps that end in the site's current status, the first from nothing."""
    steps = [rng.choice([SiteStatus.VACANT, SiteStatus.RESERVED])]
    for _ in range(rng.randint(0, 3)):
        steps.append(rng.choice([s for s in SiteStatus if s != steps[-1]]))
    if steps[-1] != site.status:
        steps.append(site.status)
    when = now - datetime.timedelta(days=rng.randint(400, 1500))
    changes, previous = [], ""
    for status in steps:
        changes.append(
            SiteStatusChange(
                site=site, from_status=previous, to_status=status, changed_at=when, note=SOURCE
            )
        )
        previous = status
        when += datetime.timedelta(days=rng.randint(10, 300), minutes=rng.randint(0, 600))
    return changes


@transaction.atomic
def synthetic_region_create(
    *, producers: int, sites: int, seed: int = 10, buildings: int = 0
) -> RegionReport:
    """Create the region; the taxonomy and fee tiers of load_bochum_data must exist."""
    categories = list(ProductCategory.objects.filter(parent__isnull=False).order_by("slug"))
    forms = list(ProductionForm.objects.order_by("position", "code"))
    tiers = list(FeeTier.objects.order_by("min_employees"))
    if not (categories and forms and tiers):
        raise ValueError("Load the Bochum data first (manage.py load_bochum_data).")
    rng = random.Random(seed)
    now = timezone.now()
    report = RegionReport()
    start = _next_number()

    new_producers = [
        _producer(rng, start + i, categories=categories, forms=forms) for i in range(producers)
    ]
    new_producers = bulk_create_with_history(
        new_producers, Producer, batch_size=2000, default_change_reason=SOURCE
    )
    report.created["producers"] = len(new_producers)

    new_sites = [_site(rng, start + i) for i in range(sites)]
    new_sites = bulk_create_with_history(
        new_sites, Site, batch_size=2000, default_change_reason=SOURCE
    )
    report.created["sites"] = len(new_sites)
    through = Site.suitable_forms.through
    Site.suitable_forms.through.objects.bulk_create(
        [
            through(site_id=site.pk, productionform_id=form.pk)
            for site in new_sites
            for form in rng.sample(forms, rng.randint(0, len(forms)))
        ],
        batch_size=5000,
    )
    changes = [c for site in new_sites for c in _status_history(rng, site, now)]
    SiteStatusChange.objects.bulk_create(changes, batch_size=5000)
    report.created["status changes"] = len(changes)

    uses = []
    for site in new_sites:
        if site.status == SiteStatus.INTERIM_USE or rng.random() < 0.1:
            starts = now.date() - datetime.timedelta(days=rng.randint(30, 900))
            current = site.status == SiteStatus.INTERIM_USE
            uses.append(
                InterimUse(
                    site=site,
                    title=f"{NAME_PREFIX}er Pop-up-Store {site.pk}",
                    users="Erfundene Künstlerinnen und Betriebe",
                    starts_on=starts,
                    ends_on=None if current else starts + datetime.timedelta(days=90),
                    dates_are_approximate=rng.random() < 0.3,
                    source=SOURCE,
                )
            )
    uses = bulk_create_with_history(uses, InterimUse, default_change_reason=SOURCE)
    InterimUse.producers.through.objects.bulk_create(
        [
            InterimUse.producers.through(interimuse_id=use.pk, producer_id=producer.pk)
            for use in uses
            for producer in rng.sample(new_producers, min(len(new_producers), rng.randint(0, 2)))
        ]
    )
    report.created["interim uses"] = len(uses)

    memberships, applications, decisions = _label(rng, new_producers, tiers, now)
    report.created["label applications"] = len(applications)
    report.created["label decisions"] = len(decisions)
    report.created["memberships"] = len(memberships)
    with connection.cursor() as cursor:  # the planner should see the region as it is
        for model in (Producer, Site, SiteStatusChange, InterimUse, Membership, LabelApplication):
            cursor.execute(f'ANALYZE "{model._meta.db_table}"')
    if buildings:
        report.created.update(synthetic_buildings_create(count=buildings, seed=seed).created)
    content_changed()  # bulk inserts send no model signals
    return report


# --- Buildings for the urban-location rule of note 13 (producers.urban) ----------------------

BUILDINGS_PER_PRODUCER = 10  # 100,000 buildings for the 10,000 producers of the benchmark
RESIDENTIAL_SHARE = 0.7


def synthetic_buildings_create(*, count: int, seed: int = 10) -> RegionReport:
    """Buildings scattered around the towns like the producers (own random stream, so the rest
    of the region stays the same for a seed), then every producer's and site's count."""
    rng = random.Random(f"buildings-{seed}")
    start = synthetic_buildings().count()
    points = [(_point(rng)[0], rng.random() < RESIDENTIAL_SHARE) for _ in range(count)]
    # in spatial order (strips of about 550 m), as import_buildings writes a real layer
    points.sort(key=lambda row: (round(row[0].y * 200), row[0].x))
    table = connection.ops.quote_name(Building._meta.db_table)
    now = timezone.now()
    with (
        connection.cursor() as cursor,
        cursor.copy(
            f"COPY {table} (external_id, is_residential, location, source, imported_at) FROM STDIN"
        ) as copy,
    ):  # COPY: 100,000 rows in a few seconds (bulk_create needs a minute)
        for i, (location, residential) in enumerate(points):
            copy.write_row((f"{SLUG_PREFIX}{start + i}", residential, location.ewkt, SOURCE, now))
    with connection.cursor() as cursor:
        cursor.execute(f'ANALYZE "{Building._meta.db_table}"')
    urban.recount_all()
    return RegionReport(created={"buildings": count})


def _label(rng, producers, tiers, now):
    """About a fifth of the producers are members (most regular, some lapsed or supporting);
    a third of the regular members came through an approved application, and a few
    applications are still open."""
    applications, decisions, memberships = [], [], []
    for producer in producers:
        roll = rng.random()
        if roll < 0.2:
            kind = MembershipKind.REGULAR if rng.random() < 0.85 else MembershipKind.SUPPORTING
            start = now.date() - datetime.timedelta(days=rng.randint(10, 1500))
            lapsed = rng.random() < 0.1
            employees = producer.employees_max or 1
            tier = next(
                (t for t in tiers if t.max_employees is None or employees <= t.max_employees),
                tiers[-1],
            )
            membership = Membership(
                producer=producer,
                kind=kind,
                valid_from=start,
                valid_until=start + datetime.timedelta(days=365) if lapsed else None,
                fee_tier=tier if kind == MembershipKind.REGULAR else None,
            )
            memberships.append(membership)
            if kind == MembershipKind.REGULAR and rng.random() < 0.33:
                membership.application = _application(
                    producer, ApplicationStatus.APPROVED, now - datetime.timedelta(days=30)
                )
                applications.append(membership.application)
        elif roll < 0.23:
            status = rng.choice(
                [
                    ApplicationStatus.SUBMITTED,
                    ApplicationStatus.IN_REVIEW,
                    ApplicationStatus.NEEDS_INFORMATION,
                    ApplicationStatus.REJECTED,
                    ApplicationStatus.DRAFT,
                ]
            )
            applications.append(_application(producer, status, now))
    applications = bulk_create_with_history(
        applications, LabelApplication, batch_size=2000, default_change_reason=SOURCE
    )
    board, _created = get_user_model().objects.get_or_create(
        username=BOARD_USERNAME,
        defaults={"is_active": False, "password": "!", "email": "board@synthetic.example.org"},
    )
    for application in applications:
        if application.status not in (ApplicationStatus.DRAFT, ApplicationStatus.SUBMITTED):
            decisions.append(
                LabelDecision(
                    application=application,
                    from_status=ApplicationStatus.SUBMITTED,
                    to_status=application.status,
                    decided_by=board,
                    decided_at=application.submitted_at + datetime.timedelta(days=7),
                    reason=SOURCE,
                )
            )
    LabelDecision.objects.bulk_create(decisions, batch_size=5000)
    memberships = bulk_create_with_history(
        memberships, Membership, batch_size=2000, default_change_reason=SOURCE
    )
    return memberships, applications, decisions


def _application(producer: Producer, status: str, when) -> LabelApplication:
    number = producer.slug.removeprefix(SLUG_PREFIX)
    return LabelApplication(
        producer=producer,
        company_name=producer.name,
        contact_name=f"{NAME_PREFIX}e Ansprechperson {number}",
        contact_email=f"kontakt@{producer.slug}.example.org",
        stage_product_design=True,
        stage_manufacturing=True,
        seat_street=producer.street,
        seat_postcode=producer.postcode,
        seat_city=producer.city,
        full_time_staff=producer.employees_min or 0,
        company_size=producer.employees_max,
        products=producer.products,
        quality_statement=SOURCE,
        location=producer.location,
        status=status,
        submitted_at=None if status == ApplicationStatus.DRAFT else when,
    )


def _next_number() -> int:
    """Numbers continue after those already taken, so that a second run adds to the region."""
    last = synthetic_producers().order_by("-slug").values_list("slug", flat=True).first()
    return int(last.removeprefix(SLUG_PREFIX)) + 1 if last else 1


@transaction.atomic
def synthetic_region_remove() -> RegionReport:
    """Delete every synthetic record and its history rows; nothing else is touched.

    Plain DELETEs, not Model.delete(): django-simple-history would write a history row for
    every deleted record (which would then be left behind), and the collector would load
    10,000 producers into memory.
    """
    report = RegionReport()
    producer_ids = list(synthetic_producers().values_list("pk", flat=True))
    site_ids = list(synthetic_sites().values_list("pk", flat=True))
    applications = LabelApplication.objects.filter(producer_id__in=producer_ids)
    application_ids = list(applications.values_list("pk", flat=True))
    use_ids = list(InterimUse.objects.filter(site_id__in=site_ids).values_list("pk", flat=True))
    steps = [
        ("label decisions", LabelDecision.objects.filter(application_id__in=application_ids)),
        ("memberships", Membership.objects.filter(producer_id__in=producer_ids)),
        ("label applications", applications),
        (
            "interim use links",
            InterimUse.producers.through.objects.filter(interimuse_id__in=use_ids)
            | InterimUse.producers.through.objects.filter(producer_id__in=producer_ids),
        ),
        ("interim uses", InterimUse.objects.filter(pk__in=use_ids)),
        ("status changes", SiteStatusChange.objects.filter(site_id__in=site_ids)),
        ("site forms", Site.suitable_forms.through.objects.filter(site_id__in=site_ids)),
        ("sites", Site.objects.filter(pk__in=site_ids)),
        ("photos", ProducerPhoto.objects.filter(producer_id__in=producer_ids)),
        ("producers", Producer.objects.filter(pk__in=producer_ids)),
        ("buildings", synthetic_buildings()),
        # history rows, also of later edits to synthetic records
        ("history", Membership.history.filter(producer_id__in=producer_ids)),
        ("history", LabelApplication.history.filter(producer_id__in=producer_ids)),
        ("history", InterimUse.history.filter(site_id__in=site_ids)),
        ("history", Site.history.filter(Q(id__in=site_ids) | Q(source=SOURCE))),
        (
            "history",
            Producer.history.filter(Q(id__in=producer_ids) | Q(slug__startswith=SLUG_PREFIX)),
        ),
    ]
    for name, queryset in steps:
        report.removed[name] = report.removed.get(name, 0) + queryset._raw_delete(queryset.db)
    get_user_model().objects.filter(username=BOARD_USERNAME).delete()
    if report.removed.get("buildings"):
        urban.recount_all()  # the real producers' counts without the synthetic buildings
    content_changed()
    return report


# --- Space requests for the matching benchmark (vacancies.selectors.matching) -----------------


def synthetic_space_requests():
    from vacancies.models import SpaceRequest

    return SpaceRequest.objects.filter(description=SOURCE)


@transaction.atomic
def synthetic_space_requests_create(*, count: int, seed: int = 11) -> int:
    """Open space requests with ranges, flags, rents, forms, dates and 0–3 preferred search
    areas, like the ones the office records; no contact data (nobody is e-mailed)."""
    from vacancies.models import SearchArea, SpaceRequest

    rng = random.Random(seed)
    forms = list(ProductionForm.objects.order_by("position", "code"))
    areas = list(SearchArea.objects.order_by("pk").values_list("pk", flat=True))
    today = datetime.date.today()
    requests, wanted_areas = [], []
    for number in range(count):
        low = rng.randint(20, 1500) if rng.random() < 0.9 else None
        high = (low or 20) + rng.randint(10, 1500) if rng.random() < 0.8 else None
        requests.append(
            SpaceRequest(
                title=f"{NAME_PREFIX}es Gesuch {number:05d}",
                description=SOURCE,
                production_form=rng.choice(forms) if forms and rng.random() < 0.7 else None,
                floor_area_min_m2=low,
                floor_area_max_m2=high,
                needs_ground_floor=rng.choice([True, None, None]),
                needs_shop_window=rng.choice([True, None, None]),
                max_rent_eur_per_month=Decimal(rng.randint(300, 6000))
                if rng.random() < 0.7
                else None,
                wanted_from=today + datetime.timedelta(days=rng.randint(0, 300))
                if rng.random() < 0.5
                else None,
                expires_on=today + datetime.timedelta(days=rng.randint(30, 180)),
            )
        )
        wanted_areas.append(rng.sample(areas, k=min(len(areas), rng.randint(0, 3))))
    created = SpaceRequest.objects.bulk_create(requests, batch_size=2000)
    links = [
        SpaceRequest.search_areas.through(spacerequest_id=request.pk, searcharea_id=area)
        for request, chosen in zip(created, wanted_areas, strict=True)
        for area in chosen
    ]
    SpaceRequest.search_areas.through.objects.bulk_create(links, batch_size=5000)
    return len(created)


@transaction.atomic
def synthetic_space_requests_remove() -> int:
    requests = synthetic_space_requests()
    ids = list(requests.values_list("pk", flat=True))
    from vacancies.models import SpaceRequest

    SpaceRequest.search_areas.through.objects.filter(spacerequest_id__in=ids).delete()
    return requests._raw_delete(requests.db)

import datetime
from collections import Counter
from pathlib import Path

from fabtown.seeding import create_missing, geometry, point, read_json, read_json_if_present
from producers.models import Producer, ProductionForm
from vacancies.models import InterimUse, SearchArea, Site, VacancySurvey
from vacancies.services import site_record_initial_status

DATA = Path(__file__).resolve().parent / "data"
_SITE_FIELDS = [
    "kind",
    "street",
    "postcode",
    "city",
    "is_ground_floor",
    "has_shop_window",
    "status",
    "is_published",
    "description",
    "internal_notes",
    "source",
]


def _date(value: str | None) -> datetime.date | None:
    return datetime.date.fromisoformat(value) if value else None


def load_sites(report: Counter) -> None:
    data = read_json(DATA / "sites.json")
    forms = {f.code: f for f in ProductionForm.objects.all()}
    # English texts by the German name of the search area (vacancies/data/search_areas.en.json)
    english = read_json_if_present(DATA / "search_areas.en.json")
    for area in data["search_areas"]:
        create_missing(
            report,
            SearchArea,
            {"slug": area["slug"]},
            {
                "name": area["name"],
                "production_type": area["production_type"],
                "production_form": forms.get(area["production_form"]),
                "customer_frequency": area["customer_frequency"],
                "concretisation": area["concretisation"],
                "area": geometry(area["area"]),
                "area_is_approximate": True,
            },
            english=english.get(area["name"]),
        )

    sites = {}
    for entry in data["sites"]:
        values = {field: entry[field] for field in _SITE_FIELDS if field in entry}
        values["location"] = point(entry["location"])
        # every seed coordinate is an estimate from the text
        values["location_is_approximate"] = True
        values["last_verified"] = _date(entry.get("last_verified"))
        site, created = create_missing(report, Site, {"name": entry["name"]}, values)
        if created:
            site.suitable_forms.set([forms[code] for code in entry.get("suitable_forms", [])])
            site_record_initial_status(site=site, by=None, note=entry["source"])
        sites[entry["key"]] = site

    producers = {p.slug: p for p in Producer.objects.all()}
    for entry in data["interim_uses"]:
        use, created = create_missing(
            report,
            InterimUse,
            {"site": sites[entry["site"]], "title": entry["title"]},
            {
                "users": entry["users"],
                "starts_on": _date(entry["starts_on"]),
                "ends_on": _date(entry["ends_on"]),
                "dates_are_approximate": entry["dates_are_approximate"],
                "description": entry["description"],
                "source": entry["source"],
            },
        )
        if created:
            use.producers.set([producers[slug] for slug in entry["producers"]])
    load_vacancy_surveys(report)


def load_vacancy_surveys(report: Counter) -> None:
    """The concept's count of May 2020 (seed 3.2). It prints no number of units, so no
    UnitCount is loaded: the rate waits for the office's own count."""
    for entry in read_json(DATA / "statistics.json")["vacancy_surveys"]:
        create_missing(
            report,
            VacancySurvey,
            {"territory": entry["territory"], "surveyed_on": _date(entry["surveyed_on"])},
            {
                "vacant": entry["vacant"],
                "is_minimum": entry["is_minimum"],
                "date_is_approximate": entry["date_is_approximate"],
                "source": entry["source"],
            },
        )

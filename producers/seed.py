from collections import Counter
from pathlib import Path

from fabtown.seeding import create_missing, point, read_json, read_json_if_present
from producers.models import Producer, ProductCategory, ProductionForm

DATA = Path(__file__).resolve().parent / "data"

_PRODUCER_FIELDS = [
    "branch",
    "description",
    "products",
    "founded_year",
    "at_location_since",
    "legal_form",
    "employees_min",
    "employees_max",
    "employees_seasonal_peak",
    "production_area_min_m2",
    "production_area_max_m2",
    "figures_note",
    "street",
    "postcode",
    "website",
    "location_is_approximate",
    "has_showroom",
    "has_visible_production",
    "offers_tours",
    "offers_workshops",
    "offers_repair",
    "has_online_shop",
    "sells_to_consumers",
    "sells_to_businesses",
    "is_published",
    "source",
]


def load_taxonomy(report: Counter) -> None:
    data = read_json(DATA / "taxonomy.json")
    # English names and descriptions by code and slug (producers/data/taxonomy.en.json)
    english = read_json_if_present(DATA / "taxonomy.en.json")
    english_forms = english.get("production_forms", {})
    english_categories = english.get("product_categories", {})
    for position, form in enumerate(data["production_forms"]):
        create_missing(
            report,
            ProductionForm,
            {"code": form["code"]},
            {"name": form["name"], "description": form["description"], "position": position},
            english=english_forms.get(form["code"]),
        )
    for position, group in enumerate(data["product_categories"]):
        parent, _ = create_missing(
            report,
            ProductCategory,
            {"slug": group["slug"]},
            {"name": group["name"], "position": position},
            english=english_categories.get(group["slug"]),
        )
        for child_position, child in enumerate(group.get("children", [])):
            create_missing(
                report,
                ProductCategory,
                {"slug": child["slug"]},
                {"name": child["name"], "parent": parent, "position": child_position},
                english=english_categories.get(child["slug"]),
            )


def load_producers(report: Counter) -> None:
    data = read_json(DATA / "producers.json")
    categories = {c.slug: c for c in ProductCategory.objects.all()}
    forms = {f.code: f for f in ProductionForm.objects.all()}
    for entry in data["producers"]:
        values = {field: entry[field] for field in _PRODUCER_FIELDS if field in entry}
        values["name"] = entry["name"]
        values["category"] = categories.get(entry.get("category"))
        values["production_form"] = forms.get(entry.get("production_form"))
        values["location"] = point(entry.get("location"))
        create_missing(report, Producer, {"slug": entry["slug"]}, values)

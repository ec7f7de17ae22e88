"""What the label tests share."""

from label.models import LabelApplication


def application_form_data(application: LabelApplication, **changes) -> dict:
    data = {
        "company_name": application.company_name,
        "contact_name": application.contact_name,
        "contact_email": application.contact_email,
        "contact_phone": application.contact_phone,
        "stage_product_design": "on",
        "stage_manufacturing": "on",
        "seat_street": "Kortumstraße 1",
        "seat_postcode": "44787",
        "seat_city": "Bochum",
        "location": "",
        "full_time_staff": "1",
        "company_size": "3",
        "products": "Tassen",
        "quality_statement": "Von Hand gedreht.",
        "sustainability_notes": "",
        "seasonality_recycling_notes": "",
        "note": "",
        "action": "save",
    }
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}

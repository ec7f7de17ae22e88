"""Today's texts become the German ones (`_de`); English stays empty (NULL) until the seed's
English files or staff fill it. History rows get the same, so the first diff after this
migration shows a real change rather than "empty → German"."""

from django.db import migrations
from django.db.models import F

FIELDS = {
    "SearchArea": ["name", "production_type", "concretisation"],
    "HistoricalSearchArea": ["name", "production_type", "concretisation"],
}


def copy_to_german(apps, schema_editor):
    for model_name, fields in FIELDS.items():
        model = apps.get_model("vacancies", model_name)
        model.objects.update(**{f"{field}_de": F(field) for field in fields})


class Migration(migrations.Migration):
    dependencies = [("vacancies", "0014_i18n_english_fields")]

    operations = [migrations.RunPython(copy_to_german, migrations.RunPython.noop)]

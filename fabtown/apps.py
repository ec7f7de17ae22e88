from django.apps import AppConfig


class FabtownConfig(AppConfig):
    name = "fabtown"
    verbose_name = "FabTown Bochum"

    def ready(self) -> None:
        from django.contrib.gis.db.models import GeometryField
        from rest_framework.serializers import ModelSerializer

        from fabtown import answers
        from fabtown.api import APIGeometryField

        answers.connect_signals()

        # Any serializer that maps a geometry column on its own gets the checked field too
        # (rest_framework_gis maps them to its unchecked one).
        mapping = ModelSerializer.serializer_field_mapping
        for model_field in list(mapping):
            if issubclass(model_field, GeometryField):
                mapping[model_field] = APIGeometryField

from django.apps import AppConfig


class RegionConfig(AppConfig):
    """Measuring the platform at the size of the Ruhr region: the synthetic region of
    `make bench`. At the top of the apps' dependencies, since it fills all of them."""

    name = "region"
    verbose_name = "Synthetic region (benchmark)"

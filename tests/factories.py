import datetime

import factory
from django.contrib.auth import get_user_model
from django.contrib.gis.geos import GEOSGeometry

from label.models import FeeTier, LabelApplication, LabelApplicationPhoto, Membership
from measures.models import Measure, Office, ThematicField
from producers.models import Producer, ProductCategory, ProductionForm
from vacancies.models import InterimUse, SearchArea, Site, SpaceRequest


def _today() -> datetime.date:
    from django.utils import timezone

    return timezone.localdate()


# Bochum city centre, Dr.-Ruer-Platz
BOCHUM_CENTRE_WKT = "SRID=4326;POINT(7.2163 51.4818)"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.org")
    password = factory.PostGenerationMethodCall("set_password", "correct horse battery")

    @factory.post_generation
    def groups(self, create, extracted, **kwargs):
        if create and extracted:
            self.groups.set(extracted)
        if create:
            self.save()


class StaffFactory(UserFactory):
    is_staff = True


class SuperuserFactory(StaffFactory):
    is_superuser = True


class ProductionFormFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ProductionForm
        django_get_or_create = ["code"]

    code = "manufactory-repair-craft"
    name = "Urbane Manufaktur, Reparaturbetriebe und Handwerk"


class ProductCategoryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ProductCategory

    name = factory.Sequence(lambda n: f"Kategorie {n}")
    slug = factory.Sequence(lambda n: f"kategorie-{n}")


class ProducerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Producer

    name = factory.Sequence(lambda n: f"Manufaktur {n}")
    slug = factory.Sequence(lambda n: f"manufaktur-{n}")
    branch = "Geigenbau"
    category = factory.SubFactory(ProductCategoryFactory)
    production_form = factory.SubFactory(ProductionFormFactory)
    location = factory.LazyFunction(lambda: GEOSGeometry(BOCHUM_CENTRE_WKT))
    postcode = "44787"
    is_published = True


class SearchAreaFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SearchArea

    name = factory.Sequence(lambda n: f"Suchraum {n}")
    slug = factory.Sequence(lambda n: f"suchraum-{n}")
    production_type = "Urbane Manufakturen"
    customer_frequency = "medium"
    area = factory.LazyFunction(
        lambda: GEOSGeometry(
            "SRID=4326;MULTIPOLYGON(((7.21 51.48, 7.22 51.48, 7.22 51.49, 7.21 51.49, 7.21 51.48)))"
        )
    )


class SiteFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Site

    name = factory.Sequence(lambda n: f"Ladenlokal {n}")
    kind = "vacant_unit"
    street = "Kortumstraße 1"
    postcode = "44787"
    location = factory.LazyFunction(lambda: GEOSGeometry(BOCHUM_CENTRE_WKT))
    floor_area_m2 = 80
    is_ground_floor = True
    has_shop_window = True
    owner_name = "Erika Mustereigentümerin"
    owner_contact = "erika.eigentuemerin@example.org, 0234 999999"
    is_published = True


class InterimUseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = InterimUse

    site = factory.SubFactory(SiteFactory)
    title = factory.Sequence(lambda n: f"Pop-up {n}")
    users = "Grubenholz"
    starts_on = datetime.date(2021, 9, 1)
    ends_on = datetime.date(2021, 10, 31)


class ThematicFieldFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ThematicField
        django_get_or_create = ["code"]

    code = "4.6"
    title = "Sensibilisierung der Stadtgesellschaft"
    group = "supporting"


class MeasureFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Measure

    thematic_field = factory.SubFactory(ThematicFieldFactory)
    code = factory.Sequence(lambda n: f"4.6.{n + 1}")
    title = factory.Sequence(lambda n: f"Maßnahme {n}")
    description = "Beschreibung"


class OfficeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Office

    name = factory.Sequence(lambda n: f"Amt {n}")
    email = factory.Sequence(lambda n: f"amt{n}@bochum.example")


class FeeTierFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = FeeTier

    name = factory.Sequence(lambda n: f"Stufe {n}")
    min_employees = 0
    max_employees = 5
    monthly_fee_eur = 10


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    producer = factory.SubFactory(ProducerFactory)
    kind = "regular"
    # Current on the day the tests run, whatever that day is.
    valid_from = factory.LazyFunction(lambda: _today() - datetime.timedelta(days=30))
    valid_until = factory.LazyFunction(lambda: _today() + datetime.timedelta(days=335))
    fee_tier = factory.SubFactory(FeeTierFactory)


class LabelApplicationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = LabelApplication

    company_name = factory.Sequence(lambda n: f"Werkstatt {n}")
    contact_name = "Max Antragsteller"
    contact_email = "max.antragsteller@example.org"
    contact_phone = "0234 123456"
    stage_product_design = True
    stage_manufacturing = True
    seat_postcode = "44787"
    full_time_staff = 1
    quality_statement = "Handgefertigt in Bochum."


class ApplicantFactory(UserFactory):
    """A producer's account with a verified e-mail address (allauth)."""

    @factory.post_generation
    def verified_email(self, create, extracted, **kwargs):
        if create:
            from allauth.account.models import EmailAddress

            EmailAddress.objects.create(user=self, email=self.email, verified=True, primary=True)


def small_png(name: str = "produkt.png", size: tuple[int, int] = (40, 30)):
    """A real, small PNG upload."""
    from io import BytesIO

    from django.core.files.uploadedfile import SimpleUploadedFile
    from PIL import Image

    buffer = BytesIO()
    Image.new("RGB", size, (29, 92, 46)).save(buffer, format="PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


def pixel_bomb_png(name: str = "bombe.png", side: int = 10_000):
    """A PNG of side × side pixels that is only a few KB big (one bit a pixel, all black)."""
    from io import BytesIO

    from django.core.files.uploadedfile import SimpleUploadedFile
    from PIL import Image

    buffer = BytesIO()
    Image.new("1", (side, side)).save(buffer, format="PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


class LabelApplicationPhotoFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = LabelApplicationPhoto

    application = factory.SubFactory(LabelApplicationFactory)
    image = factory.LazyFunction(small_png)
    description = "Eine Tasse aus der Werkstatt"


class SpaceRequestFactory(factory.django.DjangoModelFactory):
    """A space request; its contact data are the personal data the privacy tests look for."""

    class Meta:
        model = SpaceRequest
        skip_postgeneration_save = True

    title = factory.Sequence(lambda n: f"Werkstatt für Keramik {n}")
    floor_area_min_m2 = 60
    floor_area_max_m2 = 120
    contact_name = "Jana Gesuchstellerin"
    contact_email = "jana.gesuch@example.org"
    contact_phone = "0234 555777"
    organisation = "Keramikstudio Jana"
    source = "staff"
    expires_on = factory.LazyFunction(lambda: _today() + datetime.timedelta(days=180))

    @factory.post_generation
    def search_areas(self, create, extracted, **kwargs):
        if create and extracted:
            self.search_areas.set(extracted)


class MatchingSpaceRequestFactory(factory.django.DjangoModelFactory):
    """A space request for the matching tests (the request's own factory is its part's)."""

    class Meta:
        model = "vacancies.SpaceRequest"

    title = factory.Sequence(lambda n: f"Werkstatt {n}")
    contact_name = "Max Suchender"
    contact_email = factory.Sequence(lambda n: f"suchender{n}@example.org")
    contact_phone = "0234 123456"
    organisation = "Rösterei Suchender"
    expires_on = factory.LazyFunction(lambda: _today() + datetime.timedelta(days=180))

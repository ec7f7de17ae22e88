"""An office's lead is a person: their name and address reach only staff who may change
measures, never a public door (page, API, PDF, CSV, search)."""

import io

import pypdf
import pytest
from django.contrib.auth.models import Group

from fabtown.roles import EDITORS, VIEWERS, ensure_staff_groups
from measures.models import Measure
from tests.factories import OfficeFactory, StaffFactory

pytestmark = pytest.mark.django_db

LEAD_NAME = "Dr. Gudrun Leitungsperson"
LEAD_EMAIL = "gudrun.leitung@bochum.example"


@pytest.fixture
def led_measure(bochum_data):
    office = OfficeFactory(name="Amt für Stadtplanung", lead_name=LEAD_NAME, lead_email=LEAD_EMAIL)
    measure = Measure.objects.get(code="4.3.1")
    measure.responsible_office = office
    measure.save()
    return measure, office


def _public_answers(client) -> list[str]:
    answers = [
        client.get("/massnahmen/4.3.1/").content.decode(),
        client.get("/en/measures/4.3.1/").content.decode(),
        client.get("/api/v1/measures/").content.decode(),
        client.get("/api/v1/measures/4.3.1/").content.decode(),
        client.get("/massnahmen/katalog.csv").content.decode("utf-8-sig"),
    ]
    for url in ("/massnahmen/4.3.1/steckbrief.pdf", "/massnahmen/steckbriefe.pdf"):
        reader = pypdf.PdfReader(io.BytesIO(client.get(url).content))
        answers.append(" ".join(page.extract_text() for page in reader.pages))
    return answers


def test_a_stranger_never_sees_the_lead_of_the_responsible_office(client, led_measure):
    answers = _public_answers(client)
    assert "Amt für Stadtplanung" in answers[0]  # the office itself is public
    # the search finds nothing by the lead's name (the page repeats the query, so no text check)
    found = client.get("/api/v1/search/", {"q": "Leitungsperson"}).json()
    assert "4.3.1" not in str(found)
    for answer in answers:
        assert LEAD_NAME not in answer and "Leitungsperson" not in answer
        assert LEAD_EMAIL not in answer


def test_staff_see_the_lead_in_the_admin_and_nowhere_public(client, led_measure):
    """The lead's work address is the escalation route: staff who see offices in the admin
    see it (editors, and viewers read-only); the public doors stay closed to them too."""
    _measure, office = led_measure
    ensure_staff_groups()
    editor = StaffFactory(groups=[Group.objects.get(name=EDITORS)])
    viewer = StaffFactory(groups=[Group.objects.get(name=VIEWERS)])
    url = f"/admin/measures/office/{office.pk}/change/"
    client.force_login(editor)
    assert LEAD_EMAIL in client.get(url).content.decode()
    client.force_login(viewer)
    assert LEAD_EMAIL in client.get(url).content.decode()  # read-only
    for answer in _public_answers(client):
        assert LEAD_EMAIL not in answer

import datetime

import pytest
from django.contrib.auth.models import Group
from django.utils import timezone

from fabtown.roles import EDITORS, VIEWERS, ensure_staff_groups
from measures.models import Measure, Office
from measures.services import measure_update_tracking, timeline_entry_add
from tests.factories import MeasureFactory, StaffFactory

pytestmark = pytest.mark.django_db

OVERVIEW = "/massnahmen/umsetzung/"
CHANGES = "/massnahmen/umsetzung/aenderungen/"


def _days_ago(days: int) -> datetime.date:
    return timezone.localdate() - datetime.timedelta(days=days)


@pytest.fixture
def editor(db):
    ensure_staff_groups()
    return StaffFactory(groups=[Group.objects.get(name=EDITORS)], first_name="Eva", last_name="Amt")


@pytest.fixture
def viewer(db):
    ensure_staff_groups()
    return StaffFactory(groups=[Group.objects.get(name=VIEWERS)])


@pytest.mark.parametrize("url", [OVERVIEW, CHANGES, "/en/measures/implementation/"])
def test_the_pages_are_for_staff_who_may_change_measures(client, editor, viewer, url):
    anonymous = client.get(url)
    assert anonymous.status_code == 302 and "/admin/login/" in anonymous["Location"]
    client.force_login(viewer)
    assert client.get(url).status_code == 403
    client.force_login(editor)
    assert client.get(url).status_code == 200


def test_the_overview_groups_by_status_and_lists_what_is_overdue(client, editor):
    office = Office.objects.create(name="Amt für Stadtplanung", stale_after_days=30)
    late_start = MeasureFactory(title="Beginn verpasst")
    measure_update_tracking(
        measure=late_start, by=None, implementation_status="planned",
        planned_start=_days_ago(10), responsible_office=office,
    )  # fmt: skip
    late_end = MeasureFactory(title="Ende verpasst")
    measure_update_tracking(
        measure=late_end, by=None, implementation_status="in_progress", progress=40,
        actual_start=_days_ago(100), planned_start=_days_ago(100), planned_end=_days_ago(1),
    )  # fmt: skip
    done = MeasureFactory(title="Fertig")
    measure_update_tracking(
        measure=done, by=None, implementation_status="completed", progress=100,
        planned_end=_days_ago(50), actual_start=_days_ago(90), actual_end=_days_ago(40),
    )  # fmt: skip
    MeasureFactory(title="Nie begonnen")
    on_time = MeasureFactory(title="Im Plan")
    measure_update_tracking(
        measure=on_time, by=None, implementation_status="planned", planned_start=_days_ago(-5)
    )
    # tracked long ago: stale after the office's 30 days
    Measure.objects.filter(pk=late_start.pk).update(
        tracking_updated_at=timezone.now() - datetime.timedelta(days=31)
    )
    client.force_login(editor)
    response = client.get(OVERVIEW)
    overview = response.context["overview"]
    assert {m.title for m in overview.overdue} == {"Beginn verpasst", "Ende verpasst"}
    assert [m.title for m in overview.stale] == ["Beginn verpasst"]
    # in the order of the statuses, only those that occur
    assert [value for value, _label, _m in overview.by_status] == [
        "not_started",
        "planned",
        "in_progress",
        "completed",
    ]
    page = response.content.decode()
    assert "40 %" in page and "Amt für Stadtplanung" in page


def test_the_overview_takes_the_same_queries_for_few_and_many_measures(
    client, editor, django_assert_num_queries
):
    """Reason for 5: the session and the user, the user's and the groups' permissions, and the
    measures with their flags computed in the database, thematic fields and offices joined;
    the overdue and stale lists come from the same rows."""
    client.force_login(editor)
    MeasureFactory.create_batch(2)
    client.get(OVERVIEW)  # the admin's app list caches what it may
    with django_assert_num_queries(5):
        client.get(OVERVIEW)
    MeasureFactory.create_batch(10)
    with django_assert_num_queries(5):
        client.get(OVERVIEW)


def test_what_changed_since_lists_every_change_with_old_and_new_value(client, editor):
    measure = MeasureFactory(code="4.6.4", title="Tag der offenen Tür")
    measure_update_tracking(
        measure=measure, by=editor, implementation_status="in_progress",
        actual_start=_days_ago(2), progress=30,
    )  # fmt: skip
    timeline_entry_add(measure=measure, by=editor, date=_days_ago(1), title="Erster Aktionstag")
    untouched = MeasureFactory(title="Nicht geändert")
    untouched.history.update(history_date=timezone.now() - datetime.timedelta(days=10))
    client.force_login(editor)
    response = client.get(CHANGES, {"seit": _days_ago(3).isoformat()})
    assert response.status_code == 200
    (group,) = [g for g in response.context["groups"] if g.measure.pk == measure.pk]
    status = next(c for c in group.changes if c.field == "Umsetzungsstand")
    assert (status.old, status.new) == ("nicht begonnen", "in Umsetzung")
    assert status.who == "Eva Amt"
    progress = next(c for c in group.changes if c.field == "Fortschritt (%)")
    assert (progress.old, progress.new) == ("0", "30")
    assert any(c.what == "Eintrag im Zeitverlauf" and c.new == "hinzugefügt" for c in group.changes)
    # the timestamp is the system's, not a decision
    assert not any(c.field == "Umsetzungsstand zuletzt aktualisiert" for c in group.changes)
    page = response.content.decode()
    assert "Tag der offenen Tür" in page and "Nicht geändert" not in page


def test_changes_before_the_date_are_not_listed(client, editor):
    measure = MeasureFactory()
    measure_update_tracking(measure=measure, by=editor, implementation_status="planned")
    measure.history.update(history_date=timezone.now() - datetime.timedelta(days=10))
    client.force_login(editor)
    response = client.get(CHANGES, {"seit": _days_ago(5).isoformat()})
    assert response.context["groups"] == []
    assert "Seitdem hat sich nichts geändert." in response.content.decode()


@pytest.mark.parametrize("since", ["gestern", "2026-02-30", "9999-01-01"])
def test_a_bad_date_is_a_bad_request(client, editor, since):
    client.force_login(editor)
    response = client.get(CHANGES, {"seit": since})
    assert response.status_code == 400
    assert "errornote" in response.content.decode()


def test_what_changed_since_takes_the_same_queries_for_few_and_many_changes(
    client, editor, django_assert_num_queries
):
    """Reason for 10: session, user, the user's and the groups' permissions; per kind of
    history (measures, timeline entries, outcomes) the rows of the records changed with their
    authors; the names the measures' foreign keys point to (thematic fields, offices); then the
    measures."""
    client.force_login(editor)
    office = Office.objects.create(name="Wirtschaftsförderung")
    first = MeasureFactory()
    measure_update_tracking(measure=first, by=editor, implementation_status="planned",
                            responsible_office=office)  # fmt: skip
    timeline_entry_add(measure=first, by=editor, date=_days_ago(1), title="A")
    client.get(CHANGES)
    with django_assert_num_queries(10):
        client.get(CHANGES)
    for measure in MeasureFactory.create_batch(5):
        measure_update_tracking(measure=measure, by=editor, implementation_status="planned",
                                responsible_office=office)  # fmt: skip
        timeline_entry_add(measure=measure, by=editor, date=_days_ago(1), title="B")
    with django_assert_num_queries(10):
        response = client.get(CHANGES)
    assert len(response.context["groups"]) == 6

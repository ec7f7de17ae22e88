import pytest
from django.contrib.auth.models import Group

from fabtown.roles import EDITORS, LABEL_BOARD, VIEWERS, ensure_staff_groups
from tests.factories import StaffFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def groups():
    ensure_staff_groups()
    return {name: Group.objects.get(name=name) for name in (EDITORS, VIEWERS, LABEL_BOARD)}


def test_editors_maintain_every_record_but_not_history_or_board_decisions(groups):
    user = StaffFactory(groups=[groups[EDITORS]])
    assert user.has_perms(
        ["producers.change_producer", "vacancies.add_site", "measures.change_measure"]
    )
    assert user.has_perm("vacancies.view_site")
    assert not user.has_perm("label.change_labeldecision")
    assert not user.has_perm("producers.delete_historicalproducer")


def test_viewers_only_read(groups):
    user = StaffFactory(groups=[groups[VIEWERS]])
    assert user.has_perm("producers.view_producer") and user.has_perm("measures.view_measure")
    assert not user.has_perm("producers.change_producer")
    assert not user.has_perm("vacancies.add_site")


def test_the_label_board_reviews_applications_but_edits_nothing_else(groups):
    user = StaffFactory(groups=[groups[LABEL_BOARD]])
    assert user.has_perm("label.change_labelapplication")
    assert user.has_perm("label.add_membership")
    assert not user.has_perm("producers.change_producer")
    assert not user.has_perm("label.change_labeldecision")


def test_running_it_again_changes_nothing(groups):
    before = {
        g.name: set(g.permissions.values_list("codename", flat=True)) for g in groups.values()
    }
    ensure_staff_groups()
    after = {
        g.name: set(g.permissions.values_list("codename", flat=True))
        for g in Group.objects.filter(name__in=before)
    }
    assert after == before

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


def test_only_the_label_board_decides_and_viewers_see_no_personal_data(groups):
    board = StaffFactory(groups=[groups[LABEL_BOARD]])
    editor = StaffFactory(groups=[groups[EDITORS]])
    viewer = StaffFactory(groups=[groups[VIEWERS]])
    assert board.has_perms(["label.decide_labelapplication", "label.view_applicant_data"])
    assert board.has_perm("label.export_treasurer_list")
    assert not editor.has_perm("label.decide_labelapplication")
    assert editor.has_perm("label.view_applicant_data")
    assert not viewer.has_perm("label.view_applicant_data")
    assert not viewer.has_perm("vacancies.view_owner_data")

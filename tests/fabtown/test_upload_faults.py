"""A full disk while an upload is saved: a clear "not saved, try again", and no half file."""

import errno
import os
import sys

import pytest
from django.core.files.base import ContentFile, File
from django.test import RequestFactory
from django.urls import reverse

from fabtown import errors, storage
from fabtown.storage import WholeFileSystemStorage
from label.models import LabelApplication
from tests.factories import ApplicantFactory, LabelApplicationFactory, small_png
from tests.label.helpers import application_form_data


class _DiskFillsUp(File):
    """An upload whose second chunk no longer fits on the disk."""

    def __init__(self):
        super().__init__(None, name="gross.png")

    def chunks(self, chunk_size=None):
        yield b"\x89PNG first part"
        raise OSError(errno.ENOSPC, "No space left on device")


def _files_under(root) -> list[str]:
    return [os.path.join(d, f) for d, _, names in os.walk(root) for f in names]


def test_a_file_is_stored_whole_and_readable_for_the_web_server(tmp_path):
    target = WholeFileSystemStorage(location=tmp_path)
    name = target.save("producers/photos/tasse.png", ContentFile(b"ganz", name="tasse.png"))
    assert target.open(name).read() == b"ganz"
    assert _files_under(tmp_path) == [str(tmp_path / name)]
    assert os.stat(tmp_path / name).st_mode & 0o777 == 0o644


def test_a_full_disk_leaves_no_half_file(tmp_path):
    target = WholeFileSystemStorage(location=tmp_path)
    with pytest.raises(OSError) as error:
        target.save("producers/photos/gross.png", _DiskFillsUp())
    assert error.value.errno == errno.ENOSPC
    assert _files_under(tmp_path) == []


@pytest.mark.django_db
def test_a_full_disk_while_saving_an_application_photo_saves_nothing_and_says_so(
    client, settings, monkeypatch
):
    applicant = ApplicantFactory()
    application = LabelApplicationFactory(applicant=applicant, products="Alt")
    client.force_login(applicant)

    def disk_full(fd):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(storage.os, "fsync", disk_full)
    data = application_form_data(
        application, products="Neu", **{"photo-image": small_png(), "photo-description": "Tasse"}
    )
    response = client.post(reverse("label:application_edit", args=[application.pk]), data)

    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    assert "Das Foto konnte nicht abgelegt werden, deshalb wurde nichts gespeichert." in (
        response.content.decode()
    )
    assert ">\nNeu</textarea>" in response.content.decode()  # what was typed is kept
    stored = LabelApplication.objects.get(pk=application.pk)
    assert stored.products == "Alt" and not stored.photos.exists()
    assert _files_under(settings.PRIVATE_MEDIA_ROOT) == []


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("/en/admin-upload/", "Your upload could not be saved"),
        ("/api/v1/producers/", "Die Datei konnte nicht gespeichert werden."),
    ],
)
def test_any_other_upload_on_a_full_disk_gets_the_503_answer_not_a_500(path, expected):
    # The admin's photo inlines end here: Django calls handler500 while handling the error.
    request = RequestFactory().post(path)
    try:
        raise OSError(errno.ENOSPC, "No space left on device")
    except OSError:
        assert sys.exc_info()[0] is OSError
        response = errors.server_error(request)
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    assert expected in response.content.decode()

"""Where uploads are kept: whole files only, and those that must not be public apart.

STORAGES["default"] and STORAGES["private"] say where (fabtown.env.media_storages): directories
on local disk by default (written whole, never half a file on a full disk), S3 locations when
object storage is configured. Views read private files only through the storage API (`open`),
never by path, so they work with either.
"""

import contextlib
import os
import tempfile

from django.conf import settings
from django.core.files import File
from django.core.files.storage import FileSystemStorage, storages
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.utils._os import safe_makedirs
from django.utils.functional import LazyObject, empty


class _WrittenFile(File):
    """A file already on disk: FileSystemStorage moves it into place instead of copying."""

    def __init__(self, path: str):
        super().__init__(open(path, "rb"), name=os.path.basename(path))  # noqa: SIM115
        self._path = path

    def temporary_file_path(self) -> str:
        return self._path


class WholeFileSystemStorage(FileSystemStorage):
    """FileSystemStorage that never leaves half a file behind.

    Django's writes the upload straight to its final name; a full disk (ENOSPC) or a quota
    stops it midway and the stump stays, under a name nothing refers to, or served as a broken
    photo. Here the upload goes to a hidden temporary file in the same directory first, which
    is removed if writing fails, and is then renamed to its name in one step.
    """

    def _save(self, name, content):
        directory = os.path.dirname(self.path(name))
        if self.directory_permissions_mode is not None:
            safe_makedirs(directory, self.directory_permissions_mode, exist_ok=True)
        else:
            os.makedirs(directory, exist_ok=True)
        fd, temporary = tempfile.mkstemp(dir=directory, prefix=".upload-")
        try:
            with os.fdopen(fd, "wb") as out:
                for chunk in content.chunks():
                    out.write(chunk.encode() if isinstance(chunk, str) else chunk)
                out.flush()
                os.fsync(out.fileno())
            written = _WrittenFile(temporary)
            try:
                return super()._save(name, written)
            finally:
                written.close()
        finally:
            with contextlib.suppress(FileNotFoundError):
                os.remove(temporary)


class PrivateFileSystemStorage(WholeFileSystemStorage):
    """Files under PRIVATE_MEDIA_ROOT, without a public URL; views check who may read them.

    The location is read from the settings on every use, so that tests can move it.
    """

    def __init__(self, **kwargs):
        super().__init__(base_url=None)

    @property
    def base_location(self):
        return settings.PRIVATE_MEDIA_ROOT

    @property
    def location(self):
        return os.path.abspath(self.base_location)

    def url(self, name):
        raise ValueError("Private files have no public URL.")


class PrivateStorage(LazyObject):
    """The field's storage: STORAGES["private"], looked up when first used.

    A model field keeps its storage object for good, so this stands in for whichever backend the
    settings name (and names again in tests that change them). Migrations record it as
    `fabtown.storage.PrivateStorage()`, the same for every deployment.
    """

    def _setup(self):
        self._wrapped = storages["private"]

    def deconstruct(self):
        return ("fabtown.storage.PrivateStorage", (), {})


private_storage = PrivateStorage()


@receiver(setting_changed)
def _forget_backend(*, setting, **kwargs):
    if setting in ("STORAGES", "PRIVATE_MEDIA_ROOT"):
        private_storage._wrapped = empty

"""Where uploads that must not be public are kept.

STORAGES["private"] says where (fabtown.env.media_storages): a directory on local disk by
default, a private S3 location when object storage is configured. Views read these files only
through the storage API (`open`), never by path, so they work with either.
"""

import os

from django.conf import settings
from django.core.files.storage import FileSystemStorage, storages
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.utils.functional import LazyObject, empty


class PrivateFileSystemStorage(FileSystemStorage):
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

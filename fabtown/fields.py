"""Model fields whose rule holds at every door: forms, full_clean (admin, API services, imports)
and, where the database can say it, a CHECK constraint."""

import hashlib
from urllib.parse import urlsplit, urlunsplit

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import FileExtensionValidator, MaxLengthValidator
from django.db import models
from django.db.migrations import AlterField
from django.db.models import F, Q, Value
from django.db.models.functions import Length
from django.db.models.lookups import LessThanOrEqual
from django.utils.encoding import iri_to_uri
from django.utils.translation import gettext_lazy as _
from rfc3986_validator import validate_rfc3986

from fabtown.validators import IMAGE_EXTENSIONS, validate_image


class BoundedTextField(models.TextField):
    """A long text with a maximum length that holds everywhere.

    Django's TextField passes max_length only to the form's textarea; full_clean and the
    database would take a megabyte. This one checks it in full_clean too (so the API and
    imports refuse with a field error), and adds a CHECK constraint to its model, so that the
    database refuses longer text as well (and migrations carry it).
    """

    def __init__(self, *args, max_length: int, **kwargs):
        super().__init__(*args, max_length=max_length, **kwargs)
        self.validators.append(MaxLengthValidator(max_length))

    def contribute_to_class(self, cls, name, private_only=False):
        super().contribute_to_class(cls, name, private_only=private_only)
        # Models rendered from migration state ("__fake__") carry the constraint in their
        # options already; adding it again would create it twice (CreateModel + AddConstraint).
        if cls._meta.abstract or cls.__module__ == "__fake__":
            return
        within = LessThanOrEqual(Length(F(name)), Value(self.max_length))
        constraint = models.CheckConstraint(
            condition=Q(within), name=_constraint_name(cls._meta.db_table, name)
        )
        cls._meta.constraints = [*cls._meta.constraints, constraint]
        # migrations read a model's constraints only when its Meta declares some
        cls._meta.original_attrs["constraints"] = cls._meta.constraints


def _constraint_name(table: str, field: str) -> str:
    # PostgreSQL cuts identifiers at 63 characters; keep names whole and distinct.
    name = f"{table}_{field}_length"
    if len(name) > 63:
        digest = hashlib.sha256(name.encode()).hexdigest()[:8]
        name = f"{name[:54]}_{digest}"
    return name


class PhotoFormField(forms.ImageField):
    """The platform's image rule first, so that a photo too large for Pillow to open is named
    for what it is (not "not an image")."""

    def to_python(self, data):
        if data not in self.empty_values and hasattr(data, "read"):
            validate_image(data)
        return super().to_python(data)


class PhotoField(models.ImageField):
    """An uploaded photo: JPEG, PNG or WebP within the byte and pixel limits, at every door."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("validators", [FileExtensionValidator(IMAGE_EXTENSIONS), validate_image])
        super().__init__(*args, **kwargs)

    def formfield(self, **kwargs):
        return super().formfield(**{"form_class": PhotoFormField, **kwargs})


# Characters that never belong in an address a person types, but do in injected markup.
_REFUSED = set('"<>`\\{}|^')


def normalise_web_url(value: str) -> str:
    """A web address as a valid RFC 3986 URI, or ValidationError.

    Addresses with umlauts are normal in Germany (https://bäckerei-müller.de/über-uns): the host
    is stored in its ASCII form (IDNA) and the rest percent-encoded, as browsers send them.
    Quotes, angle brackets and the like are refused: they are markup, not part of an address.
    """
    value = value.strip()
    if any(char in _REFUSED or char.isspace() or ord(char) < 32 for char in value):
        raise ValidationError(
            _("A web address cannot contain spaces, quotes or the characters < > ` \\ { } | ^."),
            code="invalid_url",
        )
    try:
        parts = urlsplit(value)
        host = parts.hostname or ""
        ascii_host = host.encode("idna").decode("ascii") if host else ""
    except (ValueError, UnicodeError):
        raise ValidationError(_("Enter a valid web address."), code="invalid_url") from None
    if not parts.netloc.isascii():  # rebuilt only then: an address that needs nothing stays
        userinfo, _at, _hostport = parts.netloc.rpartition("@")
        port = f":{parts.port}" if parts.port else ""
        netloc = f"{userinfo}@{ascii_host}{port}" if userinfo else f"{ascii_host}{port}"
        value = urlunsplit(parts._replace(netloc=netloc))
    uri = iri_to_uri(value)
    if parts.scheme not in ("http", "https") or not ascii_host or not validate_rfc3986(uri, "URI"):
        raise ValidationError(
            _("Enter a valid web address starting with https:// or http://."), code="invalid_url"
        )
    return uri


class WebURLField(models.URLField):
    """A website: stored as a valid RFC 3986 URI (what the API's schema promises as `uri`)."""

    def to_python(self, value):
        value = super().to_python(value)
        return normalise_web_url(value) if value else value


# --- Data migrations --------------------------------------------------------------------------


def _log(message: str, *args) -> None:
    import logging

    logging.getLogger("fabtown.migrations").warning(message, *args)


def migrate_bounded_texts(apps, schema_editor, *, app_label: str, operations) -> None:
    """Run before a migration's AlterFields to these fields (they name the new limits).

    Shortens stored texts beyond their new maximum (only an attack stored such texts; the checks
    could not apply otherwise) and stores web addresses as valid URIs, clearing those that are no
    addresses at all. Logs every record it changes, by id.
    """
    for operation in operations:
        field = getattr(operation, "field", None)
        if not isinstance(operation, AlterField) or field is None:
            continue
        model = apps.get_model(app_label, operation.model_name)
        field.set_attributes_from_name(operation.name)
        if isinstance(field, BoundedTextField):
            _shorten(schema_editor, model, field)
        elif isinstance(field, WebURLField) and not model.__name__.startswith("Historical"):
            _normalise_urls(model, field)
    fire_deferred_triggers(schema_editor)


def fire_deferred_triggers(schema_editor) -> None:
    """After changing rows in a migration, before altering their tables in the same one:
    PostgreSQL refuses ALTER TABLE while deferred foreign-key checks are pending."""
    with schema_editor.connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")


def _shorten(schema_editor, model, field) -> None:
    quote = schema_editor.quote_name
    table, column, limit = quote(model._meta.db_table), quote(field.column), int(field.max_length)
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} SET {column} = left({column}, {limit}) "
            f"WHERE char_length({column}) > {limit} RETURNING id"
        )
        for (pk,) in cursor.fetchall():
            _log("Shortened %s of %s %s to %s characters.", field.name, model.__name__, pk, limit)


def _normalise_urls(model, field) -> None:
    rows = model.objects.exclude(**{field.name: ""}).values_list("pk", field.name)
    for pk, url in rows:
        try:
            normalised = normalise_web_url(url)
        except ValidationError:
            normalised = ""
        if len(normalised) > field.max_length:
            normalised = ""
        if normalised != url:
            model.objects.filter(pk=pk).update(**{field.name: normalised})
            change = "Normalised" if normalised else "Cleared"
            _log("%s %s of %s %s.", change, field.name, model.__name__, pk)

from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.utils.translation import gettext_lazy as _
from PIL import Image

validate_postcode = RegexValidator(r"^[0-9]{5}$", _("A German postcode has five digits."))

# Uploaded photos: what a phone camera makes fits; a decompression bomb does not.
MAX_IMAGE_BYTES = 5 * 1024 * 1024
MAX_IMAGE_PIXELS = 40_000_000  # e.g. 8000 × 5000
IMAGE_FORMATS = {"JPEG", "PNG", "WEBP"}
IMAGE_EXTENSIONS = ["jpg", "jpeg", "png", "webp"]


def validate_image(image) -> None:
    """A JPEG, PNG or WebP as Pillow reads it (whatever its name claims), within the byte and
    pixel limits. Only the header is read: a 12 KB PNG of 10,000 × 10,000 pixels is refused
    before anything decompresses it."""
    if image.size > MAX_IMAGE_BYTES:
        raise ValidationError(
            _("The photo is larger than %(limit)s MB.") % {"limit": MAX_IMAGE_BYTES // 2**20},
            code="image_bytes",
        )
    try:
        image.seek(0)
        with Image.open(image) as picture:
            image_format, (width, height) = picture.format, picture.size
    except Image.DecompressionBombError:
        # so large that Pillow itself refuses to open it
        raise ValidationError(
            _("The photo has far more than %(limit)s megapixels. Please upload a smaller version.")
            % {"limit": MAX_IMAGE_PIXELS // 1_000_000},
            code="image_pixels",
        ) from None
    except (OSError, ValueError):
        raise ValidationError(_("Upload a JPEG, PNG or WebP image."), code="image_format") from None
    finally:
        image.seek(0)
    if image_format not in IMAGE_FORMATS:
        raise ValidationError(_("Upload a JPEG, PNG or WebP image."), code="image_format")
    if width * height > MAX_IMAGE_PIXELS:
        raise ValidationError(
            _(
                "The photo has %(pixels)s megapixels; at most %(limit)s are accepted. Please "
                "upload a smaller version."
            )
            % {"pixels": round(width * height / 1e6), "limit": MAX_IMAGE_PIXELS // 1_000_000},
            code="image_pixels",
        )


# Documents attached to records (a measure's timeline): a PDF or an image, as read from the
# bytes (whatever the name claims), up to 10 MB.
MAX_DOCUMENT_BYTES = 10 * 1024 * 1024
DOCUMENT_EXTENSIONS = ["pdf", *IMAGE_EXTENSIONS]


def validate_document(document) -> None:
    """A PDF (its header says so) or an image validate_image accepts, within 10 MB."""
    if document.size > MAX_DOCUMENT_BYTES:
        raise ValidationError(
            _("The document is larger than %(limit)s MB.") % {"limit": MAX_DOCUMENT_BYTES // 2**20},
            code="document_bytes",
        )
    document.seek(0)
    head = document.read(5)
    document.seek(0)
    if head == b"%PDF-":
        return
    try:
        validate_image(document)
    except ValidationError:
        raise ValidationError(
            _("Upload a PDF or a JPEG, PNG or WebP image."), code="document_format"
        ) from None

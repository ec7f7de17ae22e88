from django.core.validators import RegexValidator
from django.utils.translation import gettext_lazy as _

validate_postcode = RegexValidator(r"^[0-9]{5}$", _("A German postcode has five digits."))

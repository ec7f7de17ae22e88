from django import forms
from django.utils.translation import gettext_lazy as _

from producers.filters import OFFERINGS
from producers.models import Producer

# What visitors find at the producer (the directory's offering filters) and whom it sells to.
OFFERING_FIELDS = [
    *(field for field, _label in OFFERINGS.values()),
    "sells_to_consumers",
    "sells_to_businesses",
]


class ProducerProfileForm(forms.ModelForm):
    """What a producer keeps current on its own profile; name, place and figures stay with staff."""

    class Meta:
        model = Producer
        fields = [
            "branch",
            "description",
            "products",
            "website",
            "email",
            "phone",
            "opening_hours",
            *OFFERING_FIELDS,
        ]
        widgets = {
            "description": forms.Textarea(attrs={"rows": 5}),
            "products": forms.Textarea(attrs={"rows": 3}),
            "opening_hours": forms.Textarea(attrs={"rows": 3}),
        }
        help_texts = {
            "email": _("Shown on your public profile."),
            "phone": _("Shown on your public profile."),
        }

    OFFERINGS = OFFERING_FIELDS

from django import forms
from django.utils.translation import gettext_lazy as _

from producers.models import Producer


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
            "has_showroom",
            "has_visible_production",
            "offers_tours",
            "offers_workshops",
            "offers_repair",
            "has_online_shop",
            "sells_to_consumers",
            "sells_to_businesses",
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

    OFFERINGS = [
        "has_showroom",
        "has_visible_production",
        "offers_tours",
        "offers_workshops",
        "offers_repair",
        "has_online_shop",
        "sells_to_consumers",
        "sells_to_businesses",
    ]

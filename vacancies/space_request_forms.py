from django import forms
from django.utils.translation import gettext_lazy as _

from producers.models import ProductionForm
from vacancies.models import SearchArea, SpaceRequest

# The public form's fields: everything a requester says; the lifecycle is the services'.
PUBLIC_FIELDS = [
    "title", "description", "production_form", "floor_area_min_m2", "floor_area_max_m2",
    "needs_ground_floor", "needs_shop_window", "equipment_wanted", "max_rent_eur_per_month",
    "search_areas", "wanted_from", "organisation", "contact_name", "contact_email",
    "contact_phone", "notify_matches",
]  # fmt: skip


class NeededCheckbox(forms.BooleanField):
    """Ticked: needed (True); not ticked: does not matter (None, as the model reads it)."""

    def __init__(self, **kwargs):
        super().__init__(required=False, **kwargs)

    def clean(self, value):
        return True if super().clean(value) else None


class SpaceRequestForm(forms.ModelForm):
    """The public request form. Saving goes through vacancies.services.space_requests."""

    needs_ground_floor = NeededCheckbox(label=_("The space must be on the ground floor"))
    needs_shop_window = NeededCheckbox(label=_("The space must have a shop window"))
    consent = forms.BooleanField(
        label=_(
            "I agree that the economic-development office stores my request and contact data "
            "as described above and uses them to offer me sites."
        ),
        error_messages={"required": _("Without your consent we cannot keep your request.")},
    )

    class Meta:
        model = SpaceRequest
        fields = PUBLIC_FIELDS
        widgets = {
            "description": forms.Textarea(attrs={"rows": 4}),
            "equipment_wanted": forms.Textarea(attrs={"rows": 3}),
            "search_areas": forms.CheckboxSelectMultiple,
            "wanted_from": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        }
        labels = {
            "title": _("What do you need the space for?"),
            "search_areas": _("Preferred search areas (optional)"),
            "notify_matches": _("E-mail me when a newly published site matches my request"),
            "organisation": _("Business or project (optional)"),
            "contact_phone": _("Phone (optional)"),
        }
        help_texts = {
            "floor_area_min_m2": _("In square metres; leave empty if it does not matter."),
            "max_rent_eur_per_month": _("Cold rent in euros per month; empty: open."),
            "search_areas": _("The areas of Bochum the city suggests for urban production."),
            "notify_matches": _("At most one e-mail per site; you can withdraw at any time."),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["search_areas"].queryset = SearchArea.objects.only("pk", "name")
        self.fields["production_form"].queryset = ProductionForm.objects.only("pk", "name")
        self.fields["production_form"].empty_label = _("– not decided yet –")
        # a requester must be reachable: the links to renew and withdraw go by e-mail
        self.fields["contact_name"].required = True
        self.fields["contact_email"].required = True
        self.fields["contact_name"].widget.attrs["autocomplete"] = "name"
        self.fields["contact_email"].widget.attrs["autocomplete"] = "email"
        self.fields["contact_phone"].widget.attrs["autocomplete"] = "tel"
        self.fields["organisation"].widget.attrs["autocomplete"] = "organization"

    def service_data(self) -> dict:
        """What the service records: the model's fields, without the consent box."""
        return {name: self.cleaned_data[name] for name in PUBLIC_FIELDS}

from django import forms
from django.utils.translation import gettext_lazy as _

from fabtown.maps import MapWidget
from label.models import LabelApplication, LabelApplicationPhoto


class LabelApplicationForm(forms.ModelForm):
    """What the applicant fills in; the board sees the same fields in the admin."""

    note = forms.CharField(
        label=_("Message to the board (optional)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("For example, what you added after the board asked for information."),
    )

    class Meta:
        model = LabelApplication
        fields = LabelApplication.APPLICANT_FIELDS
        widgets = {
            "location": MapWidget,
            "products": forms.Textarea(attrs={"rows": 3}),
            "quality_statement": forms.Textarea(attrs={"rows": 4}),
            "sustainability_notes": forms.Textarea(attrs={"rows": 3}),
            "seasonality_recycling_notes": forms.Textarea(attrs={"rows": 3}),
        }
        labels = {"producer": _("Your profile in the directory")}
        help_texts = {
            "producer": _("Leave empty if your company is not in the directory yet."),
            "company_size": _("All employees including part-time; it sets the monthly fee."),
            "is_founder_or_startup": _("Founders and start-ups may apply without full-time staff."),
        }

    def __init__(self, *args, producers, **kwargs):
        super().__init__(*args, **kwargs)
        # Only profiles already linked to this account; the board links others after checking.
        self.fields["producer"].queryset = producers
        self.fields["producer"].empty_label = _("– new company –")
        self.fields["company_name"].widget.attrs["autocomplete"] = "organization"
        self.fields["contact_name"].widget.attrs["autocomplete"] = "name"
        self.fields["contact_email"].widget.attrs["autocomplete"] = "email"
        self.fields["contact_phone"].widget.attrs["autocomplete"] = "tel"
        self.fields["seat_street"].widget.attrs["autocomplete"] = "street-address"
        self.fields["seat_postcode"].widget.attrs["autocomplete"] = "postal-code"
        self.fields["seat_city"].widget.attrs["autocomplete"] = "address-level2"
        if not producers.exists():
            self.fields["producer"].widget = forms.HiddenInput()


class ApplicationPhotoForm(forms.ModelForm):
    """One more photo of the products. Both fields are optional here: the rule that a photo
    needs its description is the model's, checked when the photo is added; a description
    without a photo is kept as a draft and blocks nothing (see label.views)."""

    class Meta:
        model = LabelApplicationPhoto
        fields = ["image", "description"]
        widgets = {
            "image": forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png,image/webp"})
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, prefix="photo", **kwargs)
        self.fields["image"].required = False
        self.fields["description"].required = False

    def has_photo(self) -> bool:
        return self.is_valid() and bool(self.cleaned_data.get("image"))

    def description_value(self) -> str:
        """The description as typed, also when the photo beside it was refused."""
        if self.is_bound:
            return (self.data.get(self.add_prefix("description")) or "").strip()[:300]
        return (self.initial.get("description") or "").strip()

    def _post_clean(self):
        # Without a file there is nothing to validate against the model.
        if self.cleaned_data.get("image"):
            super()._post_clean()


class DecisionForm(forms.Form):
    """The board's decision in the admin review."""

    decision = forms.ChoiceField(label=_("Decision"), widget=forms.RadioSelect)
    reason = forms.CharField(
        label=_("Reason"),
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("The applicant receives this text by e-mail."),
    )

    def __init__(self, *args, choices, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["decision"].choices = choices

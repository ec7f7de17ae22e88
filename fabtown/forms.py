from django import forms
from django.utils.translation import gettext_lazy as _


class AccessibilityFeedbackForm(forms.Form):
    message = forms.CharField(
        label=_("What did not work for you?"),
        widget=forms.Textarea(attrs={"rows": 6}),
        min_length=10,
        max_length=5000,
    )
    page = forms.CharField(label=_("On which page? (optional)"), required=False, max_length=500)
    email = forms.EmailField(
        label=_("Your e-mail, if you would like an answer (optional)"), required=False
    )

from django import forms
from django.utils.translation import gettext_lazy as _

from vacancies.models import SiteReport


class SiteReportForm(forms.Form):
    """A passer-by's report that a site is no longer free: nothing but an optional message."""

    message = forms.CharField(
        label=_("What did you notice? (optional)"),
        help_text=_(
            "For example: “a new shop opened here in May” or “the windows are covered”. "
            "We do not need your name or any other personal data."
        ),
        widget=forms.Textarea(attrs={"rows": 5}),
        required=False,
        max_length=SiteReport._meta.get_field("message").max_length,
    )

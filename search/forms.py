from django import forms
from django.utils.translation import gettext_lazy as _

from search.selectors import MAX_QUERY_LENGTH, words_of


class SearchForm(forms.Form):
    q = forms.CharField(label=_("Search"), max_length=MAX_QUERY_LENGTH, strip=True)

    def clean_q(self) -> str:
        value = self.cleaned_data["q"]
        if not words_of(value):
            raise forms.ValidationError(_("Enter a word to search for."), code="no_words")
        return value

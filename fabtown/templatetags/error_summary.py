"""`{% error_summary form other_form … %}`: every error of a public form listed at its top, each
a link to its field (WCAG 3.3.1 and 3.3.3; the GOV.UK error-summary pattern).

Long forms (the label application runs to several screens) otherwise say only "please correct
the marked fields" while the marked field lies far below. The messages stay beside their fields
too: Django renders them there with an id the field's aria-describedby names.
"""

from django import forms, template
from django.core.exceptions import NON_FIELD_ERRORS
from django.utils.translation import gettext as _

register = template.Library()


def field_target_id(field: forms.BoundField) -> str:
    """The id of the element a summary link moves the focus to; empty for hidden fields."""
    if field.is_hidden or not field.auto_id:
        return ""
    # A widget whose input is hidden (the map) names the element that takes the focus instead.
    suffix = getattr(field.field.widget, "focus_target_suffix", None)
    if suffix is not None:
        return f"{field.auto_id}{suffix}"
    # Radio buttons and checkbox lists have no single input; the first option takes the focus.
    return field.id_for_label or f"{field.auto_id}_0"


def summary_entries(*forms_: forms.BaseForm | None) -> list[dict]:
    entries = []
    for form in forms_:
        if form is None or not form.is_bound:
            continue
        entries += [{"message": message} for message in form.non_field_errors()]
        for name, messages in form.errors.items():
            if name == NON_FIELD_ERRORS:
                continue
            field = form[name]
            target, label = field_target_id(field), field.label
            entries += [{"message": m, "label": label, "target": target} for m in messages]
    return entries


@register.inclusion_tag("fabtown/error_summary.html")
def error_summary(*forms_, heading: str = "", intro: str = "", message: str = "") -> dict:
    """`message` is an error that belongs to no field (e.g. "too many requests")."""
    # A refusal of the whole request (too many) is said alone: the form was not checked.
    entries = [{"message": message}] if message else summary_entries(*forms_)
    return {
        "entries": entries,
        "heading": heading or _("Please check your entries"),
        "intro": intro,
    }

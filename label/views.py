import logging
from uuid import UUID

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import get_language, override
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from fabtown import errors, ratelimit
from fabtown.answers import cache_anonymous_answer
from label import badges
from label.criteria import check_label_criteria, fee_tier_for
from label.forms import ApplicationPhotoForm, LabelApplicationForm
from label.models import LabelApplication, LabelSettings, Place
from label.selectors import (
    application_of,
    application_photo_for,
    applications_of,
    association_shop,
    current_label_memberships,
    current_membership_for_badge,
    fee_tiers,
    label_membership_in_force,
    membership_for_verification,
    memberships_of,
    places_geojson,
    producers_of,
)
from label.services import (
    label_application_add_photo,
    label_application_save,
    label_application_start,
    label_application_submit,
)

logger = logging.getLogger(__name__)


@require_safe
@cache_anonymous_answer
def about(request: HttpRequest) -> HttpResponse:
    context = {"memberships": current_label_memberships(), "fee_tiers": fee_tiers()}
    return render(request, "label/about.html", context)


@require_safe
@cache_anonymous_answer
def shop(request: HttpRequest) -> HttpResponse:
    try:
        place = association_shop()
    except Place.DoesNotExist:
        raise Http404 from None
    return render(request, "label/shop.html", {"place": place})


@require_safe
@cache_anonymous_answer
def places_map(request: HttpRequest) -> HttpResponse:
    return HttpResponse(places_geojson(), content_type="application/geo+json")


# --- The producer's account -----------------------------------------------------------------


@login_required
@require_safe
def account(request: HttpRequest) -> HttpResponse:
    in_force = label_membership_in_force(user=request.user)
    context = {
        "applications": applications_of(user=request.user),
        "producers": producers_of(user=request.user),
        "memberships": memberships_of(user=request.user),
        # a member renews instead of applying again: the page shows the membership's term
        "membership_in_force": in_force,
        "reminder_days": LabelSettings.load().reminder_days_before_expiry if in_force else None,
    }
    return render(request, "label/account.html", context)


@login_required
@require_POST
def application_new(request: HttpRequest) -> HttpResponse:
    open_application = applications_of(user=request.user).filter(
        status__in=["draft", "needs_information"]
    )
    try:
        application = open_application.first() or label_application_start(
            applicant=request.user, language=get_language()
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("label:account")
    return redirect("label:application_edit", application.pk)


@login_required
@require_safe
def application_detail(request: HttpRequest, pk: int) -> HttpResponse:
    application = application_of(user=request.user, pk=pk)
    return render(request, "label/application_detail.html", _review_context(application))


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def application_edit(request: HttpRequest, pk: int) -> HttpResponse:
    application = application_of(user=request.user, pk=pk)
    if not application.is_editable_by_applicant:
        return redirect("label:application", application.pk)
    producers = producers_of(user=request.user)
    if request.method != "POST":
        form = LabelApplicationForm(instance=application, producers=producers)
        photo_form = ApplicationPhotoForm(initial={"description": _kept_description(request, pk)})
        return _edit_page(request, application, form, photo_form)

    form = LabelApplicationForm(
        request.POST, request.FILES, instance=application, producers=producers
    )
    photo_form = ApplicationPhotoForm(request.POST, request.FILES)
    if not form.is_valid():
        return _edit_page(request, application, form, photo_form, status=400)
    try:
        photo_added = _save(request, application, form, photo_form)
    except ValidationError as error:
        _show_errors(error, form, photo_form)
        return _edit_page(request, application, form, photo_form, status=400)
    except OSError as error:
        # The photo could not be written (e.g. a full disk): the whole save was rolled back and
        # the storage left no stump. The form keeps what was typed; the photo must be chosen
        # again, as after any refused upload.
        if errors.unavailable_reason(error) != "storage":
            raise
        logger.error("A label application could not be saved: %s", type(error).__name__)
        message = _("The photo could not be stored, so nothing was saved. Please try again.")
        messages.error(request, message)
        response = _edit_page(request, application, form, photo_form, status=503)
        response["Retry-After"] = str(errors.UNAVAILABLE_RETRY_AFTER_SECONDS)
        return response
    _keep_description(request, pk, "" if photo_added else photo_form.description_value())
    if photo_form.errors:
        # A refused photo holds back nothing else: the rest is saved, the page says what
        # became of the photo, and the description stays for the next attempt. A submission
        # waits: the applicant meant the photo to go with it.
        held = request.POST.get("action") == "submit"
        return _edit_page(request, application, form, photo_form, status=400, submit_held=held)

    if request.POST.get("action") != "submit":
        messages.success(request, _("Your draft is saved. The check below shows where it stands."))
        return redirect("label:application_edit", application.pk)
    kept = ApplicationPhotoForm(initial={"description": _kept_description(request, pk)})
    retry_after = ratelimit.consume(
        action="label-submit", key=str(request.user.pk), limit=settings.LABEL_SUBMISSIONS_PER_HOUR
    )
    if retry_after:
        message = errors.try_again_message(retry_after_seconds=retry_after)
        messages.error(request, f"{_('Too many submissions in a short time.')} {message}")
        response = _edit_page(request, application, form, kept)
        return errors.mark_too_many_requests(response, retry_after_seconds=retry_after)
    try:
        label_application_submit(
            application=application, by=request.user, note=form.cleaned_data["note"]
        )
    except ValidationError as error:
        form.add_error(None, error)
        return _edit_page(request, application, form, kept, status=400, submit_refused=True)
    request.session.pop(_description_key(pk), None)
    messages.success(request, _("Your application is submitted. We sent you a confirmation."))
    return redirect("label:application", application.pk)


@transaction.atomic  # a photo that cannot be stored (full disk) leaves everything as it was
def _save(request, application, form, photo_form) -> bool:
    """Save the form and the new photo, if any; True if a photo was added."""
    form.save(commit=False)
    label_application_save(
        application=application,
        by=request.user,
        remove_photo_ids=[int(i) for i in request.POST.getlist("remove_photo") if i.isdigit()],
    )
    if not photo_form.has_photo():
        return False
    try:
        # its own savepoint: a refused photo undoes only itself
        label_application_add_photo(
            application=application,
            by=request.user,
            image=photo_form.cleaned_data["image"],
            description=photo_form.cleaned_data["description"],
        )
    except ValidationError as error:
        _show_errors(error, photo_form)
        return False
    return True


# A description typed without its photo (none chosen, or the upload refused) is a draft value:
# kept in the session for this application until a photo takes it or it is emptied.
def _description_key(pk: int) -> str:
    return f"label-photo-description-{pk}"


def _kept_description(request: HttpRequest, pk: int) -> str:
    return request.session.get(_description_key(pk), "")


def _keep_description(request: HttpRequest, pk: int, description: str) -> None:
    if description:
        request.session[_description_key(pk)] = description
    else:
        request.session.pop(_description_key(pk), None)


def _show_errors(error: ValidationError, *forms) -> None:
    """Put a service's errors next to the fields they concern, in whichever form has them."""
    if not hasattr(error, "error_dict"):
        forms[0].add_error(None, error)
        return
    for field, field_errors in error.error_dict.items():
        target = next((f for f in forms if field in f.fields), forms[0])
        target.add_error(field if field in target.fields else None, field_errors)


def _review_context(application: LabelApplication) -> dict:
    results = check_label_criteria(application=application)
    return {
        "application": application,
        "results": results,
        "all_met": all(r.met for r in results),
        "fee_tier": fee_tier_for(employees=application.company_size or 0),
        "photos": list(application.photos.all()),
        "decisions": list(application.decisions.order_by("decided_at", "id")),
    }


def _edit_page(
    request, application, form, photo_form, status=200, submit_refused=False, submit_held=False
) -> HttpResponse:
    context = _review_context(application) | {
        "form": form,
        "photo_form": photo_form,
        "submit_refused": submit_refused,
        "submit_held": submit_held,
        # saved already, or refused on the page: either way the photo is to be chosen (again)
        "description_waits": bool(photo_form.description_value()),
    }
    return render(request, "label/application_form.html", context, status=status)


@login_required
@require_safe
def application_photo(request: HttpRequest, pk: int) -> FileResponse:
    photo = application_photo_for(user=request.user, pk=pk)
    response = FileResponse(photo.image.open("rb"))
    response["Cache-Control"] = "private, max-age=3600"
    return response


# --- Public verification and the badge ------------------------------------------------------


@require_safe
@cache_anonymous_answer
def verify(request: HttpRequest, public_id: UUID) -> HttpResponse:
    membership = membership_for_verification(public_id=public_id)
    context = {
        "membership": membership,
        "is_valid": membership.is_current() and membership.kind == "regular",
        "stages": membership.application.stage_names() if membership.application else [],
    }
    return render(request, "label/verify.html", context)


def _verification_url(request: HttpRequest, public_id: UUID) -> str:
    # The German address: printed stickers outlive a visitor's language choice.
    with override(settings.LANGUAGE_CODE):
        path = reverse("label:verify", args=[public_id])
    return request.build_absolute_uri(path)


@require_safe
@cache_anonymous_answer
def badge_svg(request: HttpRequest, public_id: UUID) -> HttpResponse:
    membership = current_membership_for_badge(public_id=public_id)
    svg = badges.web_badge_svg(membership=membership, url=_verification_url(request, public_id))
    return HttpResponse(svg, content_type="image/svg+xml; charset=utf-8")


@require_safe
@cache_anonymous_answer
def sticker_svg(request: HttpRequest, public_id: UUID) -> HttpResponse:
    membership = current_membership_for_badge(public_id=public_id)
    svg = badges.sticker_svg(membership=membership, url=_verification_url(request, public_id))
    return HttpResponse(svg, content_type="image/svg+xml; charset=utf-8")


@require_safe
@cache_anonymous_answer
def sticker_pdf(request: HttpRequest, public_id: UUID) -> HttpResponse:
    membership = current_membership_for_badge(public_id=public_id)
    pdf = badges.sticker_pdf(membership=membership, url=_verification_url(request, public_id))
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = 'inline; filename="made-by-bochum-sticker.pdf"'
    return response

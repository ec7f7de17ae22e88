"""The brokering in the admin: the ranked matches of a site or a space request with their
reasons and near misses, a button that proposes a site, and the proposals with their stages.

The two match pages are routed by the proposals' admin (admin/vacancies/siteproposal/site/<id>/
and …/spacerequest/<id>/), so that the site's and the request's admins need no change; their
change forms link to them (templates/admin/vacancies/site|spacerequest/change_form.html).
"""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from fabtown import privacy
from fabtown.admin_base import DomainAdmin
from vacancies.models import ProposalStage, Site, SiteProposal, SpaceRequest
from vacancies.selectors import matching
from vacancies.services.matching import site_proposal_advance, site_propose

PAGE_ROWS = 30


class SiteProposalForm(forms.ModelForm):
    """Staff move a proposal on by choosing the next stage and the day it happened."""

    on = forms.DateField(
        label=_("on"),
        initial=timezone.localdate,
        help_text=_("The day of the viewing, the letting or the loss."),
    )

    class Meta:
        model = SiteProposal
        fields = ["stage", "lost_reason", "note"]


@admin.register(SiteProposal)
class SiteProposalAdmin(DomainAdmin):
    form = SiteProposalForm
    list_display = ["site", "space_request", "stage", "score", "proposed_on", "viewing_on",
                    "let_on", "lost_on", "lost_reason"]  # fmt: skip
    list_filter = ["stage", "lost_reason"]
    list_select_related = ["site", "space_request"]
    search_fields = ["site__name", "space_request__title"]
    date_hierarchy = "proposed_on"
    readonly_fields = ["site", "space_request", "score", "proposed_on", "viewing_on", "let_on",
                       "lost_on", "recorded_by"]  # fmt: skip
    fields = [*readonly_fields, "stage", "on", "lost_reason", "note"]

    def has_add_permission(self, request) -> bool:
        return False  # proposals are made on the match pages

    def save_model(self, request, obj, form, change) -> None:
        stage = form.cleaned_data["stage"]
        before = SiteProposal.objects.get(pk=obj.pk)
        if stage == before.stage:
            obj.save(update_fields=["note", "lost_reason"])
            return
        try:
            site_proposal_advance(
                proposal=before,
                stage=stage,
                by=request.user,
                on=form.cleaned_data["on"],
                lost_reason=form.cleaned_data["lost_reason"],
                note=form.cleaned_data["note"],
            )
        except ValidationError as error:
            self.message_user(request, " ".join(error.messages), messages.ERROR)
            request._proposal_refused = True

    def response_change(self, request, obj):
        if getattr(request, "_proposal_refused", False):
            # the service refused the step: show the form again, without "changed successfully"
            return HttpResponseRedirect(request.path)
        return super().response_change(request, obj)

    # --- The match pages ----------------------------------------------------------------------

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path("site/<int:pk>/", view(self.site_matches_view), name="vacancies_site_matches"),
            path(
                "spacerequest/<int:pk>/",
                view(self.request_matches_view),
                name="vacancies_spacerequest_matches",
            ),
            *super().get_urls(),
        ]

    def _check_may_view(self, request) -> None:
        if not request.user.has_perms(["vacancies.view_site", "vacancies.view_spacerequest"]):
            raise PermissionDenied

    def _propose(self, request, *, space_request, site) -> HttpResponseRedirect:
        if not request.user.has_perm("vacancies.add_siteproposal"):
            raise PermissionDenied
        score = request.POST.get("score", "")
        try:
            site_propose(
                space_request=space_request,
                site=site,
                by=request.user,
                score=int(score) if score.isdigit() else None,
            )
        except ValidationError as error:
            self.message_user(request, " ".join(error.messages), messages.ERROR)
        else:
            self.message_user(
                request,
                gettext("“%(site)s” was proposed for “%(request)s”.")
                % {"site": site.name, "request": space_request.title},
            )
        return HttpResponseRedirect(request.path)

    def site_matches_view(self, request, pk: int):
        self._check_may_view(request)
        site = Site.objects.filter(pk=pk).only("pk", "name", "status", "is_published").first()
        if site is None:
            raise Http404
        if request.method == "POST":
            wanted = SpaceRequest.objects.filter(pk=_posted_id(request, "space_request")).first()
            if wanted is None:
                raise Http404
            return self._propose(request, space_request=wanted, site=site)
        proposed = dict(site.proposals.values_list("space_request_id", "stage"))
        may_see_contact = not privacy.hidden_fields(request.user, SpaceRequest)
        return self._page(
            request,
            title=gettext("Matching space requests for “%(name)s”") % {"name": site.name},
            subject=site,
            change_url=reverse("admin:vacancies_site_change", args=[site.pk]),
            matches=matching.matches_for_site(site=site, limit=PAGE_ROWS),
            near_misses=matching.near_misses_for_site(site=site),
            proposed=proposed,
            rows_are="requests",
            may_see_contact=may_see_contact,
        )

    def request_matches_view(self, request, pk: int):
        self._check_may_view(request)
        wanted = SpaceRequest.objects.filter(pk=pk).only("pk", "title").first()
        if wanted is None:
            raise Http404
        if request.method == "POST":
            site = Site.objects.filter(pk=_posted_id(request, "site")).first()
            if site is None:
                raise Http404
            return self._propose(request, space_request=wanted, site=site)
        proposed = dict(wanted.proposals.values_list("site_id", "stage"))
        return self._page(
            request,
            title=gettext("Matching sites for “%(title)s”") % {"title": wanted.title},
            subject=wanted,
            change_url=_change_url_or_none("admin:vacancies_spacerequest_change", wanted.pk),
            matches=matching.matches_for_request(space_request=wanted, limit=PAGE_ROWS),
            near_misses=matching.near_misses_for_request(space_request=wanted),
            proposed=proposed,
            rows_are="sites",
            may_see_contact=False,
        )

    def _page(self, request, *, proposed: dict, rows_are: str, **context):
        key = "space_request" if rows_are == "requests" else "site"
        for match in [*context["matches"], *context["near_misses"]]:
            row = getattr(match, key)
            stage = proposed.get(row["id"])
            row["proposal_stage"] = ProposalStage(stage).label if stage else ""
        return render(
            request,
            "admin/vacancies/matches.html",
            {
                **self.admin_site.each_context(request),
                **context,
                "opts": self.model._meta,
                "rows_are": rows_are,
                "may_propose": request.user.has_perm("vacancies.add_siteproposal"),
                "stage_labels": dict(ProposalStage.choices),
            },
        )


def _posted_id(request, name: str) -> int | None:
    """A record id from the form, or None for anything else (then 404, never a 500)."""
    value = request.POST.get(name, "")
    return int(value) if value.isdigit() and len(value) < 10 else None


def _change_url_or_none(name: str, pk: int) -> str | None:
    # The request's admin is another part's; the page works without it.
    from django.urls import NoReverseMatch

    try:
        return reverse(name, args=[pk])
    except NoReverseMatch:
        return None

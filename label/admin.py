import csv

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import formats, timezone
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from fabtown import numbers, privacy
from fabtown.admin_base import DomainAdmin
from fabtown.admin_translation import TranslatedDomainAdmin
from fabtown.spreadsheets import neutralise_formula
from label.criteria import check_label_criteria, fee_tier_for
from label.forms import DecisionForm
from label.models import (
    ApplicationStatus,
    FeeTier,
    LabelApplication,
    LabelApplicationPhoto,
    LabelDecision,
    LabelSettings,
    Membership,
    Place,
)
from label.selectors import monthly_fee_total, treasurer_memberships
from label.services import (
    BOARD_DECISIONS,
    TRANSITIONS,
    account_erase,
    application_erase_personal_data,
    label_application_decide,
    membership_renew,
)

OPEN_STATUSES = [ApplicationStatus.SUBMITTED, ApplicationStatus.IN_REVIEW]


class LabelDecisionInline(admin.TabularInline):
    """Decisions are recorded by label.services and never edited (the database refuses, too)."""

    model = LabelDecision
    fields = ["decided_at", "from_status", "to_status", "decided_by_name", "reason"]
    readonly_fields = fields
    extra = 0
    can_delete = False
    verbose_name_plural = _("decisions and status changes")

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def get_formset(self, request, obj=None, **kwargs):
        self.viewer = request.user  # decided_by_name asks who looks
        return super().get_formset(request, obj, **kwargs)

    @admin.display(description=_("decided by"))
    def decided_by_name(self, decision: LabelDecision) -> str:
        if decision.decided_by_id is None:
            return gettext("erased account")
        # the applicant's own submission is a step too: the account is personal data
        return privacy.account_name(decision.decided_by, viewer=self.viewer)


class LabelApplicationPhotoInline(admin.TabularInline):
    model = LabelApplicationPhoto
    fields = ["preview", "description", "uploaded_at"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    @admin.display(description=_("photo"))
    def preview(self, photo: LabelApplicationPhoto) -> str:
        url = reverse("label:application_photo", args=[photo.pk])
        return format_html(
            '<a href="{}"><img src="{}" alt="{}" width="160"></a>', url, url, photo.description
        )


class ApplicationQueueFilter(admin.SimpleListFilter):
    """The board's queue: open applications unless another status is chosen."""

    title = _("queue")
    parameter_name = "queue"

    def lookups(self, request, model_admin):
        return [("all", _("all")), *ApplicationStatus.choices]

    def choices(self, changelist):
        value = self.value() or "open"
        yield {
            "selected": value == "open",
            "query_string": changelist.get_query_string(remove=[self.parameter_name]),
            "display": _("to decide (submitted, in review)"),
        }
        for lookup, title in self.lookup_choices:
            yield {
                "selected": value == str(lookup),
                "query_string": changelist.get_query_string({self.parameter_name: lookup}),
                "display": title,
            }

    def queryset(self, request, queryset):
        value = self.value()
        if value is None:
            return queryset.filter(status__in=OPEN_STATUSES)
        if value == "all":
            return queryset
        return queryset.filter(status=value)


@admin.register(LabelApplication)
class LabelApplicationAdmin(DomainAdmin):
    """The label board's review queue. The application itself is the applicant's text."""

    list_display = ["company_name", "status", "submitted_at", "criteria", "flagged_for_board"]
    list_filter = [ApplicationQueueFilter, "is_founder_or_startup"]
    list_select_related = ["producer"]
    search_fields = ["company_name", "producer__name"]
    ordering = ["submitted_at", "created_at"]
    autocomplete_fields = ["producer"]
    inlines = [LabelApplicationPhotoInline, LabelDecisionInline]
    change_form_template = "admin/label/labelapplication/change_form.html"
    actions = ["erase_applicant"]

    APPLICANT_FIELDS = ["company_name", "producer"]
    CONTACT_FIELDS = [*LabelApplication.CONTACT_FIELDS, "applicant"]
    CRITERIA_FIELDS = list(LabelApplication.CRITERIA_FIELDS)
    TEXT_FIELDS = list(LabelApplication.TEXT_FIELDS)
    STATUS_FIELDS = ["status", "submitted_at", "created_at", "updated_at", "language"]
    # The applicant's personal data (LabelApplication.PRIVATE_FIELDS) are left out for staff
    # without the permission by DomainAdmin, here and in the history.
    fieldsets = [
        (_("Status"), {"fields": STATUS_FIELDS}),
        (_("Automatic criteria check"), {"fields": ["criteria_check", "fee"]}),
        (_("Company and profile"), {"fields": [*APPLICANT_FIELDS, "profile_links"]}),
        (_("Contact (confidential: board and staff only)"), {"fields": CONTACT_FIELDS}),
        (_("Criteria"), {"fields": CRITERIA_FIELDS}),
        (_("Products and quality"), {"fields": TEXT_FIELDS}),
    ]

    def get_readonly_fields(self, request, obj=None):
        everything = [
            *self.STATUS_FIELDS,
            "criteria_check",
            "fee",
            "profile_links",
            "company_name",
            *self.CONTACT_FIELDS,
            "applicant",
            *self.CRITERIA_FIELDS,
            *self.TEXT_FIELDS,
        ]
        # The board may link an existing profile (after checking who applies) until it decides.
        if obj is not None and obj.status in (
            ApplicationStatus.APPROVED,
            ApplicationStatus.REJECTED,
        ):
            everything.append("producer")
        return everything

    def has_add_permission(self, request) -> bool:
        return False  # applications come from the producers' accounts

    @admin.action(
        description=_("Erase the applicant (DSGVO Art. 17)"), permissions=["erase_personal_data"]
    )
    def erase_applicant(self, request, queryset):
        page = self.confirm_erasure(
            request,
            queryset,
            explanation=gettext(
                "The applicants of these applications are erased: their accounts, and in all "
                "their applications and the history the contact, street, texts, photos and map "
                "point. Company, postcode, criteria answers and the board's decisions stay on "
                "record without the person. This cannot be undone."
            ),
        )
        if page is not None:
            return page
        try:
            with transaction.atomic():
                for application in queryset.select_related("applicant"):
                    if application.applicant is not None:
                        account_erase(account=application.applicant, by=request.user)
                    else:
                        application_erase_personal_data(application=application)
                    self.log_change(request, application, gettext("Applicant erased."))
        except ValidationError as error:
            self.message_user(request, " ".join(error.messages), messages.ERROR)
            return None
        self.message_user(request, gettext("The applicants were erased."))
        return None

    def has_delete_permission(self, request, obj=None) -> bool:
        return False  # personal data go by the retention job; decisions stay on record

    @admin.display(description=_("criteria"))
    def criteria(self, application: LabelApplication) -> str:
        results = check_label_criteria(application=application)
        met = sum(r.met for r in results)
        return f"{met}/{len(results)}"

    @admin.display(description=_("for the board"), boolean=True)
    def flagged_for_board(self, application: LabelApplication) -> bool:
        return any(r.for_the_board for r in check_label_criteria(application=application))

    @admin.display(description=_("result"))
    def criteria_check(self, application: LabelApplication) -> str:
        results = check_label_criteria(application=application)
        return format_html(
            '<ul class="criteria-results">{}</ul>',
            format_html_join(
                "",
                '<li class="{}"><strong>{}</strong> {} {}</li>',
                (
                    (
                        "met" if r.met else "missing",
                        gettext("met:") if r.met else gettext("missing:"),
                        r.message,
                        gettext("(the board decides)") if r.for_the_board else "",
                    )
                    for r in results
                ),
            ),
        )

    @admin.display(description=_("monthly fee"))
    def fee(self, application: LabelApplication) -> str:
        tier = fee_tier_for(employees=application.company_size or 0)
        if tier is None:
            return "–"
        return f"{numbers.money(tier.monthly_fee_eur)} ({tier.name})"

    @admin.display(description=_("profile"))
    def profile_links(self, application: LabelApplication) -> str:
        producer = application.producer
        if producer is None:
            if application.location is None:
                return gettext(
                    "New company: approval creates and publishes its profile, without a marker "
                    "on the map until staff place it."
                )
            return gettext("New company: approval creates and publishes its profile.")
        change = reverse("admin:producers_producer_change", args=[producer.pk])
        history = reverse("admin:producers_producer_history", args=[producer.pk])
        return format_html(
            '<a href="{}">{}</a> · <a href="{}">{}</a>',
            change,
            producer.name,
            history,
            gettext("history of the profile"),
        )

    # --- The decision page -----------------------------------------------------------------

    def get_urls(self):
        decide = self.admin_site.admin_view(self.decide_view)
        return [
            path("<int:pk>/decide/", decide, name="label_labelapplication_decide"),
            *super().get_urls(),
        ]

    @staticmethod
    def decision_choices(application: LabelApplication) -> list[tuple[str, str]]:
        allowed = TRANSITIONS[application.status] & BOARD_DECISIONS
        order = [
            ApplicationStatus.IN_REVIEW,
            ApplicationStatus.APPROVED,
            ApplicationStatus.NEEDS_INFORMATION,
            ApplicationStatus.REJECTED,
        ]
        return [(status.value, status.label) for status in order if status in allowed]

    def change_view(self, request, object_id, form_url="", extra_context=None):
        extra_context = extra_context or {}
        application = self.get_object(request, object_id)
        if application is not None and request.user.has_perm("label.decide_labelapplication"):
            extra_context["can_decide"] = bool(self.decision_choices(application))
        return super().change_view(request, object_id, form_url, extra_context)

    def decide_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        if not request.user.has_perm("label.decide_labelapplication"):
            raise PermissionDenied
        application = get_object_or_404(LabelApplication, pk=pk)
        choices = self.decision_choices(application)
        form = DecisionForm(request.POST or None, choices=choices)
        change_url = reverse("admin:label_labelapplication_change", args=[pk])
        if request.method == "POST" and form.is_valid():
            try:
                label_application_decide(
                    application=application,
                    by=request.user,
                    decision=form.cleaned_data["decision"],
                    reason=form.cleaned_data["reason"],
                )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                self.message_user(
                    request,
                    gettext("Decision recorded: %(status)s. The applicant is told by e-mail.")
                    % {"status": application.get_status_display()},
                    messages.SUCCESS,
                )
                return HttpResponseRedirect(change_url)
        context = {
            **self.admin_site.each_context(request),
            "title": gettext("Decide on the application of %(company)s")
            % {"company": application.company_name},
            "application": application,
            "results": check_label_criteria(application=application),
            "form": form,
            "change_url": change_url,
            "opts": self.opts,
        }
        return TemplateResponse(request, "admin/label/labelapplication/decide.html", context)


@admin.register(FeeTier)
class FeeTierAdmin(TranslatedDomainAdmin):
    list_display = ["name", "min_employees", "max_employees", "monthly_fee_eur"]


@admin.register(Place)
class PlaceAdmin(TranslatedDomainAdmin):
    """The association's shop (and later other places of the network) on the public site."""

    list_display = ["name", "kind", "street", "is_published", "location_is_approximate"]
    list_filter = ["kind", "is_published"]
    search_fields = ["name", "street", "description"]
    prepopulated_fields = {"slug": ["name"]}
    fieldsets = [
        (None, {"fields": ["name", "slug", "kind", "operator", "is_published", "description"]}),
        (_("Location and contact"), {"fields": [
            "street", ("postcode", "city"), "location", "location_is_approximate",
            "opening_hours",
        ]}),
        (_("Source"), {"fields": ["source"]}),
    ]  # fmt: skip


@admin.register(Membership)
class MembershipAdmin(DomainAdmin):
    list_display = [
        "producer",
        "kind",
        "valid_from",
        "valid_until",
        "fee_tier",
        "is_current_now",
        "revoked_at",
    ]
    list_filter = ["kind", "fee_tier"]
    list_select_related = ["producer", "fee_tier"]
    search_fields = ["producer__name"]
    autocomplete_fields = ["producer"]
    readonly_fields = ["public_id", "application", "reminder_sent_at", "expiry_notified_at"]
    actions = ["renew"]
    change_list_template = "admin/label/membership/change_list.html"

    @admin.display(description=_("current"), boolean=True)
    def is_current_now(self, membership: Membership) -> bool:
        return membership.is_current()

    @admin.action(
        description=_("Renew the selected memberships for one year"), permissions=["change"]
    )
    def renew(self, request: HttpRequest, queryset: QuerySet[Membership]) -> None:
        renewed = 0
        for membership in queryset:
            try:
                membership_renew(membership=membership, by=request.user)
                renewed += 1
            except ValidationError as error:
                self.message_user(request, f"{membership}: {error.messages[0]}", messages.ERROR)
        self.message_user(
            request,
            ngettext(
                "%(count)s membership was renewed for one year.",
                "%(count)s memberships were renewed for one year.",
                renewed,
            )
            % {"count": renewed},
        )

    def get_urls(self):
        export = self.admin_site.admin_view(self.treasurer_export)
        return [
            path("treasurer.csv", export, name="label_membership_treasurer"),
            *super().get_urls(),
        ]

    def treasurer_export(self, request: HttpRequest) -> HttpResponse:
        """Current members with tier and monthly fee, and the month's total, for the treasurer.

        Semicolons and decimal commas, as German spreadsheet programs read CSV; no contact data.
        """
        if not request.user.has_perm("label.export_treasurer_list"):
            raise PermissionDenied
        today = timezone.localdate()
        memberships = list(treasurer_memberships(on=today))
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        filename = f"bybochum-beitraege-{today:%Y-%m}.csv"
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        response.write("\ufeff")  # spreadsheet programs then read UTF-8
        writer = csv.writer(response, delimiter=";")
        writer.writerow(
            [
                gettext("member"),
                gettext("kind"),
                gettext("valid from"),
                gettext("valid until"),
                gettext("fee tier"),
                gettext("monthly fee (€)"),
            ]
        )
        for m in memberships:
            # names are typed by applicants and staff; dates and fees are formatted here
            writer.writerow(
                [
                    neutralise_formula(m.producer.name),
                    m.get_kind_display(),
                    m.valid_from.isoformat(),
                    m.valid_until.isoformat() if m.valid_until else "",
                    neutralise_formula(m.fee_tier.name) if m.fee_tier else "",
                    _euro(m.fee_tier.monthly_fee_eur) if m.fee_tier else "",
                ]
            )
        writer.writerow(
            [
                gettext("total %(month)s") % {"month": f"{today:%Y-%m}"},
                "",
                "",
                "",
                "",
                _euro(monthly_fee_total(memberships)),
            ]
        )
        return response


def _euro(amount) -> str:
    return formats.number_format(amount, decimal_pos=2, use_l10n=False).replace(".", ",")


@admin.register(LabelSettings)
class LabelSettingsAdmin(DomainAdmin):
    """One row of periods; the list goes straight to it."""

    def has_add_permission(self, request) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    def changelist_view(self, request, extra_context=None):
        settings_row = LabelSettings.load()
        return HttpResponseRedirect(
            reverse("admin:label_labelsettings_change", args=[settings_row.pk])
        )

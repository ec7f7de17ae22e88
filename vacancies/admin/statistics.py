"""Staff side of the vacancy statistics: the counts of commercial units (the rate's
denominator), surveys outside the cadastre, and the statistics page with charts, tables and a
CSV download (`/admin/vacancies/statistics/`)."""

import csv
import datetime

from django import forms
from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.utils import formats, timezone
from django.utils.translation import gettext, pgettext
from django.utils.translation import gettext_lazy as _

from fabtown.admin_base import DomainAdmin
from vacancies.models import Site, UnitCount, VacancySurvey
from vacancies.selectors.statistics import (
    MAX_PERIOD_DAYS,
    StatisticsReport,
    default_period,
    public_chart_data,
    statistics_date_problem,
    statistics_report,
)

VIEW_PERMISSION = "vacancies.view_site"


@admin.register(UnitCount)
class UnitCountAdmin(DomainAdmin):
    list_display = ["where", "units", "counted_on", "source"]
    list_filter = ["search_area"]
    date_hierarchy = "counted_on"
    fields = ["search_area", "units", "counted_on", "source"]
    list_select_related = ["search_area"]

    @admin.display(description=_("where"), ordering="search_area__name_de")
    def where(self, count: UnitCount) -> str:
        return str(count.search_area) if count.search_area else gettext("Bochum (whole city)")


@admin.register(VacancySurvey)
class VacancySurveyAdmin(DomainAdmin):
    list_display = ["territory", "vacant", "is_minimum", "surveyed_on", "date_is_approximate"]
    date_hierarchy = "surveyed_on"


class PeriodForm(forms.Form):
    on = forms.DateField(label=_("as of"), required=False, widget=forms.DateInput(
        attrs={"type": "date"}, format="%Y-%m-%d"))  # fmt: skip
    start = forms.DateField(label=_("period from"), required=False, widget=forms.DateInput(
        attrs={"type": "date"}, format="%Y-%m-%d"))  # fmt: skip
    end = forms.DateField(label=_("period to"), required=False, widget=forms.DateInput(
        attrs={"type": "date"}, format="%Y-%m-%d"))  # fmt: skip

    def clean(self):
        data = super().clean()
        for name in ("on", "start", "end"):
            problem = data.get(name) and statistics_date_problem(data[name])
            if problem:
                self.add_error(name, problem)
                data.pop(name, None)
        start, end = data.get("start"), data.get("end")
        if start and end and abs((end - start).days) > MAX_PERIOD_DAYS:
            self.add_error("end", _("Choose a period of at most 30 years."))
            data.pop("end", None)
        return data

    def dates(self) -> tuple[datetime.date, datetime.date, datetime.date]:
        """(as of, period start, period end); what is missing or wrong takes the default."""
        data = self.cleaned_data if self.is_valid() else {}
        on = data.get("on") or timezone.localdate()
        start, end = default_period(on=on)
        start, end = data.get("start") or start, data.get("end") or end
        if start > end:
            start, end = end, start
        return on, start, end


def _number(value, places: int = 0) -> str:
    """German (or the active language's) number format: 1.234,5."""
    if value is None:
        return ""
    return formats.number_format(value, places, use_l10n=True, force_grouping=True)


def _csv_rows(report: StatisticsReport):
    """One long table: section, item, measure, value. Only counts, no site or person."""
    overview = report.overview
    for place in [overview.city, *overview.areas]:
        item = place.slug or "bochum"
        yield "vacancy", item, gettext("name"), place.name
        yield "vacancy", item, gettext("commercial units"), _number(place.units)
        yield "vacancy", item, gettext("counted on"), place.counted_on or ""
        yield "vacancy", item, gettext("vacant units"), _number(place.vacant)
        rate = place.rate_percent
        yield "vacancy", item, gettext("vacancy rate (%)"), _number(rate, 2)
        yield "vacancy", item, gettext("reserve (%)"), _number(overview.reserve_percent, 1)
    for survey in report.surveys:
        yield "survey", survey.surveyed_on, survey.territory, _number(survey.vacant)
    for day, counts in report.mix.rows():
        for (_value, label), count in zip(report.mix.statuses, counts, strict=True):
            yield "status_mix", day, label, _number(count)
    durations = report.durations
    yield "vacancy_duration", "closed", gettext("spells"), _number(durations.closed)
    yield "vacancy_duration", "closed", gettext("average days"), _number(durations.closed_days, 1)
    yield "vacancy_duration", "open", gettext("spells"), _number(durations.open)
    yield "vacancy_duration", "open", gettext("average days"), _number(durations.open_days, 1)
    yield "vacancy_duration", "all", gettext("average days"), _number(durations.all_days, 1)
    for year in report.interim_years:
        yield "interim_uses", year.year, pgettext("interim uses", "started"), _number(year.started)
        yield "interim_uses", year.year, pgettext("interim uses", "running"), _number(year.running)
    funnel = report.funnel
    for label, count in funnel.steps:
        yield "funnel", label, gettext("count"), _number(count)
    yield "funnel", gettext("lost"), gettext("count"), _number(funnel.lost)
    for _value, label, count in funnel.lost_reasons:
        yield "lost_reasons", label, gettext("count"), _number(count)
    yield "relet", gettext("lettings after vacancy"), gettext("count"), _number(funnel.relets)
    yield "relet", gettext("time to re-let"), gettext("average days"), _number(funnel.relet_days, 1)
    yield (
        "relet",
        gettext("time to re-let"),
        gettext("median days"),
        _number(funnel.relet_median_days, 1),
    )


def _csv(report: StatisticsReport) -> HttpResponse:
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    filename = f"leerstand-statistik-{report.on.isoformat()}.csv"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.write("\ufeff")  # spreadsheet programs then read UTF-8
    writer = csv.writer(response, delimiter=";")
    writer.writerow(
        [
            gettext("section"),
            gettext("item"),
            pgettext("statistics table", "measure"),
            gettext("value"),
        ]
    )
    for row in _csv_rows(report):
        # every cell is a label of ours, a number or a date: nothing a visitor typed
        writer.writerow([str(cell) for cell in row])
    return response


def chart_data(report: StatisticsReport) -> dict:
    """What statistics-charts.js draws: labels translated here, numbers as JSON numbers."""
    overview = report.overview
    return {
        "rate": public_chart_data(overview),
        "mix": {
            "labels": [formats.date_format(day, "SHORT_DATE_FORMAT") for day in report.mix.days],
            "datasets": [
                {"label": label, "data": report.mix.counts[value]}
                for value, label in report.mix.statuses
            ],
        },
        "interim": {
            "labels": [str(year.year) for year in report.interim_years],
            "datasets": [
                {
                    "label": pgettext("interim uses", "started"),
                    "data": [y.started for y in report.interim_years],
                },
                {
                    "label": pgettext("interim uses", "running"),
                    "data": [y.running for y in report.interim_years],
                },
            ],
        },
        "funnel": {
            "labels": [label for label, _count in report.funnel.steps],
            "data": [count for _label, count in report.funnel.steps],
            "label": gettext("count"),
        },
    }


def vacancy_statistics_view(request: HttpRequest) -> HttpResponse:
    if not request.user.has_perm(VIEW_PERMISSION):
        raise PermissionDenied
    form = PeriodForm(request.GET or None)
    on, start, end = form.dates()
    report = statistics_report(on=on, start=start, end=end)
    if request.GET.get("format") == "csv":
        return _csv(report)
    query = request.GET.copy()
    query["format"] = "csv"
    context = {
        **admin.site.each_context(request),
        "title": gettext("Vacancy statistics"),
        "opts": Site._meta,
        "form": form,
        "report": report,
        "charts": chart_data(report),
        "csv_query": query.urlencode(),
    }
    return TemplateResponse(request, "admin/vacancies/statistics.html", context)


vacancy_statistics = admin.site.admin_view(vacancy_statistics_view)

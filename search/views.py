from urllib.parse import urlencode

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.formats import number_format
from django.utils.translation import ngettext
from django.views.decorators.http import require_safe

from fabtown.answers import cache_anonymous_answer
from search.forms import SearchForm
from search.models import Kind
from search.selectors import search

PAGE_PARAM = "page_{}"  # each kind pages on its own: ?q=…&page_producer=2


@require_safe
@cache_anonymous_answer
def results(request: HttpRequest) -> HttpResponse:
    form = SearchForm(request.GET if "q" in request.GET else None)
    context = {"form": form, "search": request.GET.get("q", "")[:200], "results": None}
    status = 200
    if form.is_bound:
        if form.is_valid():
            pages = {kind: request.GET.get(PAGE_PARAM.format(kind)) for kind in Kind.values}
            found = search(query=form.cleaned_data["q"], pages=pages)
            context["results"] = found
            if found.suggestion:
                context["suggestion_url"] = (
                    reverse("search:results") + "?" + urlencode({"q": found.suggestion})
                )
            context["groups"] = [
                {
                    "group": group,
                    "heading": Kind(kind).label,
                    "count": count_text(kind, group.count),
                    "param": PAGE_PARAM.format(kind),
                    "others": _params_without(request, PAGE_PARAM.format(kind)),
                }
                for kind, group in found.groups.items()
            ]
        elif "q" in form.errors and request.GET.get("q", "").strip():
            status = 400  # too long or no word: said on the page, as a field error
    return render(request, "search/results.html", context, status=status)


def count_text(kind: str, count: int) -> str:
    if kind == Kind.PRODUCER:
        text = ngettext("%(count)s producer", "%(count)s producers", count)
    elif kind == Kind.SITE:
        text = ngettext("%(count)s site on offer", "%(count)s sites on offer", count)
    else:
        text = ngettext("%(count)s measure", "%(count)s measures", count)
    return text % {"count": number_format(count, force_grouping=True)}


def _params_without(request: HttpRequest, name: str) -> str:
    params = request.GET.copy()
    params.pop(name, None)
    return params.urlencode()

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from label.selectors import current_label_memberships, fee_tiers


@require_GET
def about(request: HttpRequest) -> HttpResponse:
    context = {"memberships": current_label_memberships(), "fee_tiers": fee_tiers()}
    return render(request, "label/about.html", context)

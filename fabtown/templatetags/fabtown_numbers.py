"""Template filters for fabtown.numbers: {{ fee|money }}, {{ site.floor_area_m2|area }},
{{ rate|percent }}."""

from django import template

from fabtown import numbers

register = template.Library()


@register.filter
def money(amount) -> str:
    return numbers.money(amount)


@register.filter
def area(square_metres) -> str:
    return numbers.area(square_metres)


@register.filter
def percent(value, places=1) -> str:
    return numbers.percent(value, int(places))

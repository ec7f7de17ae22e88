import json

from django.utils.safestring import SafeString, mark_safe

_ESCAPES = {ord("<"): "\\u003c", ord(">"): "\\u003e", ord("&"): "\\u0026"}


def json_ld(data: dict) -> SafeString:
    """JSON for a <script type="application/ld+json"> element, safe against closing tags."""
    return mark_safe(json.dumps(data, ensure_ascii=False).translate(_ESCAPES))

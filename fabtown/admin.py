from axes.models import AccessFailureLog, AccessLog
from django.contrib import admin

from fabtown.models import AccessibilityFeedback


@admin.register(AccessibilityFeedback)
class AccessibilityFeedbackAdmin(admin.ModelAdmin):
    list_display = ["created_at", "page", "handled"]
    list_filter = ["handled"]
    search_fields = ["message", "page"]
    readonly_fields = ["created_at", "page", "message", "email"]


# django-axes: staff see (and clear, to unlock an account) the current failed sign-ins. Its
# logs of every sign-in are switched off (settings.AXES_DISABLE_ACCESS_LOG), so their lists go.
admin.site.unregister(AccessLog)
admin.site.unregister(AccessFailureLog)

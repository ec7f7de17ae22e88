from django.contrib import admin

from fabtown.models import AccessibilityFeedback


@admin.register(AccessibilityFeedback)
class AccessibilityFeedbackAdmin(admin.ModelAdmin):
    list_display = ["created_at", "page", "handled"]
    list_filter = ["handled"]
    search_fields = ["message", "page"]
    readonly_fields = ["created_at", "page", "message", "email"]

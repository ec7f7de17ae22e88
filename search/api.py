"""`GET /api/v1/search/?q=`: the site's search (search.selectors) as JSON, for anyone.

Throttled like the other public reads (the default throttles) and cached like them."""

from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import permissions, serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from fabtown.api import CachedAnonymousReadsMixin
from search.models import Kind
from search.selectors import MAX_QUERY_LENGTH, search, words_of

API_PAGE_SIZE = 20


class SearchParamsSerializer(serializers.Serializer):
    q = serializers.CharField(max_length=MAX_QUERY_LENGTH, help_text="The words to search for.")
    kind = serializers.ChoiceField(
        choices=Kind.choices, required=False, help_text="Only this kind; left out: all kinds."
    )
    page = serializers.IntegerField(
        min_value=1, max_value=10_000, required=False, default=1, help_text="Page of each group."
    )

    def validate_q(self, value: str) -> str:
        if not words_of(value):
            raise serializers.ValidationError(_("Enter a word to search for."))
        return value


class SearchHitSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    kind = serializers.ChoiceField(choices=Kind.choices)
    title = serializers.CharField()
    snippet_language = serializers.CharField(help_text="Language of the snippet's text (de, en).")
    url = serializers.CharField(help_text="The public page (path).")
    snippet = serializers.CharField(help_text="HTML: the matched words in <mark>, else escaped.")


class SearchGroupSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=Kind.choices)
    count = serializers.IntegerField(help_text="All results of this kind.")
    page = serializers.IntegerField()
    pages = serializers.IntegerField()
    results = SearchHitSerializer(many=True)


class SearchResultsSerializer(serializers.Serializer):
    q = serializers.CharField()
    suggestion = serializers.CharField(
        help_text="When the words as typed found nothing: the nearest known words (“Kaffee” for "
        "“Kafee”); the results are then those of the corrected words. Else empty."
    )
    count = serializers.IntegerField(help_text="All results of all groups.")
    groups = SearchGroupSerializer(many=True)


class SearchView(CachedAnonymousReadsMixin, APIView):
    permission_classes = [permissions.AllowAny]

    @extend_schema(
        summary="Search producers, sites on offer and measures",
        description=(
            "German full-text search with prefixes (“Kaffeeröst” finds “Kaffeerösterei”) and "
            "typo correction by trigram similarity. Results grouped by kind, each group counted "
            f"and paged ({API_PAGE_SIZE} a page). Only public records and public fields."
        ),
        parameters=[SearchParamsSerializer],
        responses=SearchResultsSerializer,
        tags=["search"],
    )
    def get(self, request):
        params = SearchParamsSerializer(data=request.query_params)
        params.is_valid(raise_exception=True)
        data = params.validated_data
        kinds = [data["kind"]] if data.get("kind") else None
        found = search(
            query=data["q"],
            kinds=kinds,
            pages=dict.fromkeys(kinds or Kind.values, data["page"]),
            page_size=API_PAGE_SIZE,
        )
        groups = []
        for kind, group in found.groups.items():
            page = group.page
            groups.append(
                {
                    "kind": kind,
                    "count": group.count,
                    "page": page.number if page else 1,
                    "pages": page.paginator.num_pages if page else 0,
                    "results": [vars(hit) for hit in page.object_list] if page else [],
                }
            )
        body = {
            "q": data["q"],
            "suggestion": found.suggestion,
            "count": found.total,
            "groups": groups,
        }
        return Response(SearchResultsSerializer(body).data)

"""The search over producers, sites on offer and measures (search.documents says what is read).

Every typed word is a prefix of a word of the text after German stemming ("Kaffeeröst" finds
"Kaffeerösterei", "Geigen" finds "Geigenbau"), never a part in the middle ("Eis" does not find
"Geigenbaumeister"); all words must match. When that finds nothing, each word also stands for
the known words most like it by trigram similarity (pg_trgm: "Kafee" → "Kaffee"), and the
nearest ones are offered as "Did you mean …?". Results are ranked by the German full-text rank
(title before names before texts). Trigram similarity is for typos only: ranking thousands of
matches by it cost ten times the rest of the search at 10,000 producers (make bench).

Queries: one for the counts of all kinds, then per kind shown one for its page and one for its
rows (titles, addresses) — as many for 1 result as for 10,000; two more when it corrects.
"""

import re
from dataclasses import dataclass, field

from django.contrib.postgres.search import SearchQuery, SearchRank
from django.core.paginator import Page, Paginator
from django.db import connection
from django.db.models import Count, F, OuterRef, Subquery
from django.utils import translation
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from search.documents import KINDS
from search.models import Kind, SearchDocument, SearchWord

MAX_QUERY_LENGTH = 100
MAX_WORDS = 8
PAGE_SIZE = 10
# Words of letters and digits; a measure's code ("4.2.1") stays one word, as PostgreSQL's parser
# keeps it.
WORDS = re.compile(r"\d+(?:\.\d+)+|[^\W_]+")
# How like a known word a typed one must be to stand for it (pg_trgm's similarity, 0…1), and
# how many known words one typed word may stand for.
MIN_SIMILARITY = 0.35
ALTERNATIVES = 3
# A snippet: this many words of the row's text, from a few words before the first match.
SNIPPET_WORDS = 25
# A word's leading punctuation, its letters and digits, its trailing punctuation.
_PUNCTUATION = re.compile(r"^(\W*)(.*?)(\W*)$", re.S)


@dataclass
class Hit:
    id: int
    kind: str
    title: str
    url: str
    snippet: SafeString
    # The language of the snippet's text ("de" for what producers and the office wrote, which
    # has no English version): pages mark it (WCAG 3.1.2).
    snippet_language: str = ""


@dataclass
class Group:
    kind: str
    count: int
    page: Page | None = None


@dataclass
class Results:
    query: str
    groups: dict[str, Group] = field(default_factory=dict)
    suggestion: str = ""  # "Kaffee" for "Kafee", when the words as typed found nothing

    @property
    def total(self) -> int:
        return sum(group.count for group in self.groups.values())


def words_of(query: str) -> list[str]:
    return WORDS.findall(query)[:MAX_WORDS]


def _tsquery(alternatives: list[list[str]]) -> SearchQuery:
    # Only letters, digits and dots between digits reach the raw tsquery (WORDS), so its syntax
    # cannot be injected.
    terms = ["(" + " | ".join(f"{word}:*" for word in words) + ")" for words in alternatives]
    return SearchQuery(" & ".join(terms), config="german", search_type="raw")


def _matching(query: SearchQuery, kinds: list[str]):
    return SearchDocument.objects.filter(kind__in=kinds, vector=query)


def corrections(words: list[str]) -> list[list[tuple[str, str]]]:
    """For each word, the known words most like it: [(word, as written), …] best first.

    Like as a whole (trigram similarity, GIN index: "Kafee" → "Kaffee") or like in its
    beginning, for compounds ("Kafee" → "Kaffeerösterei": the known word cut to the typed
    word's length and one more letter); the latter only among words of the same first letter
    (B-tree prefix index), as people seldom mistype the first one. Never the middle of a word:
    "meister" does not become "Geigenbaumeister"."""
    table = SearchWord._meta.db_table
    score = "greatest(similarity(word, t.w), similarity(left(word, length(t.w) + 1), t.w))"
    sql = f"""
        SELECT t.n, known.word, known.display
        FROM unnest(%s::text[]) WITH ORDINALITY AS t(w, n)
        CROSS JOIN LATERAL (
            SELECT word, display, {score} AS score FROM {table}
            WHERE (word %% t.w OR word LIKE left(t.w, 1) || '%%') AND {score} >= %s
            ORDER BY score DESC, length(word), word
            LIMIT %s
        ) AS known
        ORDER BY t.n, known.score DESC, length(known.word), known.word
    """
    found: list[list[tuple[str, str]]] = [[] for _ in words]
    with connection.cursor() as cursor:
        cursor.execute(sql, [[word.lower() for word in words], MIN_SIMILARITY, ALTERNATIVES])
        for n, word, display in cursor.fetchall():
            found[n - 1].append((word, display))
    return found


def ranked_matches(queryset, *, kind: str, query: str):
    """`queryset` (rows of `kind`) narrowed to those whose document matches every word of
    `query` as typed (prefixes, German stemming), annotated with `rank`: the directory's and
    the API's own search, combined there with their filters."""
    words = words_of(query)
    if not words:
        return queryset
    documents = SearchDocument.objects.filter(kind=kind, vector=_tsquery([[w] for w in words]))
    rank = documents.filter(object_id=OuterRef("pk")).annotate(
        rank=SearchRank(F("vector"), _tsquery([[w] for w in words]))
    )
    return queryset.filter(pk__in=documents.values("object_id")).annotate(
        rank=Subquery(rank.values("rank")[:1])
    )


def search(
    *,
    query: str,
    kinds: list[str] | None = None,
    pages: dict[str, int | str] | None = None,
    page_size: int = PAGE_SIZE,
) -> Results:
    """The results of `query` for each of `kinds` (default all), each on its own page."""
    kinds = kinds or list(KINDS)
    words = words_of(query)
    results = Results(query=query)
    if not words:
        results.groups = {kind: Group(kind=kind, count=0) for kind in kinds}
        return results
    tsquery = _tsquery([[word] for word in words])
    prefixes = list(words)
    counts = _counts(tsquery, kinds)
    if not any(counts.values()):
        known = corrections(words)
        if any(known):
            tsquery = _tsquery(
                [[word, *(w for w, _d in alts)] for word, alts in zip(words, known, strict=True)]
            )
            counts = _counts(tsquery, kinds)
            prefixes += [w for alts in known for w, _d in alts]
            suggestion = " ".join(
                alts[0][1] if alts else word for word, alts in zip(words, known, strict=True)
            )
            # offered only where it leads somewhere
            if any(counts.values()) and suggestion.lower() != " ".join(words).lower():
                results.suggestion = suggestion
    for kind in kinds:
        group = Group(kind=kind, count=counts[kind])
        if group.count:
            group.page = _page(
                kind, tsquery, group.count, (pages or {}).get(kind), page_size, prefixes
            )
        results.groups[kind] = group
    return results


def _counts(tsquery: SearchQuery, kinds: list[str]) -> dict[str, int]:
    rows = _matching(tsquery, kinds).values("kind").annotate(n=Count("pk")).order_by()
    counts = dict.fromkeys(kinds, 0)
    counts.update({row["kind"]: row["n"] for row in rows})
    return counts


def _page(kind, tsquery, count, number, page_size, prefixes: list[str]) -> Page:
    ranked = (
        SearchDocument.objects.filter(kind=kind, vector=tsquery)
        .annotate(
            rank=SearchRank(F("vector"), tsquery),
        )
        .order_by("-rank", "object_id")
        .values_list("object_id", flat=True)
    )
    paginator = Paginator(ranked, page_size)
    paginator.count = count  # a cached_property: set, the paginator sends no COUNT
    page = paginator.get_page(number)
    ids = list(page.object_list)
    spec = KINDS[kind]
    # Only rows public now: a document that a write without signals left behind (e.g. a site
    # withdrawn by QuerySet.update, before rebuild_search_index) is never shown.
    rows = spec.public_rows().in_bulk(ids)
    page.object_list = [_hit(spec, rows[pk], prefixes) for pk in ids if pk in rows]
    return page


def _hit(spec, row, prefixes: list[str]) -> Hit:
    # The snippet comes from the row in the page's language (modeltranslation falls back to
    # German), not from the document, which holds both languages side by side.
    text = getattr(row, "description", "") or ""
    language = translation.get_language() or "de"
    if not getattr(row, f"description_{language}", None):  # not translated, or German shown
        language = "de"
    return Hit(
        id=row.pk,
        kind=spec.kind,
        title=getattr(row, spec.title),
        url=spec.url(row),
        snippet=_snippet(text, prefixes),
        snippet_language=language,
    )


def _snippet(text: str, prefixes: list[str]) -> SafeString:
    """SNIPPET_WORDS words of `text` around the first word beginning with a typed word (or a
    correction), those words in <mark>; everything else escaped."""
    words = text.split()
    lowered = [prefix.lower() for prefix in prefixes]

    def parts(word: str) -> tuple[str, str, str]:
        match = _PUNCTUATION.match(word)
        return match.group(1), match.group(2), match.group(3)

    def matches(word: str) -> bool:
        core = parts(word)[1].lower()
        return bool(core) and any(core.startswith(prefix) for prefix in lowered)

    def marked(word: str) -> str:
        lead, core, trail = parts(word)
        return f"{escape(lead)}<mark>{escape(core)}</mark>{escape(trail)}"

    first = next((n for n, word in enumerate(words) if matches(word)), 0)
    start = max(0, first - 6)
    chunk = words[start : start + SNIPPET_WORDS]
    html = " ".join(marked(w) if matches(w) else str(escape(w)) for w in chunk)
    before = "… " if start else ""
    after = " …" if start + SNIPPET_WORDS < len(words) else ""
    return mark_safe(before + html + after)


KIND_ORDER = [Kind.PRODUCER, Kind.SITE, Kind.MEASURE]

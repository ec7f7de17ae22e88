"""Keeps the search documents current.

Model signals, as fabtown.answers does for its cache: producers, sites and measures are written
by services, the admin (inlines, import/export) and seeds alike, and a category renamed in the
admin must reach the documents of its producers however it was saved. Writes that send no
signals (bulk_create, QuerySet.update: the synthetic region, load_bochum_data) call
`rebuild_documents()` afterwards (`manage.py rebuild_search_index`). The documents are written
in the same transaction as the row, so a rolled-back save leaves no trace in the search either.
"""

import re
from collections.abc import Iterable

from django.db import transaction
from django.db.models import signals

from fabtown.answers import content_changed
from search.documents import KINDS, WEIGHTS, KindSpec, rows_for_documents, texts_of
from search.models import SearchDocument, SearchWord

WORD = re.compile(r"[^\W\d_]{3,}")  # letters only, at least 3: what a suggestion may name
MAX_WORD = SearchWord._meta.get_field("word").max_length
BATCH = 2000


def refresh_documents(*, kind: str, ids: Iterable[int]) -> None:
    """Writes the documents of `ids` (rows no longer public lose theirs)."""
    spec = KINDS[kind]
    ids = set(ids)
    if not ids:
        return
    documents = _documents(spec, rows_for_documents(spec, ids))
    SearchDocument.objects.filter(kind=kind, object_id__in=ids).exclude(
        object_id__in=[d.object_id for d in documents]
    ).delete()
    _save(documents)


@transaction.atomic
def rebuild_documents(*, kinds: Iterable[str] | None = None) -> dict[str, int]:
    """Every document and the word list from scratch; returns the count per kind."""
    counts: dict[str, int] = {}
    kinds = list(kinds or KINDS)
    SearchDocument.objects.filter(kind__in=kinds).delete()
    if set(kinds) == set(KINDS):
        SearchWord.objects.all().delete()  # words of texts that are gone go too
    for kind in kinds:
        spec = KINDS[kind]
        counts[kind] = 0
        rows = rows_for_documents(spec)
        for start in range(0, rows.count(), BATCH):
            documents = _documents(spec, rows[start : start + BATCH])
            _save(documents)
            counts[kind] += len(documents)
    content_changed()  # cached answers of the search pages and API
    return counts


def ensure_documents() -> dict[str, int]:
    """Rebuilds the kinds whose number of documents differs from their public rows: after
    writes without signals (the synthetic region) and in a database older than the search."""
    stale = [
        kind
        for kind, spec in KINDS.items()
        if SearchDocument.objects.filter(kind=kind).count() != spec.public_rows().count()
    ]
    return rebuild_documents(kinds=stale) if stale else {}


def _documents(spec: KindSpec, rows) -> list[SearchDocument]:
    documents = []
    for row in rows:
        texts = texts_of(spec, row)
        documents.append(
            SearchDocument(
                kind=spec.kind,
                object_id=row.pk,
                **{f"text_{weight.lower()}": texts[weight] for weight in WEIGHTS},
            )
        )
    return documents


def _save(documents: list[SearchDocument]) -> None:
    if not documents:
        return
    SearchDocument.objects.bulk_create(
        documents,
        update_conflicts=True,
        unique_fields=["kind", "object_id"],
        update_fields=["text_a", "text_b", "text_c", "updated_at"],
        batch_size=BATCH,
    )
    words: dict[str, str] = {}
    for document in documents:
        for text in (document.text_a, document.text_b, document.text_c):
            for word in WORD.findall(text):
                if len(word) <= MAX_WORD:
                    words.setdefault(word.lower(), word)
    SearchWord.objects.bulk_create(
        [SearchWord(word=word, display=display) for word, display in words.items()],
        ignore_conflicts=True,
        batch_size=5000,
    )


# --- Signals ----------------------------------------------------------------------------------


def _on_save(sender, instance, **kwargs) -> None:
    for spec in KINDS.values():
        if sender is spec.model:
            refresh_documents(kind=spec.kind, ids=[instance.pk])


def _on_delete(sender, instance, **kwargs) -> None:
    for spec in KINDS.values():
        if sender is spec.model:
            SearchDocument.objects.filter(kind=spec.kind, object_id=instance.pk).delete()


def _dependants(spec: KindSpec, related_model) -> list[str]:
    """The relation paths of `spec` that end at `related_model` ("category__parent")."""
    paths = []
    for path in spec.relations():
        model = spec.model
        for part in path.split("__"):
            model = model._meta.get_field(part).related_model
        if model is related_model:
            paths.append(path)
    return paths


def _on_related_save(sender, instance, **kwargs) -> None:
    """A category, form, actor … renamed: the documents that carry its name."""
    for spec in KINDS.values():
        for path in _dependants(spec, sender):
            ids = spec.model.objects.filter(**{path: instance.pk}).values_list("pk", flat=True)
            refresh_documents(kind=spec.kind, ids=list(ids))


def _before_related_delete(sender, instance, **kwargs) -> None:
    """An actor or target group deleted leaves its measures without a signal of their own:
    who carries it is noted now and rewritten once it is gone."""
    instance._search_dependants = [
        (
            spec.kind,
            list(spec.model.objects.filter(**{path: instance.pk}).values_list("pk", flat=True)),
        )
        for spec in KINDS.values()
        for path in _dependants(spec, sender)
    ]


def _on_related_delete(sender, instance, **kwargs) -> None:
    for kind, ids in getattr(instance, "_search_dependants", []):
        refresh_documents(kind=kind, ids=ids)


def _on_m2m_changed(sender, instance, action, reverse, model, pk_set, **kwargs) -> None:
    if not action.startswith("post_"):
        return
    for spec in KINDS.values():
        if not reverse and isinstance(instance, spec.model):
            refresh_documents(kind=spec.kind, ids=[instance.pk])
        elif reverse and model is spec.model:
            # e.g. form.suitable_sites.add(…); a clear sends no pk_set: every former holder
            ids = (
                pk_set
                if pk_set is not None
                else SearchDocument.objects.filter(kind=spec.kind).values_list(
                    "object_id", flat=True
                )
            )
            refresh_documents(kind=spec.kind, ids=list(ids))


def connect_signals() -> None:
    related_models = set()
    for spec in KINDS.values():
        uid = f"search:{spec.model_label}"
        signals.post_save.connect(_on_save, sender=spec.model, dispatch_uid=uid)
        signals.post_delete.connect(_on_delete, sender=spec.model, dispatch_uid=uid)
        for path in spec.relations():
            model = spec.model
            for part in path.split("__"):
                model_field = model._meta.get_field(part)
                if model_field.many_to_many and model is spec.model:
                    signals.m2m_changed.connect(
                        _on_m2m_changed,
                        sender=model_field.remote_field.through,
                        dispatch_uid=f"{uid}:{part}",
                    )
                model = model_field.related_model
                related_models.add(model)
    for model in related_models:
        uid = f"search:related:{model._meta.label}"
        signals.post_save.connect(_on_related_save, sender=model, dispatch_uid=uid)
        signals.pre_delete.connect(_before_related_delete, sender=model, dispatch_uid=uid)
        signals.post_delete.connect(_on_related_delete, sender=model, dispatch_uid=uid)

"""The search index: one document per public producer, site on offer and measure.

A table of its own instead of a search column on each model: a producer's document holds its
category's and form's names and its offerings (other tables), a measure's its actors and
target groups, and one GIN index per need serves all three kinds alike (grouped counts in one
query). search.services keeps it current; search.documents says what goes in.
"""

from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVector, SearchVectorField
from django.db import models
from django.utils.translation import gettext_lazy as _


class Kind(models.TextChoices):
    PRODUCER = "producer", _("Producers")
    SITE = "site", _("Sites on offer")
    MEASURE = "measure", _("Measures")


class SearchDocument(models.Model):
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    object_id = models.PositiveBigIntegerField(_("object id"))
    # Texts by weight (search.documents.KINDS): A titles, B names of what it is and does,
    # C longer texts.
    text_a = models.TextField(blank=True)
    text_b = models.TextField(blank=True)
    text_c = models.TextField(blank=True)
    # German stemming ("Geigen" finds "Geigenbau"; umlauts folded), kept by the database.
    vector = models.GeneratedField(
        expression=SearchVector("text_a", weight="A", config="german")
        + SearchVector("text_b", weight="B", config="german")
        + SearchVector("text_c", weight="C", config="german"),
        output_field=SearchVectorField(),
        db_persist=True,
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("search document")
        verbose_name_plural = _("search documents")
        constraints = [
            models.UniqueConstraint(fields=["kind", "object_id"], name="search_document_unique")
        ]
        indexes = [GinIndex(fields=["vector"], name="search_document_vector_idx")]

    def __str__(self) -> str:
        return f"{self.kind} {self.object_id}"


class SearchWord(models.Model):
    """The words of the indexed texts: what a typo is corrected to ("Kafee" → "Kaffee")."""

    word = models.CharField(_("word"), max_length=60, unique=True)  # lower case
    display = models.CharField(_("as written"), max_length=60)  # "Kaffee", as first seen

    class Meta:
        verbose_name = _("search word")
        verbose_name_plural = _("search words")
        indexes = [
            # trigram similarity (`%`, similarity()) of a typed word to every known word
            GinIndex(fields=["word"], opclasses=["gin_trgm_ops"], name="search_word_trgm_idx"),
            # the known words beginning with a letter (LIKE 'k%'), whatever the collation
            models.Index(
                fields=["word"], opclasses=["varchar_pattern_ops"], name="search_word_prefix_idx"
            ),
        ]

    def __str__(self) -> str:
        return self.word

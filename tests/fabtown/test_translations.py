import re
from pathlib import Path

from django.utils import translation

from producers.models import Producer
from vacancies.models import Site

LOCALE = Path(__file__).resolve().parents[2] / "locale"


def _entries(po: Path) -> list[tuple[str, str]]:
    text = po.read_text(encoding="utf-8")
    pairs = re.findall(r'^msgid ((?:".*"\n)+)msgstr ((?:".*"\n)+)', text, flags=re.M)

    def join(block: str) -> str:
        return "".join(re.findall(r'"(.*)"', block))

    return [(join(msgid), join(msgstr)) for msgid, msgstr in pairs if join(msgid)]


def test_every_string_has_a_german_translation():
    entries = _entries(LOCALE / "de" / "LC_MESSAGES" / "django.po")
    assert len(entries) > 200
    untranslated = [msgid for msgid, msgstr in entries if not msgstr]
    assert untranslated == []
    text = (LOCALE / "de" / "LC_MESSAGES" / "django.po").read_text(encoding="utf-8")
    assert "#, fuzzy" not in text, "guessed translations must be checked and unflagged"
    # an empty plural form: `msgstr[n] ""` not continued by a wrapped line
    assert not re.search(r'^msgstr\[\d\] ""\n(?!")', text, flags=re.M), "a plural form is missing"


def test_the_admin_speaks_german_first_and_english_too():
    with translation.override("de"):
        assert str(Producer._meta.verbose_name_plural) == "Produzent*innen"
        assert (
            str(Site._meta.get_field("owner_contact").verbose_name) == "Kontakt der Eigentümer*in"
        )
    with translation.override("en"):
        assert str(Producer._meta.verbose_name_plural) == "producers"

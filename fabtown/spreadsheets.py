"""The one rule against spreadsheet formulas in the files the platform hands out.

A spreadsheet program treats a cell that begins with = + - @ (or a tab or carriage return
before them) as a formula: a producer's branch `=HYPERLINK("http://x","y")` would become a live
link in the treasurer's or a citizen's spreadsheet (CSV or formula injection). OWASP's advice is
to prefix such a text cell with an apostrophe, which the program then shows as text.

Only text is neutralised: values people typed into text fields, whatever they look like (a
negative number or a phone number "+49 …" typed into a text field is still text). Numbers,
dates and ids the platform formats itself (coordinates, fees, floor areas) are left alone: they
hold no formula, a leading minus there is a sign, and the spreadsheet should compute with them.
Every door (open-data CSVs, the treasurer's list, the admin's CSV/XLSX exports) decides which
of its cells are text and passes those through `neutralise_formula`.
"""

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
_PREFIX = "'"


def _escaped(value: str) -> bool:
    """Whether `value` gets (or, read back, carries) the apostrophe: it begins with a formula
    character, or with an apostrophe that one more must keep (so that the round trip of a
    text like "'=x" gives it back unchanged)."""
    return value.startswith(FORMULA_TRIGGERS) or (
        value.startswith(_PREFIX) and value[1:].startswith((*FORMULA_TRIGGERS, _PREFIX))
    )


def neutralise_formula(value):
    """The text `value` made safe to open in a spreadsheet; anything that is not text as is."""
    if isinstance(value, str) and _escaped(value):
        return _PREFIX + value
    return value


def restore_formula_text(value):
    """Undo `neutralise_formula` for a cell read back from a spreadsheet (an import).

    Staff export, edit and import again; the apostrophe must not end up in the data.
    """
    if isinstance(value, str) and value.startswith(_PREFIX) and _escaped(value[1:]):
        return value[1:]
    return value

"""Import of a buildings layer for the urban-location rule of note 13 (`manage.py
import_buildings`).

Reads GeoPackage, Shapefile or GeoJSON through GDAL in the layer's own reference system
(ETRS89 / UTM 32N as ALKIS delivers it, or WGS84), reduces every outline to a point inside it
(GEOS point on surface: unlike the centroid it lies inside L-shaped and courtyard buildings),
and decides per building whether it is residential: from a yes/no attribute or from a small
expression over the attributes (`funktion IN (1000, 1010)`, `building = 'house' OR ...`),
parsed here and never handed to Python's eval or to SQL.

The rows go to PostgreSQL in one COPY into a temporary table; the reprojection to WGS84, the
check against the plausible extent and the upsert by external id are set-based statements
there. Afterwards every producer's and site's count is recomputed (producers.urban).
"""

import hashlib
import math
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from django.contrib.gis.gdal import DataSource, GDALException
from django.contrib.gis.geos import GEOSException
from django.db import connection, transaction
from django.utils.translation import gettext as _

from fabtown import geo
from producers import urban
from producers.models import Building

TRUE_WORDS = {"ja", "j", "yes", "y", "true", "t", "wahr", "1"}
FALSE_WORDS = {"nein", "n", "no", "false", "f", "falsch", "0"}
# Attributes that usually hold a building's stable id, tried in this order without --id-field.
ID_FIELDS = ("external_id", "gml_id", "oid", "osm_id", "@id", "id")
DEFAULT_RESIDENTIAL_FIELD = "residential"
# A reject list longer than this is cut in the report (the count stays complete).
MAX_REPORTED_REJECTS = 1000


class BuildingImportError(Exception):
    """The file as a whole cannot be imported (unreadable, unknown system, bad expression)."""


@dataclass
class Reject:
    feature: int
    external_id: str
    reason: str

    def __str__(self) -> str:
        name = f" ({self.external_id})" if self.external_id else ""
        return _("feature %(number)s%(name)s: %(reason)s") % {
            "number": self.feature,
            "name": name,
            "reason": self.reason,
        }


@dataclass
class BuildingImportReport:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    removed: int = 0
    rejects: list[Reject] = field(default_factory=list)
    recounted: dict[str, int] = field(default_factory=dict)

    @property
    def rejected(self) -> int:
        return len(self.rejects)

    def summary(self) -> str:
        return (
            f"created {self.created}, updated {self.updated}, unchanged {self.unchanged}, "
            f"rejected {self.rejected}"
        )


# --- The residential expression --------------------------------------------------------------

_TOKEN = re.compile(
    r"\s*(?:(?P<number>-?\d+(?:\.\d+)?)|'(?P<string>(?:[^']|'')*)'|(?P<op><>|!=|=|\(|\)|,)"
    r'|"(?P<quoted>[^"]+)"|(?P<word>[A-Za-z_@][\w:.@-]*))'
)


def _tokens(text: str) -> list[tuple[str, object]]:
    tokens, position = [], 0
    text = text.strip()
    while position < len(text):
        match = _TOKEN.match(text, position)
        if not match or match.end() == position:
            raise BuildingImportError(
                _("Cannot read the expression at “%(rest)s”.") % {"rest": text[position:]}
            )
        position = match.end()
        if match["number"] is not None:
            number = float(match["number"])
            tokens.append(("value", int(number) if number.is_integer() else number))
        elif match["string"] is not None:
            tokens.append(("value", match["string"].replace("''", "'")))
        elif match["op"]:
            tokens.append(("op", match["op"]))
        elif match["quoted"]:
            tokens.append(("name", match["quoted"]))
        else:
            word = match["word"]
            upper = word.upper()
            if upper in ("AND", "OR", "NOT", "IN"):
                tokens.append(("op", upper))
            else:
                tokens.append(("name", word))
    return tokens


def _same(actual, expected) -> bool:
    """Numbers compare as numbers ("1000" equals 1000); text without regard to case."""
    if actual is None:
        return False
    if isinstance(expected, int | float):
        try:
            return float(actual) == expected
        except (TypeError, ValueError):
            return False
    return str(actual).strip().casefold() == str(expected).casefold()


class ResidentialExpression:
    """`field = value`, `field <> value`, `field [NOT] IN (v, ...)`, joined by AND, OR, NOT and
    parentheses; values are numbers or 'quoted text'. Field names as in the layer (any case)."""

    def __init__(self, text: str):
        self.text = text
        self._tokens = _tokens(text)
        self._position = 0
        self.fields: set[str] = set()
        if not self._tokens:
            raise BuildingImportError(_("The expression is empty."))
        self._test = self._or()
        if self._position != len(self._tokens):
            raise self._error()

    def __call__(self, values: dict) -> bool:
        return self._test(values)

    def _error(self) -> BuildingImportError:
        rest = " ".join(str(value) for _kind, value in self._tokens[self._position :])
        return BuildingImportError(
            _("Cannot read the expression “%(text)s” near “%(rest)s”. Use field = value, "
              "field IN (value, …), AND, OR, NOT and parentheses.")
            % {"text": self.text, "rest": rest or _("its end")}
        )  # fmt: skip

    def _peek(self, *ops: str) -> bool:
        if self._position < len(self._tokens):
            kind, value = self._tokens[self._position]
            return kind == "op" and value in ops
        return False

    def _take(self, kind: str | None = None, op: str | None = None):
        if self._position >= len(self._tokens):
            raise self._error()
        token = self._tokens[self._position]
        if (kind and token[0] != kind) or (op and token != ("op", op)):
            raise self._error()
        self._position += 1
        return token[1]

    def _or(self) -> Callable[[dict], bool]:
        parts = [self._and()]
        while self._peek("OR"):
            self._take(op="OR")
            parts.append(self._and())
        return parts[0] if len(parts) == 1 else lambda values: any(p(values) for p in parts)

    def _and(self) -> Callable[[dict], bool]:
        parts = [self._not()]
        while self._peek("AND"):
            self._take(op="AND")
            parts.append(self._not())
        return parts[0] if len(parts) == 1 else lambda values: all(p(values) for p in parts)

    def _not(self) -> Callable[[dict], bool]:
        if self._peek("NOT"):
            self._take(op="NOT")
            inner = self._not()
            return lambda values: not inner(values)
        if self._peek("("):
            self._take(op="(")
            inner = self._or()
            self._take(op=")")
            return inner
        return self._comparison()

    def _comparison(self) -> Callable[[dict], bool]:
        name = self._take(kind="name").lower()
        self.fields.add(name)
        negate = False
        if self._peek("NOT"):
            self._take(op="NOT")
            negate = True
        if self._peek("IN"):
            self._take(op="IN")
            self._take(op="(")
            options = [self._take(kind="value")]
            while self._peek(","):
                self._take(op=",")
                options.append(self._take(kind="value"))
            self._take(op=")")
            return lambda values: negate != any(_same(values.get(name), o) for o in options)
        if negate:
            raise self._error()
        if self._peek("=", "<>", "!="):
            op = self._take(kind="op")
            expected = self._take(kind="value")
            if op == "=":
                return lambda values: _same(values.get(name), expected)
            return lambda values: (
                values.get(name) is not None and not _same(values.get(name), expected)
            )
        raise self._error()


def read_flag(value) -> bool | None:
    """A yes/no attribute: ja/nein, yes/no, true/false, 1/0 (None when unreadable)."""
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float):
        return {1: True, 0: False}.get(value)
    if value is None:
        return None
    word = str(value).strip().casefold()
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    return None


# --- Reading the layer ------------------------------------------------------------------------


@dataclass
class _Row:
    feature: int
    external_id: str
    is_residential: bool
    x: float
    y: float


def _open_layer(path: Path, layer_name: str | None):
    try:
        source = DataSource(str(path))
    except GDALException as error:
        raise BuildingImportError(
            _("GDAL cannot read %(file)s: %(error)s") % {"file": path.name, "error": error}
        ) from None
    if layer_name:
        names = [layer.name for layer in source]
        if layer_name not in names:
            raise BuildingImportError(
                _("No layer “%(name)s” in the file (there are: %(names)s).")
                % {"name": layer_name, "names": ", ".join(names)}
            )
        return source, source[layer_name]
    if not len(source):
        raise BuildingImportError(_("The file holds no layer."))
    return source, source[0]


def _layer_srid(layer) -> int:
    srs = layer.srs
    if srs is None:
        return geo.WGS84  # GeoJSON without a crs member is WGS84 by definition (RFC 7946)
    srid = srs.srid
    if srid is None:
        try:
            srs.identify_epsg()
            srid = srs.srid
        except GDALException:
            srid = None
    if srid == 4258:
        srid = geo.WGS84  # ETRS89 geographic: the same within a metre
    if srid not in geo.ACCEPTED_SRIDS:
        raise BuildingImportError(
            _("The layer's coordinate reference system (%(name)s) is neither WGS84 (EPSG:4326) "
              "nor ETRS89 / UTM 32N (EPSG:25832).")
            % {"name": srs.name or srid}
        )  # fmt: skip
    return srid


def _field_lookup(layer) -> dict[str, str]:
    return {name.lower(): name for name in layer.fields}


def _value(feature, name: str):
    field = feature[name]
    return field.value if field.is_set else None


def read_layer(
    layer,
    *,
    srid: int,
    residential: Callable[[dict], bool | None],
    needed: list[str],
    id_field: str | None,
    rejects: list[Reject],
    progress: Callable[[int, int], None] | None = None,
) -> Iterator[_Row]:
    """The layer's features as rows: a point inside each outline, in the layer's system."""
    total = len(layer)
    seen: set[str] = set()
    for number, feature in enumerate(layer, start=1):
        if progress and number % 10_000 == 0:
            progress(number, total)
        values = {name.lower(): _value(feature, name) for name in needed}
        external_id = ""
        if id_field:
            raw = values.get(id_field.lower())
            external_id = "" if raw is None else str(raw).strip()
            if isinstance(raw, float) and raw.is_integer():
                external_id = str(int(raw))
        try:
            geometry = feature.geom.geos
        except (GDALException, GEOSException, TypeError, ValueError, IndexError):
            geometry = None
        if geometry is None or geometry.empty:
            rejects.append(Reject(number, external_id, _("no geometry")))
            continue
        if not external_id:
            # the same outline gets the same id on every import of the file
            external_id = "geom-" + hashlib.sha1(geometry.wkb).hexdigest()[:24]
        if len(external_id) > 100:
            rejects.append(Reject(number, external_id[:40] + "…", _("id longer than 100 chars")))
            continue
        if external_id in seen:
            rejects.append(Reject(number, external_id, _("the id occurs twice in the file")))
            continue
        flag = residential(values)
        if flag is None:
            rejects.append(Reject(number, external_id, _("residential flag missing or not yes/no")))
            continue
        try:
            point = geometry if geometry.geom_type == "Point" else geometry.point_on_surface
            x, y = point.x, point.y
        except (GEOSException, TypeError, ValueError, IndexError):
            rejects.append(Reject(number, external_id, _("the geometry cannot be read")))
            continue
        if not (math.isfinite(x) and math.isfinite(y)) or max(abs(x), abs(y)) > 1e7:
            rejects.append(Reject(number, external_id, _("coordinates are not plausible")))
            continue
        seen.add(external_id)
        yield _Row(number, external_id, flag, x, y)


# --- Writing ----------------------------------------------------------------------------------

_STAGE = "import_buildings_stage"


def _stage(rows: Iterator[_Row], *, srid: int) -> None:
    with connection.cursor() as cursor:
        # dropped at the end of the import, and at the latest with the transaction
        cursor.execute(f"DROP TABLE IF EXISTS {_STAGE}")
        cursor.execute(
            f"CREATE TEMPORARY TABLE {_STAGE} (feature integer, external_id varchar(100), "
            "is_residential boolean, x double precision, y double precision, "
            "location geometry(Point, 4326)) ON COMMIT DROP"
        )
        with cursor.copy(
            f"COPY {_STAGE} (feature, external_id, is_residential, x, y) FROM STDIN"
        ) as copy:
            for row in rows:
                copy.write_row((row.feature, row.external_id, row.is_residential, row.x, row.y))
        cursor.execute(
            f"UPDATE {_STAGE} SET location = "
            f"ST_Transform(ST_SetSRID(ST_MakePoint(x, y), %s), {geo.WGS84})",
            [srid],
        )


def _reject_outside(rejects: list[Reject]) -> None:
    """Rows outside the plausible extent (fabtown.geo) would break the table's CHECK."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"DELETE FROM {_STAGE} WHERE NOT ST_CoveredBy(location, "
            f"ST_MakeEnvelope(%s, %s, %s, %s, {geo.WGS84})) RETURNING feature, external_id",
            list(geo.PLAUSIBLE_EXTENT),
        )
        outside = sorted(cursor.fetchall())
    reason = _("outside the area the platform covers (check the coordinate system)")
    rejects.extend(Reject(feature, external_id, reason) for feature, external_id in outside)


def _upsert(*, source: str, replace: bool, report: BuildingImportReport) -> None:
    table = connection.ops.quote_name(Building._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT count(*) FROM {_STAGE}")
        staged = cursor.fetchone()[0]
        # xmax = 0 marks a freshly inserted row; rows whose values did not change are not
        # updated (and not returned), so a second import of the same file writes nothing.
        cursor.execute(
            f"""
            INSERT INTO {table} AS b (external_id, is_residential, location, source, imported_at)
            SELECT external_id, is_residential, location, %s, now() FROM {_STAGE}
            ORDER BY ST_GeoHash(location)  -- neighbours on the same pages: see producers.urban
            ON CONFLICT (external_id) DO UPDATE
            SET is_residential = EXCLUDED.is_residential, location = EXCLUDED.location,
                source = EXCLUDED.source, imported_at = EXCLUDED.imported_at
            WHERE (b.is_residential, b.location, b.source)
                IS DISTINCT FROM (EXCLUDED.is_residential, EXCLUDED.location, EXCLUDED.source)
            RETURNING (xmax = 0)
            """,
            [source],
        )
        written = [created for (created,) in cursor.fetchall()]
        report.created = sum(written)
        report.updated = len(written) - report.created
        report.unchanged = staged - len(written)
        if replace:
            rejected_ids = [r.external_id for r in report.rejects if r.external_id]
            cursor.execute(
                f"DELETE FROM {table} AS b WHERE NOT EXISTS "
                f"(SELECT FROM {_STAGE} s WHERE s.external_id = b.external_id) "
                "AND NOT b.external_id = ANY(%s)",
                [rejected_ids],
            )
            report.removed = cursor.rowcount
        cursor.execute(f"DROP TABLE {_STAGE}")
        cursor.execute(f"ANALYZE {table}")


def import_buildings(
    path: Path | str,
    *,
    residential_field: str | None = None,
    residential_where: str | None = None,
    id_field: str | None = None,
    source: str = "",
    layer_name: str | None = None,
    replace: bool = False,
    progress: Callable[[int, int], None] | None = None,
) -> BuildingImportReport:
    """Import (or re-import) a buildings layer and recount every producer and site."""
    path = Path(path)
    if residential_field and residential_where:
        raise BuildingImportError(_("Give either a residential field or an expression."))
    _source, layer = _open_layer(path, layer_name)
    srid = _layer_srid(layer)
    fields = _field_lookup(layer)

    if residential_where:
        expression = ResidentialExpression(residential_where)
        flag_fields = expression.fields

        def residential(values):
            return expression(values)
    else:
        name = (residential_field or DEFAULT_RESIDENTIAL_FIELD).lower()
        flag_fields = {name}

        def residential(values):
            return read_flag(values.get(name))

    missing = sorted(name for name in flag_fields if name not in fields)
    if missing:
        raise BuildingImportError(
            _("The layer has no field %(missing)s (its fields: %(fields)s).")
            % {"missing": ", ".join(missing), "fields": ", ".join(layer.fields) or "–"}
        )
    if id_field:
        if id_field.lower() not in fields:
            raise BuildingImportError(
                _("The layer has no id field “%(name)s”.") % {"name": id_field}
            )
    else:
        id_field = next((name for name in ID_FIELDS if name in fields), None)
    wanted = flag_fields | ({id_field.lower()} if id_field else set())
    needed = [fields[name] for name in sorted(wanted)]

    report = BuildingImportReport()
    with transaction.atomic():
        rows = read_layer(
            layer,
            srid=srid,
            residential=residential,
            needed=needed,
            id_field=id_field,
            rejects=report.rejects,
            progress=progress,
        )
        _stage(rows, srid=srid)
        _reject_outside(report.rejects)
        report.rejects.sort(key=lambda reject: reject.feature)
        _upsert(source=(source or path.name)[:300], replace=replace, report=report)
        report.recounted = urban.recount_all()
    return report

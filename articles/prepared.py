"""Hand-written PostgreSQL statements for the busiest public pages: rows read as
JSON documents and turned into the model instances the ORM would have made,
with each statement prepared once per database connection.

Used by `articles.story_page` and `articles.search`. For a page that runs the
same few queries thousands of times a minute, the ORM's building and compiling
of each query, and PostgreSQL's parsing and planning of it, cost more than
running it. The statements are written from the models' fields, so a new
field reaches them, and each caller's tests compare its pages with the ORM's.
"""

import re
import weakref
from collections.abc import Callable
from datetime import UTC, datetime
from functools import cache, cached_property

from django.db import connection
from django.db.models import DateField, DateTimeField
from django.utils.dateparse import parse_date, parse_datetime

from workflow.models import public_q

# --- Writing statements ----------------------------------------------------------


def fields(model, leave_out=frozenset()):
    return [f for f in model._meta.concrete_fields if f.attname not in leave_out]


def table(model) -> str:
    return f'"{model._meta.db_table}"'


def json_object(model, alias: str, leave_out=frozenset()) -> str:
    """json_build_object of a row's columns, keyed by attribute name."""
    pairs = ", ".join(
        f"'{f.attname}', {alias}.\"{f.column}\"" for f in fields(model, leave_out)
    )
    return f"json_build_object({pairs})"


def json_object_or_null(model, alias: str) -> str:
    """The same for the row of a LEFT JOIN, NULL when there is none."""
    return (
        f"CASE WHEN {alias}.id IS NULL THEN NULL ELSE {json_object(model, alias)} END"
    )


# A moment no one publishes at, compiled into the public condition and then
# replaced by the caller's placeholder for now.
_NOW_MARK = datetime(1901, 2, 3, 4, 5, 6, 789012, tzinfo=UTC)


@cache
def _public_where(model, vendor: str) -> tuple[str, tuple]:
    """The WHERE the ORM writes for `model.objects.public()` on this kind of
    database, and its parameters (with _NOW_MARK for the moment)."""
    query = model._default_manager.filter(public_q(_NOW_MARK)).query
    sql, params = query.get_compiler(connection=connection).compile(query.where)
    return sql, tuple(params)


def live(model, alias: str, now: str) -> str:
    """What `PublishableQuerySet.public()` asks of a row of `model` at `alias`,
    with `now` the statement's placeholder for the moment: the SQL the ORM
    compiles from `workflow.models.public_q`, so the two cannot
    differ. Its other values (the live states) are constants, written in as
    literals (so PostgreSQL also sees that the live-stories index serves)."""
    sql, params = _public_where(model, connection.vendor)
    mark = connection.ops.adapt_datetimefield_value(_NOW_MARK)
    if sql.count("%s") != len(params) or "%%" in sql:
        raise ValueError(f"unexpected SQL for the public condition: {sql}")
    pieces = []
    for value in params:
        if value == mark:
            pieces.append(now)
        elif isinstance(value, str):
            pieces.append("'" + value.replace("'", "''") + "'")
        else:
            raise ValueError(f"public_q has a value SQL here cannot carry: {value!r}")
    columns_of = f"{table(model)}."
    return "(" + sql.replace(columns_of, f"{alias}.") % tuple(pieces) + ")"


# --- Reading documents -------------------------------------------------------------


@cache
def _converters(model, leave_out=frozenset()):
    """(attribute names, {name: parser}) for the JSON of one of `model`'s rows:
    JSON carries dates and times as ISO text."""
    names, parsers = [], {}
    for f in fields(model, leave_out):
        names.append(f.attname)
        if isinstance(f, DateTimeField):
            parsers[f.attname] = parse_datetime
        elif isinstance(f, DateField):
            parsers[f.attname] = parse_date
    return names, parsers


def instance(model, data: dict | None, leave_out=frozenset()):
    """The model instance the ORM would make from this row (fields left out
    are deferred, as with `.defer()`); None for None."""
    if data is None:
        return None
    names, parsers = _converters(model, leave_out)
    values = [
        parsers[n](data[n]) if n in parsers and data[n] is not None else data[n]
        for n in names
    ]
    return model.from_db(connection.alias, names, values)


def attach(obj, field_name: str, value) -> None:
    """Set a foreign key's object, as select_related does."""
    obj._meta.get_field(field_name).set_cached_value(obj, value)


def prefetched(obj, name: str, objects: list) -> None:
    """Give `obj.<name>.all()` these objects, as prefetch_related does."""
    queryset = getattr(obj, name).get_queryset()
    queryset._result_cache = objects
    queryset._prefetch_done = True
    obj.__dict__.setdefault("_prefetched_objects_cache", {})[name] = queryset


# --- Preparing and running ------------------------------------------------------------


class Prepared:
    """A statement PREPAREd once per database connection and run with EXECUTE
    through Django's cursor, so query counts and logs still see it.

    `write` returns the statement with `$1`, `$2`... for the parameters, whose
    PostgreSQL types are `types`. Whether a connection has it is remembered per
    psycopg connection, and asked of PostgreSQL (pg_prepared_statements) for a
    connection not seen before.
    """

    def __init__(self, name: str, types: list[str], write: Callable[[], str]):
        if not re.fullmatch(r"[a-z_]+", name):
            raise ValueError(f"not a plain statement name: {name!r}")
        self.name, self.types, self.write = name, types, write
        self._prepared_on = weakref.WeakSet()

    def forget(self) -> None:
        """Forget which connections have it (they are asked again)."""
        self._prepared_on = weakref.WeakSet()

    def _prepare(self, cursor) -> None:
        raw = connection.connection
        if raw in self._prepared_on:
            return
        cursor.execute(
            "SELECT 1 FROM pg_prepared_statements WHERE name = %s", [self.name]
        )
        if cursor.fetchone() is None:
            cursor.execute(
                f"PREPARE {self.name}({', '.join(self.types)}) AS {self.write()}"
            )
        self._prepared_on.add(raw)

    def fetchone(self, *params):
        with connection.cursor() as cursor:
            if not connection.settings_dict.get("CONN_MAX_AGE"):
                # A connection per request (CONN_MAX_AGE=0) would pay for the
                # PREPARE every time: run the statement itself.
                cursor.execute(
                    self._direct, {f"p{n}": p for n, p in enumerate(params, 1)}
                )
                return cursor.fetchone()
            self._prepare(cursor)
            placeholders = ", ".join(["%s"] * len(params))
            cursor.execute(f"EXECUTE {self.name}({placeholders})", list(params))
            return cursor.fetchone()

    @cached_property
    def _direct(self) -> str:
        """The statement with named placeholders for the cursor, typed."""
        text = self.write().replace("%", "%%")
        return re.sub(
            r"\$(\d+)",
            lambda m: f"%(p{m.group(1)})s::{self.types[int(m.group(1)) - 1]}",
            text,
        )


def document(value):
    """A json column's value: Django's psycopg setup may leave it as text."""
    import json

    return json.loads(value) if isinstance(value, str) else value

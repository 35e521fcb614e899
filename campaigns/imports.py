"""The import engine: read a spreadsheet, map its headers, validate every row, then write all or
nothing.

Why the engine, not django-import-export's own `import_data`, does the validating and writing:
import-export resolves each foreign key with a query per cell (`ForeignKeyWidget.clean`), loads
each instance with a query per row unless a cached loader is configured, and with `use_bulk` it
reports database errors per batch rather than per spreadsheet row. Scope checks (a Guangdong
officer may not touch Zhejiang's rows) need the owning authority of both the row and the existing
record, which its hooks only see one row at a time. Measured on PostgreSQL (a busy 2-core
machine), 6,000 units through this project's `UnitResource` with `use_bulk`, a
`CachedInstanceLoader` and `skip_diff` took 11–16 s against 0.5–0.7 s for a bare `bulk_create`
(some 20x), before any audit entry or scope check; this engine, audit included, stays within the
3x budget (see bench/bench_imports.py).

So: the resources (`campaigns.resources`) give the headers and the cell widgets (choices, dates,
months, booleans) and do the exports; this module

1. reads the file with the shared reader (`civport.spreadsheets.read_table`): XLSX checked by
   content (a zip with the OOXML parts) and read with python-calamine once its real content is
   within the limits, CSV in UTF-8 with or without BOM or GB18030, size, row, column and cell
   limits, cells trimmed, blank rows skipped;
2. maps the header row (Chinese headers or field names) to fields;
3. plans (`plan_import`): prefetches the existing rows and every foreign-key target into dicts
   with one query each, then validates each row in Python — field rules, choices, the model's
   check constraints, unique port names, links between unit, port and authority, codes repeated
   in the file, and the importing user's scope — recording every error with its row number;
4. when no row has an error, hands the plan to `services.records_import_apply`, which writes it in
   one transaction with `bulk_create` / `bulk_update` and one audit entry per row.
"""

from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection
from django.db.models import Lookup, Q
from django.utils import translation
from django.utils.translation import gettext as _

from campaigns import services
from campaigns.models import Agency, Authority, Person, Port, Unit
from campaigns.resources import RESOURCES
from campaigns.scope import Scope, scope_for
from civport.audit import diff, snapshot
from civport.imports import ImportFileError, ImportResult, RowOutcome, header_key, match_headers
from civport.spreadsheets import read_table

KINDS = tuple(RESOURCES)
NATIONAL_SCOPE = Scope(is_superuser=True)


# --- headers ------------------------------------------------------------------------------


def map_headers(kind, headers):
    """{column index: field name}; raises ImportFileError naming every bad header."""
    resource = RESOURCES[kind]
    model = resource._meta.model
    names = {}
    for name, res_field in resource.column_fields():
        names[header_key(res_field.column_name)] = name
        names[header_key(name)] = name
        with translation.override("en"):
            names.setdefault(header_key(model._meta.get_field(name).verbose_name), name)
    required = {name: column_label(kind, name) for name in resource.required_columns}
    return match_headers(headers, names, required)


def column_label(kind, name):
    resource = RESOURCES[kind]
    return resource().fields[name].column_name


# --- planning -----------------------------------------------------------------------------


@dataclass
class Row:
    number: int
    values: dict  # field name → parsed value (foreign keys: the code)
    messages: list = field(default_factory=list)
    instance: object = None
    action: str = ""
    changes: dict = field(default_factory=dict)
    depth: int = 0

    @property
    def code(self):
        return self.values.get("code", "")


@dataclass
class Plan:
    kind: str
    rows: list
    fields: tuple
    creates: list = field(default_factory=list)  # [[instance, ...] per depth]
    updates: list = field(default_factory=list)  # [(instance, changes)]

    @property
    def has_errors(self):
        return any(row.messages for row in self.rows)


def _error(row, kind, name, message):
    row.messages.append(
        _("%(column)s: %(message)s") % {"column": column_label(kind, name), "message": message}
    )


def _outside(row):
    row.messages.append(_("This row is outside your area."))


def _unknown(row, kind, name, code):
    """Also said of a record the user cannot see: an import must not tell an officer whether a
    code exists in another province."""
    _error(row, kind, name, _("no record has the code “%(code)s”.") % {"code": code})


def _knows_authority(scope, path):
    """The user sees the authority, or it lies above their own (its existence is no secret)."""
    return scope.sees_path(path) or any(p.startswith(path) for p in scope.view_paths)


def _sees_unit(scope, unit):
    return (
        scope.sees_path(unit.authority.path)
        or unit.pk in scope.view_unit_ids
        or unit.parent_id in scope.view_unit_ids
    )


def _field_check(model_field):
    """The model field's blank rule and validators (lengths, code pattern, ranges); choices are
    the widgets' job. `Field.clean` would do the same with more overhead per cell."""
    validators = list(model_field.validators)
    blank_message = model_field.error_messages["blank"]

    def check(value):
        if value is None or value == "":
            if not model_field.blank:
                raise ValidationError(blank_message, code="blank")
            return
        for validator in validators:
            validator(value)

    return check


class Planner:
    """Validate the rows of one kind; subclasses resolve foreign keys and check scope."""

    kind = ""
    model = None
    fields = ()
    fk_fields = ()
    select_related = ()
    # The field linking a row to another row of the same kind (a parent), if any.
    self_link = None

    def __init__(self, scope):
        self.scope = scope
        self.resource = RESOURCES[self.kind]()

    # Parsing: widgets for plain cells, model field rules for lengths, patterns, blanks.
    def parse(self, table, mapping):
        rows = []
        checks = {
            name: _field_check(self.model._meta.get_field(name))
            for name in mapping.values()
            if name not in self.fk_fields
        }
        widgets = {name: self.resource.fields[name].widget for name in checks}
        for number, cells in table.rows:
            row = Row(number=number, values={})
            for index, name in mapping.items():
                raw = cells[index] if index < len(cells) else ""
                if name in self.fk_fields:
                    row.values[name] = "" if raw == "" else str(raw).strip()
                    continue
                try:
                    value = widgets[name].clean(raw)
                except ValueError as exc:
                    _error(row, self.kind, name, str(exc))
                    continue
                try:
                    checks[name](value)
                except ValidationError as exc:
                    _error(row, self.kind, name, " ".join(exc.messages))
                    continue
                row.values[name] = value
            for name in self.resource.required_columns:
                if name in self.fk_fields and not row.values.get(name) and self.fk_required(row):
                    _error(row, self.kind, name, _("This column cannot be blank."))
            rows.append(row)
        return rows

    def fk_required(self, row):
        return True

    def mark_duplicates(self, rows):
        first = {}
        for row in rows:
            code = row.code
            if not code:
                continue
            if code in first:
                row.messages.append(
                    _("The code “%(code)s” already appears in row %(row)d.")
                    % {"code": code, "row": first[code]}
                )
            else:
                first[code] = row.number

    def existing(self, rows):
        codes = {row.code for row in rows if row.code}
        qs = self.model.objects.filter(code_in(codes)).select_related(*self.select_related)
        return {obj.code: obj for obj in qs}

    def plan(self, table, mapping):
        rows = self.parse(table, mapping)
        self.mark_duplicates(rows)
        self.by_code = {row.code: row for row in rows if row.code}
        self.current = self.existing(rows)
        self.prefetch(rows)
        for row in rows:
            if row.messages:
                continue
            self.check(row)
        result = Plan(kind=self.kind, rows=rows, fields=self.fields)
        if any(row.messages for row in rows):
            for row in rows:
                row.action = "error" if row.messages else "valid"
            return result
        creates = {}
        for row in rows:
            self.build(row)
            if row.action == "create":
                creates.setdefault(row.depth, []).append(row.instance)
            elif row.action == "update":
                result.updates.append((row.instance, row.changes))
        result.creates = [creates[depth] for depth in sorted(creates)]
        return result

    def prefetch(self, rows):
        pass

    def check(self, row):
        raise NotImplementedError

    def new_instance(self, values):
        """`model(**values)`, through the positional fast path of `Model.__init__` when every
        value is a plain column value (6,000 rows: a third of the time)."""
        if not hasattr(self, "_columns"):
            concrete = self.model._meta.concrete_fields
            self._columns = [f.attname for f in concrete]
            self._defaults = [f.get_default() for f in concrete]
        if not set(values) <= set(self._columns):
            return self.model(**values)
        return self.model(
            *[
                values.get(name, default)
                for name, default in zip(self._columns, self._defaults, strict=True)
            ]
        )

    def resolved(self, row):
        """Field values with foreign keys resolved (as ids, or instances made from this file)."""
        return row.values

    def build(self, row):
        if row.instance is not None:
            return
        # A parent given in the same file becomes an instance before its children point at it.
        linked = self.by_code.get(row.values.get(self.self_link)) if self.self_link else None
        if linked is not None and linked is not row:
            self.build(linked)
        values = self.resolved(row)
        current = self.current.get(row.code)
        if current is None:
            row.instance = self.new_instance(values)
            row.action = "create"
            return
        before = snapshot(current, self.fields)
        for name, value in values.items():
            setattr(current, name, value)
        row.instance = current
        row.changes = diff(before, current, self.fields)
        for name, value in values.items():
            if isinstance(value, self.model) and value.pk is None:
                # A link to a row this file creates: its id is known only once written.
                row.changes[name] = [before[name], None]
        row.action = "update" if row.changes else "unchanged"


class AnyOf(Lookup):
    """`column = ANY(%s)` with the values as one array parameter. For thousands of codes this
    saves preparing one parameter per code, as `__in` does."""

    lookup_name = "any_of"
    prepare_rhs = False

    def get_db_prep_lookup(self, value, connection):
        return "%s", [list(value)]

    def as_sql(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        rhs, rhs_params = self.process_rhs(compiler, connection)
        return f"{lhs} = ANY({rhs})", [*lhs_params, *rhs_params]


for _model in (Authority, Port, Unit, Person):
    _model._meta.get_field("code").register_lookup(AnyOf)


def code_in(codes):
    if connection.vendor == "postgresql":
        return Q(code__any_of=sorted(codes))
    return Q(code__in=codes)


def _codes(rows, name):
    return {row.values[name] for row in rows if row.values.get(name)}


class AuthorityPlanner(Planner):
    kind = "authorities"
    model = Authority
    fields = services.AUTHORITY_FIELDS
    fk_fields = ("parent",)
    select_related = ("parent",)
    self_link = "parent"

    def fk_required(self, row):
        return row.values.get("level") != Authority.Level.NATIONAL

    def prefetch(self, rows):
        codes = _codes(rows, "parent") - set(self.current)
        self.parents = {a.code: a for a in Authority.objects.filter(code__in=codes)}
        self.parents.update(self.current)
        self._paths = {}

    def _path(self, code, trail=()):
        """The path an authority has, or will have once the file is imported."""
        if code in self._paths:
            return self._paths[code]
        if code in self.parents:
            path = self.parents[code].path
        elif code in self.by_code and code not in trail:
            row = self.by_code[code]
            parent = row.values.get("parent")
            if not parent:
                path = f"{code}/"
            else:
                above = self._path(parent, (*trail, code))
                path = above and f"{above}{code}/"
        else:
            path = None
        self._paths[code] = path
        return path

    def _level(self, code):
        if code in self.parents:
            return self.parents[code].level
        row = self.by_code.get(code)
        return row.values.get("level") if row else None

    def check(self, row):
        values = row.values
        current = self.current.get(row.code)
        if current is not None:
            if not self.scope.edits_below(current.path):
                return _outside(row)
            for name in ("level", "parent"):
                if name not in values:
                    continue
                if name == "parent":
                    old = current.parent.code if current.parent else None
                else:
                    old = current.level
                if (values[name] or None) != old:
                    _error(row, self.kind, name, _("This cannot be changed by an import."))
            return
        parent_code = values.get("parent")
        if parent_code and parent_code not in self.parents and parent_code not in self.by_code:
            return _unknown(row, self.kind, "parent", parent_code)
        parent = self.parents.get(parent_code)
        if parent is not None and not _knows_authority(self.scope, parent.path):
            return _unknown(row, self.kind, "parent", parent_code)
        path = self._path(row.code)
        if path is None:
            return _error(row, self.kind, "parent", _("The parent authorities form a loop."))
        if len(path) > Authority._meta.get_field("path").max_length:
            return _error(row, self.kind, "code", _("The authority lies too deep."))
        if not self.scope.edits_below(path):
            return _outside(row)
        level = values.get("level")
        parent_level = self._level(parent_code) if parent_code else None
        if parent_code is None and level != Authority.Level.NATIONAL:
            return _error(row, self.kind, "parent", _("This column cannot be blank."))
        if parent_level and level not in services.CHILD_LEVELS[parent_level]:
            _error(
                row,
                self.kind,
                "level",
                _("A %(parent)s cannot have a %(child)s below it.")
                % {
                    "parent": Authority.Level(parent_level).label,
                    "child": Authority.Level(level).label,
                },
            )
        row.depth = path.count("/")

    def resolved(self, row):
        values = dict(row.values)
        current = self.current.get(row.code)
        if current is not None:
            values.pop("parent", None)
            values.pop("level", None)
            return values
        parent_code = values.pop("parent", None) or None
        if parent_code in self.parents:
            values["parent"] = self.parents[parent_code]
        elif parent_code:
            values["parent"] = self.by_code[parent_code].instance
        values["path"] = self._path(row.code)
        return values


class PortPlanner(Planner):
    kind = "ports"
    model = Port
    fields = services.PORT_FIELDS
    fk_fields = ("authority",)
    select_related = ("authority",)

    def prefetch(self, rows):
        codes = _codes(rows, "authority")
        self.authorities = {a.code: a for a in Authority.objects.filter(code__in=codes)}
        names = {row.values["name"] for row in rows if row.values.get("name")}
        self.names = dict(Port.objects.filter(name__in=names).values_list("name", "code"))
        self.names_in_file = {}

    def check(self, row):
        values = row.values
        current = self.current.get(row.code)
        if current is not None and not self.scope.edits_path(current.authority.path):
            return _outside(row)
        code = values.get("authority")
        if code:
            authority = self.authorities.get(code)
            if authority is None or not _knows_authority(self.scope, authority.path):
                return _unknown(row, self.kind, "authority", code)
            if not self.scope.edits_path(authority.path):
                return _outside(row)
            if authority.level not in services.PORT_OWNER_LEVELS:
                _error(
                    row,
                    self.kind,
                    "authority",
                    _("A port belongs to a provincial, port or county authority."),
                )
        port_type = values.get("port_type", current and current.port_type)
        subtype = values.get("subtype", current and current.subtype)
        if subtype not in Port.SUBTYPES_BY_TYPE.get(port_type, ()):
            _error(row, self.kind, "subtype", _("The subtype does not belong to the port type."))
        status = values.get("status", current.status if current else Port.Status.OPEN)
        months = values.get("seasonal_months", current.seasonal_months if current else 0)
        if status == Port.Status.SEASONAL and not months:
            _error(
                row,
                self.kind,
                "seasonal_months",
                _("A seasonal port needs the months it is open."),
            )
        name = values.get("name")
        if name:
            owner = self.names.get(name)
            if owner is not None and owner != row.code:
                _error(row, self.kind, "name", _("Another port already has this name."))
            elif name in self.names_in_file:
                _error(
                    row,
                    self.kind,
                    "name",
                    _("Row %(row)d has the same port name.") % {"row": self.names_in_file[name]},
                )
            else:
                self.names_in_file[name] = row.number

    def resolved(self, row):
        values = dict(row.values)
        if "authority" in values:
            values["authority_id"] = self.authorities[values.pop("authority")].pk
        return values


class UnitPlanner(Planner):
    kind = "units"
    model = Unit
    fields = services.UNIT_FIELDS
    fk_fields = ("agency", "port", "authority", "parent")
    select_related = ("authority", "port__authority", "parent")
    self_link = "parent"

    def prefetch(self, rows):
        self.authorities = {
            a.code: a for a in Authority.objects.filter(code__in=_codes(rows, "authority"))
        }
        self.ports = {
            p.code: p
            for p in Port.objects.filter(code__in=_codes(rows, "port")).select_related("authority")
        }
        self.agencies = {a.code: a for a in Agency.objects.filter(code__in=_codes(rows, "agency"))}
        parent_codes = _codes(rows, "parent") - set(self.current)
        self.parents = {
            u.code: u
            for u in Unit.objects.filter(code__in=parent_codes).select_related(
                "authority", "parent"
            )
        }
        self.parents.update(self.current)

    def _value(self, row, name, current):
        """The code the row sets for a foreign key, or the current one when the column is absent."""
        if name in row.values:
            return row.values[name] or None
        related = getattr(current, name) if current is not None else None
        return related.code if related is not None else None

    def check(self, row):
        current = self.current.get(row.code)
        if current is not None and not self.scope.edits_path(current.authority.path):
            return _outside(row)
        authority_code = self._value(row, "authority", current)
        authority = self.authorities.get(authority_code) or (
            current.authority if current and authority_code == current.authority.code else None
        )
        if authority is None or not _knows_authority(self.scope, authority.path):
            return _unknown(row, self.kind, "authority", authority_code)
        if not self.scope.edits_path(authority.path):
            return _outside(row)
        if authority.level == Authority.Level.NATIONAL:
            _error(
                row,
                self.kind,
                "authority",
                _("A participating unit belongs to a local authority."),
            )
        agency_code = row.values.get("agency")
        if agency_code and agency_code not in self.agencies:
            _unknown(row, self.kind, "agency", agency_code)
        port_code = self._value(row, "port", current)
        if port_code:
            port = self.ports.get(port_code) or (current.port if current else None)
            if (
                port is None
                or port.code != port_code
                or not self.scope.sees_path(port.authority.path)
            ):
                _unknown(row, self.kind, "port", port_code)
            elif not (
                port.authority.path.startswith(authority.path)
                or authority.path.startswith(port.authority.path)
            ):
                _error(row, self.kind, "port", _("The port is not in the owning authority's area."))
        parent_code = self._value(row, "parent", current)
        if parent_code:
            self._check_parent(row, parent_code, authority_code)

    def _check_parent(self, row, parent_code, authority_code):
        if parent_code == row.code:
            return _error(row, self.kind, "parent", _("A unit cannot be its own parent."))
        if parent_code in self.by_code:
            parent_row = self.by_code[parent_code]
            parent_authority = self._value(parent_row, "authority", self.current.get(parent_code))
            grandparent = self._value(parent_row, "parent", self.current.get(parent_code))
        elif parent_code in self.parents:
            parent = self.parents[parent_code]
            if not self.scope.sees_path(parent.authority.path):
                return _unknown(row, self.kind, "parent", parent_code)
            parent_authority = parent.authority.code
            grandparent = parent.parent.code if parent.parent else None
        else:
            return _unknown(row, self.kind, "parent", parent_code)
        if grandparent == row.code:
            return _error(row, self.kind, "parent", _("Units cannot be each other's parent."))
        if parent_authority != authority_code:
            _error(
                row,
                self.kind,
                "parent",
                _("A sub-unit belongs to the same authority as its parent unit."),
            )
        if parent_code in self.by_code and parent_code not in self.current:
            row.depth = self._depth(parent_code) + 1

    def _depth(self, code, trail=()):
        row = self.by_code.get(code)
        if row is None or code in self.current or code in trail:
            return 0
        parent = row.values.get("parent")
        if not parent or parent not in self.by_code:
            return 0
        return self._depth(parent, (*trail, code)) + 1

    def resolved(self, row):
        # Targets that exist go in as ids: cheaper than objects for thousands of rows.
        values = dict(row.values)
        for name, table in (
            ("authority", self.authorities),
            ("port", self.ports),
            ("agency", self.agencies),
        ):
            if name in values:
                code = values.pop(name)
                values[f"{name}_id"] = table[code].pk if code else None
        if "parent" in values:
            code = values.pop("parent")
            if code in self.by_code and code not in self.current:
                values["parent"] = self.by_code[code].instance
            else:
                values["parent_id"] = self.parents[code].pk if code else None
        return values


class PersonPlanner(Planner):
    kind = "people"
    model = Person
    fields = services.PERSON_FIELDS
    fk_fields = ("unit",)
    select_related = ("unit__authority",)

    def prefetch(self, rows):
        self.units = {
            u.code: u
            for u in Unit.objects.filter(code__in=_codes(rows, "unit")).select_related("authority")
        }

    def check(self, row):
        current = self.current.get(row.code)
        if current is not None and not self.scope.unit_allows_people_edit(current.unit):
            return _outside(row)
        code = row.values.get("unit")
        if code:
            unit = self.units.get(code)
            if unit is None or not _sees_unit(self.scope, unit):
                return _unknown(row, self.kind, "unit", code)
            if not self.scope.unit_allows_people_edit(unit):
                return _outside(row)
        birth = row.values.get("birth_on", current.birth_on if current else None)
        work = row.values.get("joined_work_on", current.joined_work_on if current else None)
        if birth and work and work <= birth:
            _error(
                row,
                self.kind,
                "joined_work_on",
                _("The start of work must come after the date of birth."),
            )

    def resolved(self, row):
        values = dict(row.values)
        if "unit" in values:
            values["unit_id"] = self.units[values.pop("unit")].pk
        return values


PLANNERS = {
    "authorities": AuthorityPlanner,
    "ports": PortPlanner,
    "units": UnitPlanner,
    "people": PersonPlanner,
}


def plan_import(kind, table, scope):
    mapping = map_headers(kind, table.headers)
    return PLANNERS[kind](scope).plan(table, mapping)


def _outcomes(plan):
    name_field = "name"
    return [
        RowOutcome(
            number=row.number,
            code=row.code,
            name=str(row.values.get(name_field, "")),
            action=row.action,
            messages=row.messages,
        )
        for row in plan.rows
    ]


# --- running ------------------------------------------------------------------------------


def _no_progress(done, total, step=""):
    pass


def import_records(*, kind, data, filename, actor, scope=None, dry_run=False, progress=None):
    """Validate a file and, unless `dry_run` or any row is bad, import it all in one go.

    `scope` defaults to the actor's (national when there is no actor, as for the command);
    `progress(done, total, step)`, when given, hears of each of the three steps."""
    if progress is None:
        progress = _no_progress
    if kind not in PLANNERS:
        raise ValueError(f"unknown import kind {kind!r}")
    if scope is None:
        scope = scope_for(actor) if actor is not None else NATIONAL_SCOPE
    result = ImportResult(kind=kind)
    try:
        table = read_table(data, filename)
        progress(1, 3, _("Checking the rows"))
        plan = plan_import(kind, table, scope)
    except ImportFileError as exc:
        result.file_errors.append(str(exc))
        return result
    result.rows = _outcomes(plan)
    if plan.has_errors or dry_run:
        return result
    progress(2, 3, _("Writing the records"))
    try:
        services.records_import_apply(
            actor=actor,
            model=PLANNERS[kind].model,
            creates=plan.creates,
            updates=plan.updates,
            fields=plan.fields,
        )
    except IntegrityError:
        # Another change landed between validation and the write; nothing was written.
        result.file_errors.append(
            _(
                "The records changed while the file was being imported; nothing was written. Try again."
            )
        )
        return result
    result.applied = True
    return result

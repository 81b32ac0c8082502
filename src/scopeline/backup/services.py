"""Export a workspace to one JSON file and import it again (the format: :mod:`.format`).

The export streams: one object per line, read from the database in chunks. The import reads
the whole file, checks all of it (format, version, every field's type and every reference)
before it writes anything, then writes it in one transaction with new ids, keeping every
column as it was, time stamps included.
"""

from __future__ import annotations

import base64
import binascii
import contextlib
import datetime as dt
import json
import secrets
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from functools import cache
from typing import IO, Any, cast

from django.apps import apps
from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.validators import validate_email, validate_slug
from django.db import DatabaseError, IntegrityError, models, transaction
from django.utils import timezone

from scopeline.accounts.models import Membership, User, Workspace
from scopeline.backup.format import (
    EXCLUDED,
    FORMAT,
    JSON_ID_FIELDS,
    SECRET_FIELDS,
    SECTIONS,
    USER_FIELDS,
    VERSION,
    WORKSPACE_FIELDS,
    Section,
)

Progress = Callable[[str, int], None]
AnyField = models.Field[Any, Any]
MAX_PROBLEMS = 50


class BackupError(Exception):
    """A file that cannot be imported, or a workspace that cannot be exported; every problem
    names its place in the file (``$.events[3].date``)."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        super().__init__("\n".join(problems))


@dataclass(frozen=True)
class FieldSpec:
    name: str
    field: AnyField
    kind: str
    """user, ref, decimal, datetime, date, json, binary, file or plain."""
    target: str | None = None
    """The section a reference points into."""
    deferred: bool = False
    """A reference to a row of this or a later section: set after every row exists."""
    secret: bool = False


@dataclass(frozen=True)
class Spec:
    section: Section
    model: type[models.Model]
    fields: tuple[FieldSpec, ...]

    @property
    def label(self) -> str:
        return self.model._meta.label


def _kind(f: AnyField) -> str:
    if isinstance(f, models.DecimalField):
        return "decimal"
    if isinstance(f, models.DateTimeField):
        return "datetime"
    if isinstance(f, models.DateField):
        return "date"
    if isinstance(f, models.JSONField):
        return "json"
    if isinstance(f, models.BinaryField):
        return "binary"
    if isinstance(f, models.FileField):
        return "file"
    return "plain"


@cache
def specs() -> tuple[Spec, ...]:
    """Each section's model and how each of its columns is written."""
    index = {s.model: i for i, s in enumerate(SECTIONS)}
    key = {s.model: s.key for s in SECTIONS}
    out = []
    for position, section in enumerate(SECTIONS):
        model = apps.get_model(section.model)
        fields = []
        for f in model._meta.concrete_fields:
            if f.primary_key:
                continue
            secret = (model._meta.label, f.name) in SECRET_FIELDS
            if f.is_relation:
                related = f.related_model
                assert isinstance(related, type)
                assert issubclass(related, models.Model)
                if related is Workspace:
                    continue
                if related._meta.label == settings.AUTH_USER_MODEL:
                    fields.append(FieldSpec(f.name, f, "user"))
                    continue
                label = related._meta.label
                if label not in key:
                    raise RuntimeError(f"{section.model}.{f.name} refers to {label}, not backed up")
                deferred = index[label] >= position
                if deferred and not f.null:
                    raise RuntimeError(
                        f"{section.model}.{f.name}: a deferred reference must be nullable"
                    )
                fields.append(FieldSpec(f.name, f, "ref", key[label], deferred))
                continue
            fields.append(FieldSpec(f.name, f, _kind(f), secret=secret))
        out.append(Spec(section, model, tuple(fields)))
    return tuple(out)


def workspace_models() -> set[str]:
    """Every model with a chain of required references to a workspace (for the test that
    keeps :data:`SECTIONS` complete)."""
    found = {Workspace._meta.label}
    changed = True
    while changed:
        changed = False
        for model in apps.get_models():
            label = model._meta.label
            if label in found:
                continue
            for f in model._meta.concrete_fields:
                related = f.related_model
                if (
                    f.is_relation
                    and isinstance(related, type)
                    and related._meta.label in found
                    and related._meta.label != settings.AUTH_USER_MODEL
                    and not f.null
                ):
                    found.add(label)
                    changed = True
                    break
    return found - {Workspace._meta.label}


assert not set(EXCLUDED) & {s.model for s in SECTIONS}


# -- export ------------------------------------------------------------------------------------


def _queryset(spec: Spec, workspace: Workspace) -> models.QuerySet[models.Model]:
    manager = spec.model._default_manager
    return manager.filter(**{spec.section.workspace_path: workspace}).order_by("pk")


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _dump(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def _export_value(fs: FieldSpec, obj: models.Model, emails: dict[int, str], where: str) -> Any:
    value = getattr(obj, fs.field.attname)
    if value is None:
        return None
    match fs.kind:
        case "user":
            return emails[value]
        case "ref":
            return value
        case "decimal":
            return str(value)
        case "datetime" | "date":
            return value.isoformat()
        case "binary":
            return _b64(bytes(value))
        case "file":
            if not value.name:
                return None
            try:
                with value.storage.open(value.name, "rb") as handle:
                    data = handle.read()
            except OSError as exc:
                raise BackupError(
                    [f"{where}.{fs.name}: the stored file {value.name} cannot be read: {exc}"]
                ) from None
            return {"name": value.name, "content": _b64(data)}
    return value


def export_workspace(
    *,
    workspace: Workspace,
    out: IO[str],
    include_secrets: bool = False,
    progress: Progress | None = None,
) -> dict[str, int]:
    """Write ``workspace`` to ``out`` in the backup format; returns the rows per section."""
    all_specs = specs()
    workspace = Workspace.objects.get(pk=workspace.pk)  # as stored, not as a caller holds it
    user_ids: set[int] = set()
    for spec in all_specs:
        for fs in spec.fields:
            if fs.kind == "user":
                ids = _queryset(spec, workspace).exclude(**{f"{fs.field.attname}__isnull": True})
                user_ids.update(ids.values_list(fs.field.attname, flat=True).distinct())
    users = list(User.objects.filter(pk__in=user_ids).order_by("email"))
    emails = {u.pk: u.email for u in users}

    header: dict[str, Any] = {
        "format": FORMAT,
        "version": VERSION,
        "exported_at": timezone.now().isoformat(),
        "secrets": include_secrets,
        "workspace": {name: _plain(getattr(workspace, name)) for name in WORKSPACE_FIELDS},
    }
    out.write("{\n")
    for name, value in header.items():
        out.write(f"{_dump(name)}: {_dump(value)},\n")

    def user_row(user: User) -> dict[str, Any]:
        row: dict[str, Any] = {"email": user.email}
        row |= {name: getattr(user, name) for name in USER_FIELDS}
        if include_secrets:
            row["password"] = user.password
        return row

    counts = {"users": _write_list(out, "users", (user_row(u) for u in users), first=True)}
    if progress:
        progress("users", counts["users"])
    for spec in all_specs:

        def rows(spec: Spec = spec) -> Iterator[dict[str, Any]]:
            for i, obj in enumerate(_queryset(spec, workspace).iterator(chunk_size=500)):
                where = f"$.{spec.section.key}[{i}]"
                row: dict[str, Any] = {"id": obj.pk}
                for fs in spec.fields:
                    if fs.secret and not include_secrets:
                        row[fs.name] = None
                    else:
                        row[fs.name] = _export_value(fs, obj, emails, where)
                yield row

        counts[spec.section.key] = _write_list(out, spec.section.key, rows())
        if progress:
            progress(spec.section.key, counts[spec.section.key])
    out.write("\n}\n")
    return counts


def _plain(value: Any) -> Any:
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def _write_list(
    out: IO[str], key: str, rows: Iterable[dict[str, Any]], *, first: bool = False
) -> int:
    out.write(("" if first else ",\n") + f"{_dump(key)}: [")
    n = 0
    for row in rows:
        out.write(("\n" if n == 0 else ",\n") + _dump(row))
        n += 1
    out.write("\n]" if n else "]")
    return n


# -- validation --------------------------------------------------------------------------------


@dataclass
class Plan:
    """A checked file: Python values ready to write."""

    workspace: dict[str, Any]
    slug: str
    users: dict[str, dict[str, Any]]
    rows: dict[str, list[tuple[int, dict[str, Any]]]] = field(default_factory=dict)
    owner: str | None = None


class _Problems:
    def __init__(self) -> None:
        self.items: list[str] = []

    def add(self, path: str, message: str) -> None:
        if len(self.items) < MAX_PROBLEMS:
            self.items.append(f"{path}: {message}")
        elif len(self.items) == MAX_PROBLEMS:
            self.items.append("… more problems not shown")

    def check(self) -> None:
        if self.items:
            raise BackupError(self.items)


def load_document(stream: IO[bytes] | IO[str]) -> Any:
    try:
        return json.load(stream)
    except json.JSONDecodeError as exc:
        raise BackupError([f"not JSON: line {exc.lineno} column {exc.colno}: {exc.msg}"]) from None
    except UnicodeDecodeError as exc:
        raise BackupError([f"not UTF-8 text: {exc.reason} at byte {exc.start}"]) from None


def _run_validators(f: AnyField, value: Any) -> str | None:
    try:
        f.run_validators(value)
    except ValidationError as exc:
        return "; ".join(str(m) for m in exc.messages)
    empty = f.blank and value == ""
    if f.choices and not empty and value not in {k for k, _v in f.flatchoices}:
        return f"{value!r} is not one of {[k for k, _v in f.flatchoices]}"
    return None


def _check_plain(f: AnyField, value: Any) -> tuple[Any, str | None]:
    if isinstance(f, models.BooleanField):
        return (value, None) if isinstance(value, bool) else (None, "must be true or false")
    if isinstance(f, models.IntegerField):
        if not isinstance(value, int) or isinstance(value, bool):
            return None, "must be a whole number"
    elif isinstance(f, models.UUIDField):
        if not isinstance(value, str):
            return None, "must be a string"
        try:
            value = f.to_python(value)
        except ValidationError:
            return None, "must be a UUID"
    elif not isinstance(value, str):
        return None, "must be a string"
    return value, _run_validators(f, value)


def _check_value(fs: FieldSpec, value: Any, users: dict[str, Any]) -> tuple[Any, str | None]:
    """The Python value of one field of the file, or a problem."""
    f = fs.field
    match fs.kind:
        case "user":
            if not isinstance(value, str) or value not in users:
                return None, f"{value!r} is not one of the file's users"
            return value, None
        case "ref":
            if not isinstance(value, int) or isinstance(value, bool):
                return None, "must be the id of a row of " + str(fs.target)
            return value, None
        case "decimal":
            if not isinstance(value, str):
                return None, "must be a number written as a string"
            try:
                number = Decimal(value)
            except InvalidOperation:
                return None, f"{value!r} is not a number"
            if not number.is_finite():
                return None, f"{value!r} is not a number"
            return number, _run_validators(f, number)
        case "datetime":
            try:
                moment = dt.datetime.fromisoformat(value) if isinstance(value, str) else None
            except ValueError:
                moment = None
            if moment is None:
                return None, "must be a date and time (ISO 8601)"
            if moment.tzinfo is None:
                return None, "must have a time zone offset"
            return moment, None
        case "date":
            try:
                day = dt.date.fromisoformat(value) if isinstance(value, str) else None
            except ValueError:
                day = None
            if day is None or len(value) != 10:
                return None, "must be a date (YYYY-MM-DD)"
            return day, None
        case "json":
            return value, None
        case "binary":
            try:
                return base64.b64decode(value, validate=True), None
            except (binascii.Error, TypeError, ValueError):
                return None, "must be base64"
        case "file":
            if not isinstance(value, dict) or set(value) != {"name", "content"}:
                return None, 'must be {"name": ..., "content": <base64>} or null'
            if not isinstance(value["name"], str) or not value["name"].strip():
                return None, "the file needs a name"
            try:
                data = base64.b64decode(value["content"], validate=True)
            except (binascii.Error, TypeError, ValueError):
                return None, "the file's content must be base64"
            return (value["name"], data), None
    return _check_plain(f, value)


def _default(f: AnyField) -> tuple[bool, Any]:
    """The value of a column the file lacks (written before the column existed)."""
    if f.has_default():
        return True, f.get_default()
    if f.null:
        return True, None
    if f.blank and f.empty_strings_allowed:
        return True, ""
    if isinstance(f, models.DateTimeField) and (f.auto_now or f.auto_now_add):
        return True, timezone.now()
    return False, None


def validate(document: Any, *, slug: str | None = None, owner: str | None = None) -> Plan:
    """Check a whole backup document against this database; ``BackupError`` lists every
    problem (up to 50). Nothing is written."""
    p = _Problems()
    if not isinstance(document, dict):
        raise BackupError(["$: the file is not a JSON object"])
    if document.get("format") != FORMAT:
        raise BackupError([f"$.format: must be {FORMAT!r}, got {document.get('format')!r}"])
    version = document.get("version")
    if version != VERSION:
        newer = isinstance(version, int) and not isinstance(version, bool) and version > VERSION
        hint = " (written by a newer Scopeline; upgrade first)" if newer else ""
        raise BackupError(
            [f"$.version: this Scopeline reads version {VERSION}, got {version!r}{hint}"]
        )
    known = {"format", "version", "exported_at", "secrets", "workspace", "users"}
    known |= {s.key for s in SECTIONS}
    for name in document:
        if name not in known:
            p.add(f"$.{name}", "unknown section")

    workspace = _check_workspace(document.get("workspace"), p)
    target_slug = slug or str(workspace.get("slug") or "")
    try:
        validate_slug(target_slug)
    except ValidationError:
        p.add(
            "--slug" if slug else "$.workspace.slug", f"{target_slug!r} is not a valid short name"
        )
    else:
        if Workspace.objects.filter(slug=target_slug).exists():
            where = "--slug" if slug else "$.workspace.slug"
            p.add(where, f"a workspace {target_slug!r} already exists; choose another with --slug")

    users = _check_users(document.get("users", []), p)
    emails = {v["email"] for v in users.values()}
    if (
        owner is not None
        and owner.lower() not in emails
        and not User.objects.filter(email=owner.lower()).exists()
    ):
        p.add("--owner", f"no user {owner!r} in this database or in the file")

    plan = Plan(
        workspace=workspace, slug=target_slug, users=users, owner=owner.lower() if owner else None
    )
    ids: dict[str, set[int]] = {}
    for spec in specs():
        key = spec.section.key
        raw_rows = document.get(key, [])
        ids[key] = set()
        plan.rows[key] = []
        if not isinstance(raw_rows, list):
            p.add(f"$.{key}", "must be a list")
            continue
        names = {fs.name for fs in spec.fields} | {"id"}
        for i, raw in enumerate(raw_rows):
            path = f"$.{key}[{i}]"
            if not isinstance(raw, dict):
                p.add(path, "must be an object")
                continue
            for name in raw:
                if name not in names:
                    p.add(f"{path}.{name}", "unknown field")
            old_id = raw.get("id")
            if not isinstance(old_id, int) or isinstance(old_id, bool):
                p.add(f"{path}.id", "must be a whole number")
                continue
            if old_id in ids[key]:
                p.add(f"{path}.id", f"the id {old_id} is used twice in {key}")
            ids[key].add(old_id)
            values: dict[str, Any] = {}
            for fs in spec.fields:
                if fs.name not in raw:
                    has, default = _default(fs.field)
                    if not has:
                        p.add(f"{path}.{fs.name}", "missing")
                    values[fs.name] = default
                    continue
                value = raw[fs.name]
                if value is None:
                    if (
                        not fs.field.null
                        and not fs.secret
                        and not (fs.kind == "file" and fs.field.blank)
                    ):
                        p.add(f"{path}.{fs.name}", "must not be null")
                    values[fs.name] = None
                    continue
                checked, problem = _check_value(fs, value, users)
                if problem:
                    p.add(f"{path}.{fs.name}", problem)
                elif fs.kind == "ref" and not fs.deferred and checked not in ids[str(fs.target)]:
                    p.add(
                        f"{path}.{fs.name}",
                        f"refers to {fs.target} id {checked}, which is not in the file",
                    )
                values[fs.name] = checked
            plan.rows[key].append((old_id, values))
    # References to this or later sections, now that every id is known.
    for spec in specs():
        for fs in spec.fields:
            if not fs.deferred:
                continue
            for i, (_old, values) in enumerate(plan.rows[spec.section.key]):
                target = values.get(fs.name)
                if target is not None and target not in ids[str(fs.target)]:
                    p.add(
                        f"$.{spec.section.key}[{i}].{fs.name}",
                        f"refers to {fs.target} id {target}, which is not in the file",
                    )
    p.check()
    return plan


def _check_workspace(raw: Any, p: _Problems) -> dict[str, Any]:
    if not isinstance(raw, dict):
        p.add("$.workspace", "must be an object")
        return {}
    out: dict[str, Any] = {}
    for name in raw:
        if name not in WORKSPACE_FIELDS:
            p.add(f"$.workspace.{name}", "unknown field")
    for name in WORKSPACE_FIELDS:
        f = cast(AnyField, Workspace._meta.get_field(name))
        if name not in raw:
            has, default = _default(f)
            if not has:
                p.add(f"$.workspace.{name}", "missing")
            out[name] = default
            continue
        checked, problem = _check_value(FieldSpec(name, f, _kind(f)), raw[name], {})
        if problem:
            p.add(f"$.workspace.{name}", problem)
        out[name] = checked
    return out


def _check_users(raw: Any, p: _Problems) -> dict[str, dict[str, Any]]:
    if not isinstance(raw, list):
        p.add("$.users", "must be a list")
        return {}
    users: dict[str, dict[str, Any]] = {}
    for i, item in enumerate(raw):
        path = f"$.users[{i}]"
        if not isinstance(item, dict) or not isinstance(item.get("email"), str):
            p.add(path, "must be an object with an e-mail address")
            continue
        email = item["email"].strip().lower()
        try:
            validate_email(email)
        except ValidationError:
            p.add(f"{path}.email", f"{item['email']!r} is not an e-mail address")
            continue
        if email in users:
            p.add(f"{path}.email", f"{email} is listed twice")
        values: dict[str, Any] = {}
        for name, value in item.items():
            if name == "email":
                continue
            if name == "password":
                if not isinstance(value, str):
                    p.add(f"{path}.password", "must be a string")
                values["password"] = value
                continue
            if name not in USER_FIELDS:
                p.add(f"{path}.{name}", "unknown field")
                continue
            f = cast(AnyField, User._meta.get_field(name))
            checked, problem = _check_plain(f, value)
            if problem:
                p.add(f"{path}.{name}", problem)
            values[name] = checked
        users[item["email"]] = values | {"email": email}
    return users


# -- import ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ImportSummary:
    workspace: Workspace
    counts: dict[str, int]
    users_created: list[str]
    renamed: dict[str, int]
    """Unique values (portal link hashes, token prefixes...) already taken in this database,
    given new random values: section.field -> how many."""


def _placeholder(spec: Spec, fs: FieldSpec) -> Any:
    """A value for a secret the file leaves out: random, so it opens nothing."""
    if (spec.label, fs.name) == ("intake.IntakeMailbox", "password"):
        return ""
    size = fs.field.max_length or 64
    return secrets.token_hex(32)[:size]


def _fresh(value: str) -> str:
    return secrets.token_hex((len(value) + 1) // 2)[: len(value)]


def import_workspace(
    *,
    document: Any,
    slug: str | None = None,
    owner: str | None = None,
    progress: Progress | None = None,
) -> ImportSummary:
    """Create the workspace of a backup document in this database, or change nothing."""
    plan = validate(document, slug=slug, owner=owner)
    stored: list[tuple[Any, str]] = []
    try:
        return _write(plan, progress, stored)
    except (IntegrityError, DatabaseError) as exc:
        _remove_files(stored)
        raise BackupError([f"the database refused the data, nothing was imported: {exc}"]) from exc
    except BaseException:
        _remove_files(stored)
        raise


def _remove_files(stored: list[tuple[Any, str]]) -> None:
    for storage, name in stored:
        with contextlib.suppress(OSError):
            storage.delete(name)


@transaction.atomic
def _write(plan: Plan, progress: Progress | None, stored: list[tuple[Any, str]]) -> ImportSummary:
    users: dict[str, User] = {}
    created: list[str] = []
    for key, values in plan.users.items():
        email = values["email"]
        user = User.objects.filter(email=email).first()
        if user is None:
            user = User(email=email, **{n: values[n] for n in USER_FIELDS if n in values})
            user.password = values.get("password") or make_password(None)
            user.save()
            created.append(email)
        users[key] = user
    if progress:
        progress("users", len(users))

    workspace = Workspace(**{**plan.workspace, "slug": plan.slug})
    workspace.save_base(raw=True)

    maps: dict[str, dict[int, int]] = {"workspace": {}}
    deferred: list[tuple[type[models.Model], int, str, str, str, int]] = []
    renamed: dict[str, int] = {}
    counts: dict[str, int] = {}
    class_sections = {spec.model.__name__: spec.section.key for spec in specs()}

    def new_id(section: str, old: str) -> str:
        if old.isdigit() and int(old) in maps.get(section, {}):
            return str(maps[section][int(old)])
        return old

    for spec in specs():
        key = spec.section.key
        rows = plan.rows[key]
        maps[key] = {}
        taken = _taken_unique_values(spec, rows)
        for old_id, values in rows:
            obj = spec.model()
            for f in spec.model._meta.concrete_fields:
                if f.is_relation and f.related_model is Workspace:
                    setattr(obj, f.attname, workspace.pk)
            for fs in spec.fields:
                value = values[fs.name]
                if fs.kind == "user":
                    value = None if value is None else users[value].pk
                elif fs.kind == "ref":
                    if value is not None and fs.deferred:
                        deferred.append(
                            (spec.model, old_id, key, fs.field.attname, str(fs.target), value)
                        )
                        value = None
                    elif value is not None:
                        value = maps[str(fs.target)][value]
                elif fs.kind == "file":
                    if value is None:
                        value = ""
                    else:
                        name, data = value
                        assert isinstance(fs.field, models.FileField)
                        value = fs.field.storage.save(name, ContentFile(data))
                        stored.append((fs.field.storage, value))
                elif value is None and fs.secret:
                    value = _placeholder(spec, fs)
                if (spec.label, fs.name) in JSON_ID_FIELDS:
                    value = JSON_ID_FIELDS[(spec.label, fs.name)](value, new_id)
                if fs.name in taken and value in taken[fs.name]:
                    value = _fresh(value)
                    renamed[f"{key}.{fs.name}"] = renamed.get(f"{key}.{fs.name}", 0) + 1
                setattr(obj, fs.field.attname, value)
            if spec.label == "accounts.AuditEntry":
                section = class_sections.get(str(values["object_type"]))
                if values["object_type"] == "Workspace":
                    obj.object_id = str(workspace.pk)  # type: ignore[attr-defined]
                elif section is not None:
                    obj.object_id = new_id(section, str(values["object_id"]))  # type: ignore[attr-defined]
            obj.save_base(raw=True)
            maps[key][old_id] = obj.pk
        counts[key] = len(rows)
        if progress:
            progress(key, len(rows))
    for model, old_id, key, attname, target_section, target in deferred:
        model._default_manager.filter(pk=maps[key][old_id]).update(
            **{attname: maps[target_section][target]}
        )
    if plan.owner:
        by_email = {u.email: u for u in users.values()}
        owner = by_email.get(plan.owner) or User.objects.get(email=plan.owner)
        Membership.objects.update_or_create(
            workspace=workspace, user=owner, defaults={"role": Membership.Role.OWNER}
        )
    return ImportSummary(workspace, counts, created, renamed)


def _taken_unique_values(spec: Spec, rows: list[tuple[int, dict[str, Any]]]) -> dict[str, set[Any]]:
    """Values of the section's unique text columns that this database already has."""
    taken: dict[str, set[Any]] = {}
    for fs in spec.fields:
        if fs.kind != "plain" or not fs.field.unique or fs.field.is_relation:
            continue
        wanted = [v[fs.name] for _id, v in rows if v[fs.name] is not None]
        found: set[Any] = set()
        for start in range(0, len(wanted), 500):
            chunk = wanted[start : start + 500]
            found |= set(
                spec.model._default_manager.filter(**{f"{fs.name}__in": chunk}).values_list(
                    fs.name, flat=True
                )
            )
        if found:
            taken[fs.name] = found
    return taken

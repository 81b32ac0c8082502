"""The ``scopeline`` command: the core's engine on an agreement file, no database needed.

Kept light on purpose: it imports the core only (never Django), so it starts fast.
Exit codes: 0 success, 1 unexpected failure, 2 bad input (a bad agreement file, a bad option).
"""

from __future__ import annotations

import datetime as dt
import json
import sys
from collections.abc import Callable
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn, TypeVar

import click

from scopeline import __version__
from scopeline.core.errors import AgreementError
from scopeline.core.languages import SUPPORTED_LANGUAGES, Language, parse_language

if TYPE_CHECKING:
    from decimal import Decimal

    from scopeline.core.agreement import Agreement
    from scopeline.core.ledger import Allowance, ProjectState
    from scopeline.core.replies.advice import AdviceLibrary
    from scopeline.core.replies.bank import Tone
    from scopeline.core.triage.engine import TriageEngine
    from scopeline.core.triage.verdict import Verdict

EXIT_BAD_INPUT = 2
F = TypeVar("F", bound=Callable[..., object])


def _format_option(
    text: str = "text for people, json for scripts (amounts as exact decimal strings).",
) -> Callable[[F], F]:
    return click.option(
        "--format",
        "fmt",
        type=click.Choice(["text", "json"]),
        default="text",
        show_default=True,
        help=text,
    )


CONTEXT_SETTINGS = {"help_option_names": ["-h", "--help"], "max_content_width": 100}


class _LanguageType(click.ParamType):  # type: ignore[type-arg]
    name = "LANG"

    def convert(
        self, value: object, param: click.Parameter | None, ctx: click.Context | None
    ) -> Language:
        lang = parse_language(str(value))
        if lang is None:
            self.fail(f"{value!r} is not one of {', '.join(SUPPORTED_LANGUAGES)}", param, ctx)
        return lang


def _fail_on_agreement(error: AgreementError) -> NoReturn:
    for problem in error.problems:
        click.echo(f"error: {problem}", err=True)
    count = len(error.problems)
    click.echo(f"{count} problem{'s' if count != 1 else ''} found; nothing was changed.", err=True)
    sys.exit(EXIT_BAD_INPUT)


def _load(path: str) -> Agreement:
    from scopeline.core.loading import load_agreement

    try:
        return load_agreement(path)
    except AgreementError as exc:
        _fail_on_agreement(exc)


@click.group(context_settings=CONTEXT_SETTINGS)
@click.version_option(__version__, "-V", "--version", prog_name="scopeline")
def cli() -> None:
    """Scopeline: say "no" to a client, or "yes, for a price", without losing the client.

    Works on an agreement file (YAML or JSON, format v1). Start with `scopeline init`,
    check the file with `scopeline check`, and see where the project stands with
    `scopeline status`.
    """


@cli.command()
@click.argument("file", default="agreement.yaml", type=click.Path(dir_okay=False, allow_dash=True))
@click.option("--force", is_flag=True, help="Overwrite FILE if it exists.")
def init(file: str, force: bool) -> None:
    """Write a commented example agreement to FILE (default: agreement.yaml; - for stdout).

    Edit it to describe your project, then run `scopeline check FILE`.
    """
    template = resources.files("scopeline.core").joinpath("data/agreement-template.yaml")
    text = template.read_text(encoding="utf-8")
    if file == "-":
        click.echo(text, nl=False)
        return
    target = Path(file)
    if target.exists() and not force:
        click.echo(f"error: {file} already exists; use --force to overwrite it.", err=True)
        sys.exit(EXIT_BAD_INPUT)
    try:
        target.write_text(text, encoding="utf-8")
    except OSError as exc:
        click.echo(f"error: cannot write {file}: {exc.strerror}", err=True)
        sys.exit(EXIT_BAD_INPUT)
    click.echo(f"Wrote {file}. Edit it, then run: scopeline check {file}")


@cli.command()
@click.argument("files", nargs=-1, required=True, type=click.Path(dir_okay=False))
@click.option("-q", "--quiet", is_flag=True, help="Print problems only.")
def check(files: tuple[str, ...], quiet: bool) -> None:
    """Validate one or more agreement FILES; exit code 2 if any has a problem."""
    from scopeline.core.loading import load_agreement

    bad = 0
    for file in files:
        try:
            agreement = load_agreement(file)
        except AgreementError as exc:
            bad += 1
            for problem in exc.problems:
                click.echo(f"error: {problem}", err=True)
            continue
        if not quiet:
            click.echo(
                f"{file}: OK — {agreement.project}: "
                f"{_plural(len(agreement.scope), 'scope item')}, "
                f"{_plural(len(agreement.exclusions), 'exclusion')}, "
                f"{_plural(len(agreement.ledger), 'ledger event')}"
            )
    if bad:
        click.echo(f"{bad} of {len(files)} file{'s' if len(files) != 1 else ''} invalid.", err=True)
        sys.exit(EXIT_BAD_INPUT)


@cli.command()
@click.argument("file", type=click.Path(dir_okay=False))
@click.option(
    "--lang",
    type=_LanguageType(),
    default=None,
    help="Language of the statement (en, fi, ro, zh-Hant, zh-Hans). Default: the client's.",
)
@_format_option()
def status(file: str, lang: Language | None, fmt: str) -> None:
    """Show where the project in FILE stands: money, allowances, hours, and the statement.

    The statement is written for the client, in the client's language unless --lang is given.
    """
    from scopeline.core.ledger import project_state
    from scopeline.core.status import status_statement

    agreement = _load(file)
    state = project_state(agreement)
    language: Language = lang or agreement.lang
    statement = status_statement(agreement, state, language)
    if fmt == "json":
        payload = {
            "project": agreement.project,
            "client": agreement.client.name,
            "state": state.as_dict(),
            "statement": {"lang": language, "text": statement},
        }
        click.echo(json.dumps(payload, ensure_ascii=False, indent=2))
        return
    click.echo(_state_table(agreement, state))
    click.echo("")
    click.echo(f"Statement ({language}):")
    click.echo(statement)


def _batch_options(noun: str) -> Callable[[F], F]:
    """--jsonl, --output and --catalogue, shared by `triage` and `reply`."""

    def decorate(command: F) -> F:
        for option in reversed(
            [
                click.option(
                    "--jsonl",
                    "jsonl",
                    type=click.Path(dir_okay=False, allow_dash=True),
                    help='A batch: one {"id": ..., "text": ...} per line (- for stdin); '
                    "prints one JSON object per line, in order, with the input's ids.",
                ),
                click.option(
                    "--output",
                    "-o",
                    type=click.Path(dir_okay=False, writable=True),
                    help=f"With --jsonl: write the {noun} here (written whole at the end) "
                    "instead of stdout.",
                ),
                click.option(
                    "--catalogue",
                    "catalogues",
                    multiple=True,
                    type=click.Path(dir_okay=False, exists=True),
                    help="An estimate catalogue (YAML) to merge over the shipped one; repeatable.",
                ),
            ]
        ):
            command = option(command)
        return command

    return decorate


def _check_batch_args(message: str | None, jsonl: str | None, output: str | None) -> None:
    if message is not None and jsonl is not None:
        raise click.UsageError("give either MESSAGE or --jsonl, not both")
    if output is not None and jsonl is None:
        raise click.UsageError("--output goes with --jsonl")


def _message_text(message: str | None) -> str | bytes:
    """MESSAGE, or stdin for - or nothing (as bytes: the engine tells text from binary)."""
    if message is None or message == "-":
        return sys.stdin.buffer.read()
    return message


def _engine(catalogues: tuple[str, ...], library: AdviceLibrary | None = None) -> TriageEngine:
    from scopeline.core.triage.engine import TriageEngine
    from scopeline.core.triage.estimate import CatalogueError, load_catalogue

    try:
        catalogue = load_catalogue(catalogues) if catalogues else None
    except CatalogueError as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(EXIT_BAD_INPUT)
    if library is None:
        return TriageEngine(catalogue=catalogue)
    return TriageEngine(catalogue=catalogue, advice=library)


@cli.command()
@click.option(
    "--agreement",
    "agreement_file",
    required=True,
    type=click.Path(dir_okay=False),
    help="The agreement file (YAML or JSON) the messages are about.",
)
@click.argument("message", required=False)
@_batch_options("verdicts")
@click.option("--compact", is_flag=True, help="One line of JSON for a single message.")
def triage(
    agreement_file: str,
    message: str | None,
    jsonl: str | None,
    output: str | None,
    catalogues: tuple[str, ...],
    compact: bool,
) -> None:
    """Triage client messages: kind, language, scope clause, estimate, price, action, reasons.

    Give one MESSAGE as an argument (- or nothing reads it from stdin), or a batch with
    --jsonl. Prints one JSON verdict per message, in input order, with the input's ids.
    A message never makes this fail: unreadable ones get kind "other" with a reason.
    """
    _check_batch_args(message, jsonl, output)
    agreement = _load(agreement_file)
    engine = _engine(catalogues)
    if jsonl is None:
        text = _message_text(message)
        verdict = engine.triage(agreement, text)
        click.echo(json.dumps(verdict.as_dict(), ensure_ascii=False, indent=None if compact else 2))
        return
    _triage_batch(engine, agreement, jsonl, output)


def _triage_batch(
    engine: TriageEngine,
    agreement: Agreement,
    source: str,
    output: str | None,
    *,
    label: str = "Triaging",
    noun: str = "verdicts",
    extend: Callable[[str, Verdict, dict[str, object]], None] | None = None,
) -> None:
    """Triage a JSONL batch in order; ``extend`` adds to each line (the reply, for `reply`)."""
    from scopeline.core.triage.batch import read_jsonl, write_atomically

    try:
        raw = sys.stdin.buffer.read() if source == "-" else Path(source).read_bytes()
    except OSError as exc:
        click.echo(f"error: cannot read {source}: {exc.strerror}", err=True)
        sys.exit(EXIT_BAD_INPUT)
    items, problems = read_jsonl(raw)
    for problem in problems:
        click.echo(f"warning: {source}:{problem}", err=True)
    verdicts = engine.triage_many(agreement, ((i.id, i.text) for i in items))
    lines: list[str] = []
    show_progress = sys.stdout.isatty() or (output is not None and sys.stderr.isatty())
    with click.progressbar(
        verdicts,
        length=len(items),
        label=label,
        file=sys.stderr,
        hidden=not show_progress,
    ) as bar:
        for item, verdict in zip(items, bar, strict=True):
            data = verdict.as_dict()
            data["id"] = item.id
            if item.error:
                reasons = data["reasons"]
                data["reasons"] = [item.error, *(reasons if isinstance(reasons, list) else [])]
            if extend is not None:
                extend(item.text, verdict, data)
            line = json.dumps(data, ensure_ascii=False)
            if output is None:
                click.echo(line)
            else:
                lines.append(line)
    if output is not None:
        try:
            write_atomically(Path(output), "".join(f"{line}\n" for line in lines))
        except OSError as exc:
            click.echo(f"error: cannot write {output}: {exc.strerror}", err=True)
            sys.exit(EXIT_BAD_INPUT)
        click.echo(f"Wrote {len(lines)} {noun} to {output}.", err=True)


_TONES = ("warm", "neutral", "firm")


def _tone_option() -> Callable[[F], F]:
    return click.option(
        "--tone",
        type=click.Choice(_TONES),
        default="neutral",
        show_default=True,
        help="Wording of the text; the facts stay the same.",
    )


def _advice(files: tuple[str, ...]) -> AdviceLibrary:
    from scopeline.core.replies.advice import AdviceError, load_advice

    try:
        return load_advice(files)
    except AdviceError as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(EXIT_BAD_INPUT)


@cli.command()
@click.option(
    "--agreement",
    "agreement_file",
    required=True,
    type=click.Path(dir_okay=False),
    help="The agreement file (YAML or JSON) the messages are about.",
)
@click.argument("message", required=False)
@_tone_option()
@_format_option(
    "text: the verdict in brief and the draft; json: the verdict plus a 'reply' object."
)
@_batch_options("verdicts and replies")
@click.option(
    "--advice",
    "advice_files",
    multiple=True,
    type=click.Path(dir_okay=False, exists=True),
    help="An advice library (YAML) to merge over the shipped one; repeatable.",
)
@click.option(
    "--date",
    "today",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    help="The date the reply is written on, for fix and delivery dates (default: today).",
)
def reply(
    agreement_file: str,
    message: str | None,
    tone: str,
    fmt: str,
    jsonl: str | None,
    output: str | None,
    advice_files: tuple[str, ...],
    catalogues: tuple[str, ...],
    today: dt.datetime | None,
) -> None:
    """Triage a client message and draft the reply in the client's language.

    The draft restates the request, gives the facts from the agreement and the ledger
    (clause, allowances, hours, price, schedule), the reasons and the options. With --jsonl
    the messages are taken as one conversation with the client, oldest first: once earlier
    replies have cited the agreement, later ones lead with value and options instead.
    """
    _check_batch_args(message, jsonl, output)
    agreement = _load(agreement_file)
    library = _advice(advice_files)
    from scopeline.core.replies.composer import compose_reply

    engine = _engine(catalogues, library)
    date = today.date() if today else None
    chosen_tone: Tone = tone  # type: ignore[assignment]  # click.Choice validated it
    if jsonl is not None:
        _reply_batch(engine, agreement, jsonl, output, chosen_tone, library, date)
        return
    text = _message_text(message)
    verdict = engine.triage(agreement, text)
    drafted = compose_reply(
        verdict, agreement, message=text, tone=chosen_tone, advice=library, today=date
    )
    if fmt == "json":
        data = verdict.as_dict()
        data["reply"] = {"lang": drafted.lang, "tone": drafted.tone, "text": drafted.text}
        click.echo(json.dumps(data, ensure_ascii=False, indent=2))
        return
    click.echo(_verdict_brief(verdict))
    click.echo("")
    click.echo(f"Reply ({drafted.lang}, {drafted.tone}):")
    click.echo("")
    click.echo(drafted.text)


def _verdict_brief(verdict: Verdict) -> str:
    scope = verdict.scope
    rows = [
        ("Kind", " + ".join(verdict.kinds) + f" (confidence {verdict.confidence:.2f})"),
        ("Language", verdict.lang),
        (
            "Scope",
            scope.verdict
            + (f": {scope.item}" if scope.item else "")
            + (f" — {scope.title}" if scope.title else ""),
        ),
        ("Action", verdict.action),
    ]
    if verdict.estimate.hours > 0:
        e = verdict.estimate
        rows.append(("Estimate", f"{e.hours} h ({e.low}–{e.high} h)"))
    if verdict.price is not None:
        p = verdict.price
        note = "" if p.chargeable else " (not charged)"
        rows.append(("Price", f"{p.amount} {p.currency}{note}"))
    if verdict.advice:
        rows.append(("Advice", verdict.advice))
    width = max(len(label) for label, _ in rows)
    lines = [f"{label:<{width}}  {value}" for label, value in rows]
    lines += [f"{'Why' if i == 0 else '':<{width}}  - {r}" for i, r in enumerate(verdict.reasons)]
    return "\n".join(lines)


def _reply_batch(
    engine: TriageEngine,
    agreement: Agreement,
    source: str,
    output: str | None,
    tone: Tone,
    library: AdviceLibrary,
    today: dt.date | None,
) -> None:
    """Replies to a batch, taken as one conversation: what earlier replies cited counts."""
    from scopeline.core.ledger import project_state
    from scopeline.core.replies.composer import compose_reply

    state = project_state(agreement)
    cited: list[bool] = []

    def add_reply(text: str, verdict: Verdict, data: dict[str, object]) -> None:
        drafted = compose_reply(
            verdict,
            agreement,
            message=text,
            state=state,
            tone=tone,
            recent_cited=cited,
            advice=library,
            today=today,
        )
        cited.append(drafted.cites_agreement)
        data["reply"] = {"lang": drafted.lang, "tone": drafted.tone, "text": drafted.text}

    _triage_batch(
        engine, agreement, source, output, label="Replying", noun="replies", extend=add_reply
    )


@cli.command(name="exit")
@click.option(
    "--agreement",
    "agreement_file",
    required=True,
    type=click.Path(dir_okay=False),
    help="The agreement file (YAML or JSON) of the project to end.",
)
@_tone_option()
@click.option("--lang", type=_LanguageType(), help="Language of the text (default: the client's).")
@_format_option(
    "json: the parts (status, options, farewell, money options with amounts) and the text."
)
def exit_command(agreement_file: str, tone: str, lang: Language | None, fmt: str) -> None:
    """The exit kit: where the project stands, two priced options to continue, a farewell,
    and the money options with their amounts, in the client's language."""
    agreement = _load(agreement_file)
    from scopeline.core.replies.exit_kit import exit_kit

    kit = exit_kit(agreement, tone=tone, lang=lang)  # type: ignore[arg-type]
    if fmt == "json":
        click.echo(json.dumps(kit.as_dict(), ensure_ascii=False, indent=2))
        return
    click.echo(kit.text)


@cli.command()
@click.option(
    "--agreement",
    "agreement_file",
    required=True,
    type=click.Path(dir_okay=False),
    help="The agreement file (YAML or JSON) to restate.",
)
@_tone_option()
@click.option("--lang", type=_LanguageType(), help="Language of the text (default: the client's).")
def confirm(agreement_file: str, tone: str, lang: Language | None) -> None:
    """The understanding check: the agreed scope, exclusions, concepts, revision rounds, price
    and dates, restated for the client to confirm before work starts."""
    agreement = _load(agreement_file)
    from scopeline.core.replies.confirm import understanding_check

    click.echo(understanding_check(agreement, tone=tone, lang=lang))  # type: ignore[arg-type]


def _today_option(what: str) -> Callable[[F], F]:
    return click.option(
        "--today",
        "today",
        type=click.DateTime(formats=["%Y-%m-%d"]),
        help=f"The day {what} is made on, YYYY-MM-DD (default: today).",
    )


def _day(today: dt.datetime | None) -> dt.date:
    return today.date() if today else dt.datetime.now().astimezone().date()


class _HoursPerDayType(click.ParamType):  # type: ignore[type-arg]
    name = "HOURS"

    def convert(
        self, value: object, param: click.Parameter | None, ctx: click.Context | None
    ) -> Decimal:
        from decimal import Decimal, InvalidOperation

        try:
            hours = Decimal(str(value).strip())
        except InvalidOperation:
            hours = Decimal("NaN")
        if not hours.is_finite() or not 0 < hours <= 24:
            self.fail(f"{value!r} is not a number of hours above 0 and at most 24", param, ctx)
        return hours


@cli.command()
@click.argument("file", type=click.Path(dir_okay=False))
@_today_option("the check")
@_format_option()
def health(file: str, today: dt.datetime | None, fmt: str) -> None:
    """The project's red flags with their evidence, its health score and the weekly trend.

    Reads the ledger of the agreement FILE (client messages are not in the file, so the flags
    that come from requests need the web app). Evidence is the ledger entry's position:
    ledger[0] is the first. The rules are in docs/health.md.
    """
    from scopeline.core.events import event_type
    from scopeline.core.health import ProjectHistory, Thresholds, client_health_with_trend

    agreement = _load(file)
    day = _day(today)
    history = ProjectHistory(ref=file, agreement=agreement, events=agreement.ledger)
    result, trend = client_health_with_trend([history], Thresholds(), day)
    if fmt == "json":
        payload = {
            "project": agreement.project,
            "client": agreement.client.name,
            "today": day.isoformat(),
            "health": result.as_dict(),
            "trend": [{"date": p.date.isoformat(), "score": p.score} for p in trend],
        }
        click.echo(json.dumps(payload, ensure_ascii=False, indent=2))
        return
    rows = [
        ("Project", agreement.project),
        ("Client", agreement.client.name),
        ("Date", day.isoformat()),
        ("Score", f"{result.score} of 100"),
        ("Consider ending", "yes" if result.consider_ending else "no"),
        ("Trend", " ".join(str(p.score) for p in trend) + " (weekly, oldest first)"),
    ]
    width = max(len(label) for label, _ in rows)
    click.echo("\n".join(f"{label:<{width}}  {value}" for label, value in rows))
    click.echo("")
    if not result.flags:
        click.echo("No red flags.")
        return
    click.echo("Red flags:")
    for flag in result.flags:
        facts = ", ".join(f"{key} {value}" for key, value in flag.facts.items() if value)
        click.echo(f"  -{flag.penalty:<3} {flag.code}: {facts}")
        for piece in flag.evidence:
            event = agreement.ledger[int(piece.ref)]
            click.echo(f"         ledger[{piece.ref}] {piece.date.isoformat()} {event_type(event)}")


@cli.command()
@click.argument("file", type=click.Path(dir_okay=False))
@_today_option("the check")
@click.option(
    "--hours-per-day",
    type=_HoursPerDayType(),
    default="6",
    show_default=True,
    help="Hours of work on the project per working day.",
)
@_format_option()
def lead(file: str, today: dt.datetime | None, hours_per_day: Decimal, fmt: str) -> None:
    """The lead check, before signing: the budget and the deadline in FILE against the scope's
    estimated hours and the hourly rate. Walk away from unrealistic ones.

    1.15 or more of what is needed is realistic, from 0.85 tight, below that unrealistic;
    working days are Monday to Friday from the start (or today) to the deadline.
    """
    from scopeline.core.lead import lead_check

    agreement = _load(file)
    day = _day(today)
    check = lead_check(agreement, today=day, hours_per_day=hours_per_day)
    if fmt == "json":
        payload = {"project": agreement.project, "today": day.isoformat(), **check.as_dict()}
        click.echo(json.dumps(payload, ensure_ascii=False, indent=2))
        return
    from scopeline.core.money import format_money, format_number

    def money(value: Decimal | None) -> str:
        return "—" if value is None else format_money(value, check.currency, "en", trim=False)

    hours = format_number(check.estimated_hours, "en")
    if check.budget is None:
        money_line = f"{check.money}: no budget; every hour is paid at {money(check.rate)}/h"
    elif check.budget_ratio is None:
        money_line = (
            f"{check.money}: budget {money(check.budget)}, but no cost to compare it with "
            f"(rate {money(check.rate)}/h, {hours} h estimated)"
        )
    else:
        money_line = (
            f"{check.money}: budget {money(check.budget)} for {hours} h at "
            f"{money(check.rate)}/h = {money(check.cost)} (ratio {check.budget_ratio})"
        )
    if check.time is None:
        time_line = "no deadline"
    elif check.days_ratio is None:
        time_line = (
            f"{check.time}: {check.working_days_available} working days to the deadline, "
            "no estimated hours to compare them with"
        )
    else:
        time_line = (
            f"{check.time}: {check.working_days_available} working days to the deadline, "
            f"{check.working_days_needed} needed at {format_number(check.hours_per_day, 'en')} "
            f"h/day (ratio {check.days_ratio})"
        )
    rows = [
        ("Project", agreement.project),
        ("Verdict", check.verdict),
        ("Money", money_line),
        ("Time", time_line),
        ("Unestimated", ", ".join(check.unestimated) or "—"),
    ]
    width = max(len(label) for label, _ in rows)
    click.echo("\n".join(f"{label:<{width}}  {value}" for label, value in rows))


def _state_table(agreement: Agreement, state: ProjectState) -> str:
    from scopeline.core.money import format_money, format_number

    def money(value: Decimal | None) -> str:
        return "—" if value is None else format_money(value, state.currency, "en", trim=False)

    def allowance(a: Allowance) -> str:
        if a.agreed is None:
            return f"{a.used} used (no limit agreed)"
        text = f"{a.used} of {a.agreed} used, {a.left} left"
        return text + (f", {a.over} over" if a.over else "")

    rows = [
        ("Project", agreement.project),
        ("Client", f"{agreement.client.name} ({agreement.lang})"),
        (
            "Price",
            f"{state.price_model}, bid {money(state.bid)}, rate {money(state.hourly_rate)}/h",
        ),
        (
            "Change orders",
            f"{len(state.change_orders)} accepted, {money(state.change_orders_total)}"
            + (
                f"; pending: {', '.join(state.pending_change_orders)}"
                if state.pending_change_orders
                else ""
            ),
        ),
        ("Fees to date", money(state.fees)),
        ("Paid", money(state.paid)),
        ("Outstanding", money(state.outstanding)),
        ("Deposit due", money(state.deposit_due)),
        ("Concepts", allowance(state.concepts)),
        ("Revision rounds", allowance(state.revision_rounds)),
        (
            "Hours",
            f"{format_number(state.hours_logged, 'en')} logged"
            + (
                f" of {format_number(state.hours_budgeted, 'en')} budgeted"
                if state.hours_budgeted is not None
                else ""
            )
            + f" ({format_number(state.hours_favor, 'en')} as favours)",
        ),
        ("Effective rate", f"{money(state.effective_hourly_rate)}/h"),
        (
            "Goodwill",
            f"{format_number(state.goodwill_hours_used, 'en')} of "
            f"{format_number(state.goodwill_budget_hours, 'en')} h used, "
            f"{format_number(state.goodwill_hours_left, 'en')} h left",
        ),
    ]
    width = max(len(label) for label, _ in rows)
    return "\n".join(f"{label:<{width}}  {value}" for label, value in rows)


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def main() -> None:
    """Entry point of the ``scopeline`` console script."""
    cli(prog_name="scopeline")


if __name__ == "__main__":  # pragma: no cover
    main()

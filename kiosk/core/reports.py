"""Reports for the organiser and the files: the agreement register, attendance, the sign-in sheet
(签到表, the paper fallback), and the check-in export for the organiser's systems.

Each report is gathered here as plain tables (kiosk.printing.reports_pdf.ReportDocument) and written
as PDF (kiosk.printing) or XLSX (openpyxl); the check-in export as CSV or XLSX. Every report carries
the event's name, when it was made (the event's timezone) and the station that made it.
"""

from __future__ import annotations

import csv
import json
from collections import Counter
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from kiosk.categories import CATEGORIES, category_label
from kiosk.core import stats
from kiosk.core.agreements import AgreementService, kind_label, state_label
from kiosk.core.desk import Desk
from kiosk.i18n import N_, _, translate
from kiosk.models.clock import wall_ms
from kiosk.models.database import db
from kiosk.models.search_keys import pinyin_sort_key
from kiosk.printing.reports_pdf import ReportDocument, ReportTable, render_report

REPORTS = ("attendance", "agreements", "sign-in")
CHECKIN_COLUMNS = (
    "checkin_id", "guest_id", "name", "organisation", "title", "category", "walk_in", "kind", "session", "station",
    "checked_in_at", "device", "operator",
)


class UnknownReport(ValueError):
    pass


class UnsupportedFormat(ValueError):
    pass


def _made_line(desk: Desk) -> str:
    event = desk.require_event()
    made = event.local_time(wall_ms()).strftime("%Y-%m-%d %H:%M")
    return _("Made {time} at {station}").format(time=made, station=desk.station)


def _document(desk: Desk, title: str, **kwargs) -> ReportDocument:
    event = desk.require_event()
    return ReportDocument(
        title=_(title),
        title_en=translate(title, "en") if _(title) != translate(title, "en") else "",
        event_name=event.name,
        made_line=_made_line(desk),
        page_label=_("Page {page} of {pages}"),
        meta={"event": event.name, "made": _made_line(desk), "station": desk.station},
        **kwargs,
    )


# --- the agreement register -----------------------------------------------------------------------------


def agreements_report(desk: Desk) -> ReportDocument:
    event = desk.require_event()
    service = AgreementService(desk)
    views = [service.get(v.id) for v in service.list()]
    rows = []
    for view in views:
        parties = "\n".join(
            p.name + (f"（{'、'.join(s.name for s in p.signatories)}）" if p.signatories else "") for p in view.parties
        )
        steps = {step.state: step for step in view.history}
        collected = steps.get("collected")
        rows.append((
            view.number,
            kind_label(view.kind),
            view.title,
            parties,
            view.witness,
            view.signing_time,
            state_label(view.state),
            event.local_time(collected.at).strftime("%m-%d %H:%M") + (f" {collected.operator}" if collected.operator
                                                                      else "") if collected else "",
        ))
    counts = service.counts()
    summary = [(_("Agreements"), str(len(views)))]
    summary += [(state_label(state), str(n)) for state, n in counts.items() if n]
    by_kind = Counter(v.kind for v in views)
    summary += [(kind_label(kind), str(n)) for kind, n in sorted(by_kind.items())]
    table = ReportTable(
        title=_("Register of agreements"),
        columns=(_("No."), _("Kind"), _("Agreement title"), _("Parties and signatories"), _("Witness"), _("Signed at"),
                 _("State"), _("Original collected")),
        rows=tuple(rows),
        widths=(11, 10, 22, 30, 12, 11, 9, 11),
        align=("center", "center", "left", "left", "left", "center", "center", "center"),
        note="" if rows else _("No agreements yet."),
    )
    return _document(desk, N_("Agreement register"), tables=(table,), summary=tuple(summary), landscape=True)


# --- attendance -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Attendance:
    expected: int
    arrived: int
    walk_ins: int
    no_shows: int
    by_category: dict[str, tuple[int, int, int]]  # category → (expected, arrived, walk-ins)
    by_session: list[tuple[str, str, int, int]]  # (code, name, expected, arrived)
    by_hour: list[tuple[str, int]]  # ("09:00", first arrivals in that hour)


def attendance(desk: Desk) -> Attendance:
    event = desk.require_event()
    figures = stats.compute()
    connection = db.connection()
    walk_ins = dict(connection.execute(
        "SELECT category, COUNT(*) FROM guest WHERE walk_in = 1 AND state != 'cancelled' GROUP BY category"
    ).fetchall())
    by_category = {
        name: (counts.expected, counts.arrived, walk_ins.get(name, 0))
        for name, counts in figures.by_category.items() if counts.expected or name in CATEGORIES
    }
    names = {s["code"]: s["name"] for s in desk.sessions()}
    by_session = [(code, names.get(code, code), c.expected, c.arrived) for code, c in figures.by_session.items()]
    hours: Counter[str] = Counter()
    for (at,) in connection.execute(
        "SELECT arrived_at FROM guest WHERE arrived_at IS NOT NULL AND state != 'cancelled'"
    ):
        hours[event.local_time(at).strftime("%H:00")] += 1
    return Attendance(
        expected=figures.expected,
        arrived=figures.arrived,
        walk_ins=figures.walk_ins,
        no_shows=figures.expected - figures.arrived,
        by_category=by_category,
        by_session=by_session,
        by_hour=sorted(hours.items()),
    )


def attendance_report(desk: Desk) -> ReportDocument:
    event = desk.require_event()
    figures = attendance(desk)
    rate = f"{figures.arrived * 100 / figures.expected:.1f}%" if figures.expected else "—"
    summary = (
        (_("Expected"), str(figures.expected)),
        (_("Arrived"), str(figures.arrived)),
        (_("No-shows"), str(figures.no_shows)),
        (_("Walk-ins"), str(figures.walk_ins)),
        (_("Attendance rate"), rate),
    )
    categories = ReportTable(
        title=_("Arrivals by category"),
        columns=(_("Category"), _("Expected"), _("Arrived"), _("No-shows"), _("Walk-ins")),
        rows=tuple(
            (category_label(name), str(e), str(a), str(e - a), str(w))
            for name, (e, a, w) in figures.by_category.items()
        ),
        widths=(30, 15, 15, 15, 15),
        align=("left", "right", "right", "right", "right"),
        total=(_("Total"), str(figures.expected), str(figures.arrived), str(figures.no_shows), str(figures.walk_ins)),
    )
    sessions = ReportTable(
        title=_("Arrivals by session"),
        columns=(_("Session"), _("Expected"), _("Arrived")),
        rows=tuple((f"{name} ({code})", str(e), str(a)) for code, name, e, a in figures.by_session),
        widths=(50, 20, 20),
        align=("left", "right", "right"),
        note="" if figures.by_session else _("No sessions."),
    )
    hours = ReportTable(
        title=_("First arrivals by hour"),
        columns=(_("Hour"), _("First arrivals")),
        rows=tuple((f"{hour}–{int(hour[:2]) + 1:02d}:00", str(n)) for hour, n in figures.by_hour),
        widths=(50, 20),
        align=("center", "right"),
        total=(_("Total"), str(sum(n for _h, n in figures.by_hour))),
    )
    connection = db.connection()
    absent = [
        (name, organisation, category_label(category))
        for name, organisation, category in connection.execute(
            "SELECT name, organisation, category FROM guest WHERE arrived_at IS NULL AND state != 'cancelled'"
        )
    ]
    absent.sort(key=lambda row: pinyin_sort_key(row[0]))
    no_shows = ReportTable(
        title=_("No-shows"),
        columns=(_("No."), _("Name"), _("Organisation"), _("Category")),
        rows=tuple((str(i), *row) for i, row in enumerate(absent, 1)),
        widths=(8, 20, 50, 15),
        align=("right", "left", "left", "center"),
        note="" if absent else _("Everyone arrived."),
    )
    walk_rows = [
        (name, organisation, category_label(category), event.local_time(at).strftime("%H:%M") if at else "")
        for name, organisation, category, at in connection.execute(
            "SELECT name, organisation, category, arrived_at FROM guest WHERE walk_in = 1 AND state != 'cancelled'"
            " ORDER BY arrived_at, id"
        )
    ]
    walk_ins = ReportTable(
        title=_("Walk-ins"),
        columns=(_("No."), _("Name"), _("Organisation"), _("Category"), _("Arrived")),
        rows=tuple((str(i), *row) for i, row in enumerate(walk_rows, 1)),
        widths=(8, 20, 45, 15, 12),
        align=("right", "left", "left", "center", "center"),
        note="" if walk_rows else _("No walk-ins."),
    )
    return _document(desk, N_("Attendance report"), tables=(categories, sessions, hours, no_shows, walk_ins),
                     summary=summary)


# --- the sign-in sheet ----------------------------------------------------------------------------------


def sign_in_rows(desk: Desk) -> list[tuple[str, str, str, str]]:
    """(name, organisation, title, category label) of every registered guest, by pinyin of the name."""
    rows = [
        (name, organisation, title, category_label(category))
        for name, organisation, title, category in db.connection().execute(
            "SELECT name, organisation, title, category FROM guest WHERE state != 'cancelled' AND stub = 0"
        )
    ]
    rows.sort(key=lambda row: (pinyin_sort_key(row[0]), row[1]))
    return rows


def sign_in_report(desk: Desk) -> ReportDocument:
    rows = sign_in_rows(desk)
    table = ReportTable(
        title=_("Guests, by the pinyin of their names"),
        columns=(_("No."), _("Name"), _("Organisation"), _("Title"), _("Signature")),
        rows=tuple((str(i), name, org, title, "") for i, (name, org, title, _c) in enumerate(rows, 1)),
        widths=(6, 17, 36, 19, 24),
        align=("right", "left", "left", "left", "left"),
        row_height_mm=9.5,
    )
    return _document(desk, N_("Sign-in sheet"), tables=(table,), summary=((_("Guests"), str(len(rows))),))


# --- the check-in export --------------------------------------------------------------------------------


def checkin_rows(desk: Desk) -> list[tuple]:
    """Every live check-in and re-entry, oldest first, in CHECKIN_COLUMNS order."""
    event = desk.require_event()
    rows = db.connection().execute(
        "SELECT c.id, c.guest_id, g.name, g.organisation, g.title, g.category, g.walk_in, c.kind, c.session,"
        " c.station, c.at, c.device, c.operator FROM checkin c LEFT JOIN guest g ON g.id = c.guest_id"
        " WHERE c.undone = 0 ORDER BY c.at, c.id"
    )
    return [
        (cid, gid, name or "", org or "", title or "", category or "", bool(walk_in), kind, session, station,
         event.iso(at), device, operator)
        for cid, gid, name, org, title, category, walk_in, kind, session, station, at, device, operator in rows
    ]


def export_checkins(desk: Desk, path: Path) -> int:
    """Write the check-in export as CSV (UTF-8 with BOM, for Excel) or XLSX; returns the rows written."""
    path = Path(path)
    rows = checkin_rows(desk)
    suffix = path.suffix.lower()
    if suffix == ".csv":
        with path.open("w", encoding="utf-8-sig", newline="") as handle:
            writer = csv.writer(handle)
            writer.writerow(CHECKIN_COLUMNS)
            writer.writerows([[int(v) if isinstance(v, bool) else v for v in row] for row in rows])
    elif suffix == ".xlsx":
        from openpyxl import Workbook
        from openpyxl.styles import Font

        workbook = Workbook()
        sheet = workbook.active
        sheet.title = "checkins"
        sheet.append(list(CHECKIN_COLUMNS))
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        for row in rows:
            sheet.append(list(row))
        sheet.freeze_panes = "A2"
        _properties(workbook, desk, "checkins")
        workbook.save(path)
    else:
        raise UnsupportedFormat(suffix)
    return len(rows)


# --- writing ------------------------------------------------------------------------------------------


def report_document(desk: Desk, name: str) -> ReportDocument:
    builders = {"attendance": attendance_report, "agreements": agreements_report, "sign-in": sign_in_report}
    if name not in builders:
        raise UnknownReport(name)
    return builders[name](desk)


def write_report(desk: Desk, name: str, path: Path, *, invariant: bool = False) -> ReportDocument:
    """Write report ``name`` (attendance | agreements | sign-in) to ``path`` (.pdf or .xlsx)."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in {".pdf", ".xlsx"}:
        raise UnsupportedFormat(suffix)
    document = report_document(desk, name)
    if suffix == ".pdf":
        render_report(document, output=path, invariant=invariant)
    else:
        write_xlsx(document, path, desk)
    return document


def write_xlsx(document: ReportDocument, path: Path, desk: Desk | None = None) -> None:
    """One sheet per table, each headed by the report's title, the event and when/where it was made."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
    from openpyxl.utils import get_column_letter

    workbook = Workbook()
    workbook.remove(workbook.active)
    thin = Side(style="thin", color="888888")
    tables = list(document.tables)
    if document.summary:
        tables.insert(0, ReportTable(_("Summary"), ("", ""), tuple(document.summary), (30, 15)))
    used: set[str] = set()
    for table in tables:
        name = _sheet_name(table.title, used)
        sheet = workbook.create_sheet(name)
        sheet.append([document.title])
        sheet["A1"].font = Font(bold=True, size=14)
        sheet.append([document.event_name])
        sheet.append([document.made_line])
        sheet.append([])
        header_row = 5
        sheet.append(list(table.columns))
        for cell in sheet[header_row]:
            cell.font = Font(bold=True)
            cell.fill = PatternFill("solid", fgColor="E9E4D8")
            cell.border = Border(top=thin, bottom=thin, left=thin, right=thin)
        for row in table.rows:
            sheet.append([_number(v) for v in row])
        if table.total is not None:
            sheet.append([_number(v) for v in table.total])
            for cell in sheet[sheet.max_row]:
                cell.font = Font(bold=True)
        for index, width in enumerate(table.widths, 1):
            sheet.column_dimensions[get_column_letter(index)].width = max(8, width * 1.3)
        for row in sheet.iter_rows(min_row=header_row + 1):
            for cell in row:
                cell.alignment = Alignment(wrap_text=True, vertical="center")
        sheet.freeze_panes = f"A{header_row + 1}"
        sheet.print_title_rows = f"{header_row}:{header_row}"
        sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
        if document.landscape:
            sheet.page_setup.orientation = "landscape"
    if desk is not None:
        _properties(workbook, desk, document.title)
    workbook.save(path)


def _properties(workbook, desk: Desk, title: str) -> None:
    workbook.properties.title = title
    workbook.properties.creator = "Forum Kiosk"
    workbook.properties.description = json.dumps(
        {"event": desk.require_event().name, "station": desk.station,
         "made": datetime.now().astimezone().isoformat(timespec="seconds")},
        ensure_ascii=False,
    )


def _sheet_name(title: str, used: set[str]) -> str:
    base = "".join(ch for ch in title if ch not in "[]:*?/\\")[:28] or "Sheet"
    name, n = base, 2
    while name in used:
        name, n = f"{base[:26]} {n}", n + 1
    used.add(name)
    return name


def _number(value: str):
    """Counts stay numbers in a spreadsheet; everything else stays text."""
    return int(value) if isinstance(value, str) and value.isdigit() and len(value) < 10 else value

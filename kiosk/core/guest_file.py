"""Reading an organiser's guest list (CSV in any common encoding, or an Excel .xlsx workbook).

``read_guest_file`` turns the file into checked ``GuestRow`` values, a complete list of what is wrong
with each bad row (``RowProblem``, by spreadsheet row number, the heading row being 1), and the rows
that repeat an earlier guest (``Duplicate``). It never touches the database: the caller imports
``rows`` only when ``errors`` is empty. A file that cannot be used at all raises ``GuestFileError``
with a translated message that says what to do; nothing else escapes, whatever the bytes.
"""

from __future__ import annotations

import codecs
import csv
import datetime
import decimal
import gc
import io
import warnings
import zipfile
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kiosk.core import guest_fields as gf
from kiosk.i18n import _

MAX_FILE_BYTES = 40 * 1024 * 1024
MAX_ROWS = 200_000  # data rows, the heading row not counted
MAX_COLUMNS = 200
MAX_XLSX_UNPACKED_BYTES = 400 * 1024 * 1024  # a "zip bomb" guard
_SAMPLE_BYTES = 256 * 1024
_PROGRESS_EVERY = 2000

_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # .xls and other legacy Office files
_ZIP_MAGIC = b"PK\x03\x04"
_GB_FAMILY = {"gb2312", "gbk", "gb18030", "hz", "cp936", "ms936", "euc_cn", "euc-cn", "iso2022_cn"}


@dataclass(frozen=True)
class GuestRow:
    row: int  # spreadsheet row number; the heading is row 1
    name: str
    organisation: str
    title: str
    category: str  # canonical code from CATEGORIES
    phone: str  # digits only, +86/0086 removed for Chinese numbers; "" if none
    email: str  # lower-cased; "" if none
    plain_code: str  # ticket code from another system; "" if none
    note: str


@dataclass(frozen=True)
class RowProblem:
    row: int
    message: str  # translated; says what is wrong and what to do


@dataclass(frozen=True)
class Duplicate:
    row: int
    first_row: int  # the earlier row it repeats
    reason: str  # "phone" or "name_organisation"
    name: str


@dataclass
class ParsedGuestFile:
    rows: list[GuestRow] = field(default_factory=list)  # valid rows, later duplicates left out
    errors: list[RowProblem] = field(default_factory=list)  # every problem of every bad row, by row
    duplicates: list[Duplicate] = field(default_factory=list)
    encoding: str = ""  # "utf-8", "utf-8-sig", "gb18030", "utf-16", ..., or "xlsx"


class GuestFileError(Exception):
    """The whole file is unusable; ``str(error)`` is a translated message that says what to do."""


Progress = Callable[[int, int], None]


def read_guest_file(path: Path, progress: Progress | None = None) -> ParsedGuestFile:
    """Read and check a guest list. ``progress(done, total)`` is called now and then with data rows.

    Raises GuestFileError when the file as a whole cannot be used (unreadable, empty, too big, not a
    CSV or .xlsx, no heading row, no name column, two columns for one field).
    """
    path = Path(path)
    data = _read_bytes(path)
    # A list of 100,000 rows allocates millions of small objects that all stay alive; the cyclic
    # collector re-walking them would take more time than the parsing itself (measured: 2.1 s vs 1.3 s).
    collecting = gc.isenabled()
    gc.disable()
    try:
        return _read(path, data, progress)
    finally:
        if collecting:
            gc.enable()


def _read(path: Path, data: bytes, progress: Progress | None) -> ParsedGuestFile:
    name = path.name
    if data.startswith(_OLE_MAGIC):
        raise GuestFileError(
            _(
                "The file “{name}” is an old Excel workbook (.xls). Open it in Excel or WPS, save it as "
                ".xlsx or as CSV (UTF-8), and import that file"
            ).format(name=name)
        )
    # The content decides, not the name: a CSV saved as "名单.xlsx" still reads.
    if data.startswith(_ZIP_MAGIC):
        with _xlsx_rows(name, data) as (rows, declared):
            return _parse_records(rows, name, "xlsx", progress, declared)
    first_error: GuestFileError | None = None
    for text, encoding in _decodings(data, name):
        if gf.looks_binary(text):
            # A PDF, an image or a program decodes "successfully" as some 8-bit encoding.
            first_error = first_error or GuestFileError(_not_a_workbook(name))
            continue
        records = _csv_records(text, name)
        try:
            return _parse_records(records, name, encoding, progress, len(records), header_only_errors=True)
        except _WrongHeader as wrong:
            # A misjudged encoding shows as mojibake headings; try the next plausible encoding.
            first_error = first_error or wrong.error
    raise first_error or GuestFileError(_unknown_encoding(name))


# --- bytes ------------------------------------------------------------------------------------------


def _read_bytes(path: Path) -> bytes:
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            raise GuestFileError(_too_big(path.name, size))
        with path.open("rb") as handle:
            data = handle.read(MAX_FILE_BYTES + 1)
    except OSError as error:
        raise GuestFileError(
            _(
                "The file “{name}” could not be read ({reason}). Check that it exists and is not open in "
                "another program, then try again"
            ).format(name=path.name, reason=error.strerror or type(error).__name__)
        ) from None
    if len(data) > MAX_FILE_BYTES:
        raise GuestFileError(_too_big(path.name, len(data)))
    if not data.strip(b" \t\r\n\x00\xef\xbb\xbf\xff\xfe"):
        raise GuestFileError(_empty(path.name))
    return data


def _too_big(name: str, size: int) -> str:
    return _(
        "The file “{name}” is too big ({size} MB; the limit is {limit} MB). Split the guest list into "
        "smaller files and import them one by one"
    ).format(name=name, size=round(size / 1024 / 1024, 1), limit=MAX_FILE_BYTES // 1024 // 1024)


def _too_many_rows(name: str) -> str:
    return _(
        "The file “{name}” has more than {limit} rows. Split the guest list into smaller files and "
        "import them one by one"
    ).format(name=name, limit=MAX_ROWS)


def _empty(name: str) -> str:
    return _("The file “{name}” holds no guests. Export the guest list again and import the new file").format(name=name)


def _decodings(data: bytes, name: str) -> Iterable[tuple[str, str]]:
    """The plausible readings of ``data`` as text, best first: (text, encoding name)."""
    boms = (
        (codecs.BOM_UTF8, "utf-8", "utf-8-sig"),
        (codecs.BOM_UTF32_LE, "utf-32-le", "utf-32"),
        (codecs.BOM_UTF32_BE, "utf-32-be", "utf-32"),
        (codecs.BOM_UTF16_LE, "utf-16-le", "utf-16"),
        (codecs.BOM_UTF16_BE, "utf-16-be", "utf-16"),
    )
    for bom, codec, label in boms:
        if data.startswith(bom):
            try:
                yield data[len(bom) :].decode(codec), label
            except UnicodeDecodeError:
                raise GuestFileError(_unknown_encoding(name)) from None
            return
    try:
        yield data.decode("utf-8"), "utf-8"
        return
    except UnicodeDecodeError:
        pass
    candidates: list[str] = []
    guess = _guess_encoding(data[:_SAMPLE_BYTES])
    if guess:
        candidates.append("gb18030" if guess.lower().replace("-", "_") in _GB_FAMILY else guess)
    if "gb18030" not in candidates:
        candidates.append("gb18030")  # the Chinese superset: a sensible last try for a Chinese desk
    decoded_any = False
    for codec in candidates:
        try:
            text = data.decode(codec)
        except (UnicodeDecodeError, LookupError):
            continue
        decoded_any = True
        yield text, codecs.lookup(codec).name
    if not decoded_any:
        head = data[:8192]
        binary = b"\x00" in head or sum(byte < 9 or 13 < byte < 32 for byte in head) > 8 + len(head) // 100
        raise GuestFileError(_not_a_workbook(name) if binary else _unknown_encoding(name))


def _guess_encoding(sample: bytes) -> str | None:
    from charset_normalizer import from_bytes  # imported late: a few ms the UTF-8 path never needs

    try:
        best = from_bytes(sample).best()
    except Exception:  # a detector failure must not break the import; fall back to gb18030
        return None
    return best.encoding if best is not None else None


def _unknown_encoding(name: str) -> str:
    return _(
        "The text encoding of “{name}” could not be recognised. Save the guest list as CSV (UTF-8) "
        "or as .xlsx and import it again"
    ).format(name=name)


# --- CSV --------------------------------------------------------------------------------------------


def _csv_records(text: str, name: str) -> list[list[str]]:
    first_line = next((line for line in io.StringIO(text) if line.strip()), "")  # lazily: no copy
    counts = {delimiter: first_line.count(delimiter) for delimiter in (",", ";", "\t")}
    delimiter = max(counts, key=lambda d: (counts[d], d == ","))
    try:
        reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
        records = []
        for record in reader:
            records.append(record[:MAX_COLUMNS])
            if len(records) > MAX_ROWS + 1000:  # blank rows count too; the exact check comes later
                raise GuestFileError(_too_many_rows(name))
        return records
    except csv.Error as error:
        raise GuestFileError(
            _(
                "The file “{name}” could not be read as CSV ({reason}). Open it in Excel or WPS, save it "
                "again as CSV (UTF-8) or .xlsx, and import it again"
            ).format(name=name, reason=str(error))
        ) from None


# --- XLSX -------------------------------------------------------------------------------------------


def _not_a_workbook(name: str) -> str:
    return _(
        "The file “{name}” is neither a CSV file nor a valid Excel workbook (.xlsx). Open it in Excel "
        "or WPS, save it as .xlsx or as CSV (UTF-8), and import it again"
    ).format(name=name)


@contextmanager
def _xlsx_rows(name: str, data: bytes) -> Iterator[tuple[Iterator[list[str]], int | None]]:
    """The first sheet's rows as text, read as they are needed, and the row count the sheet declares
    (None if it declares none). The workbook stays open inside the ``with``."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            members = archive.infolist()
            if "xl/workbook.xml" not in {member.filename for member in members}:
                raise GuestFileError(_not_a_workbook(name))
            unpacked = sum(member.file_size for member in members)
            if unpacked > MAX_XLSX_UNPACKED_BYTES:
                raise GuestFileError(_too_big(name, unpacked))
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError):
        raise GuestFileError(_not_a_workbook(name)) from None

    from openpyxl import load_workbook  # imported late: CSV imports never pay for it

    with warnings.catch_warnings():
        # openpyxl warns about features it skips (styles, data validation); none matter here.
        warnings.simplefilter("ignore")
        try:
            # data_only: a formula cell gives the value the organiser saw, not the formula.
            workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
            sheets = workbook.worksheets
        except Exception:  # openpyxl raises many kinds of error on damaged files; all mean the same
            raise GuestFileError(_not_a_workbook(name)) from None
        try:
            if not sheets:
                raise GuestFileError(_empty(name))
            sheet = sheets[0]
            declared = sheet.max_row if isinstance(sheet.max_row, int) else None
            sheet.reset_dimensions()  # some tools write a wrong size; read what is really there
            yield _xlsx_values(sheet, name), declared
        finally:
            workbook.close()


def _xlsx_values(sheet: Any, name: str) -> Iterator[list[str]]:
    try:
        for values in sheet.iter_rows(values_only=True):
            yield [_cell_text(value) for value in values[:MAX_COLUMNS]]
    except GuestFileError:
        raise
    except Exception:  # a damaged sheet fails while it is being read
        raise GuestFileError(_not_a_workbook(name)) from None


def _cell_text(value: object) -> str:
    """A workbook cell as the text the organiser sees; whole numbers never in scientific notation."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if value != value or value in (float("inf"), float("-inf")):
            return ""
        if value.is_integer():
            return str(int(value))  # 13800138000.0 → "13800138000"
        return format(decimal.Decimal(repr(value)), "f")
    if isinstance(value, datetime.datetime):
        return value.isoformat(sep=" ", timespec="minutes") if value.time() else value.date().isoformat()
    if isinstance(value, datetime.date | datetime.time):
        return value.isoformat()
    return str(value)


# --- headings and rows ------------------------------------------------------------------------------


class _WrongHeader(Exception):
    def __init__(self, error: GuestFileError) -> None:
        self.error = error


def _column_letter(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, remainder = divmod(index - 1, 26)
        letters = chr(ord("A") + remainder) + letters
    return letters


def _columns(headings: list[str], name: str) -> dict[str, int]:
    columns: dict[str, int] = {}
    for index, heading in enumerate(headings):
        found = gf.field_for_heading(heading)
        if found is None:
            continue
        if found in columns:
            first = columns[found]
            raise GuestFileError(
                _(
                    "Columns {first} and {second} both hold the {field}. Delete or rename one of them and import again"
                ).format(
                    first=_("“{heading}” (column {column})").format(
                        heading=gf.shorten(headings[first].strip()), column=_column_letter(first)
                    ),
                    second=_("“{heading}” (column {column})").format(
                        heading=gf.shorten(heading.strip()), column=_column_letter(index)
                    ),
                    field=_(gf.FIELD_LABELS[found]),
                )
            )
        columns[found] = index
    if "name" not in columns:
        shown = _(", ").join(f"“{gf.shorten(h.strip(), 16)}”" for h in headings[:8] if h.strip())
        raise _WrongHeader(
            GuestFileError(
                _(
                    "The file “{name}” has no name column. The first row must hold the column headings, one "
                    "of them “Name” (or “姓名”); the first row found is: {found}. Add the headings and import "
                    "again"
                ).format(name=name, found=shown or "—")
            )
        )
    return columns


def _parse_records(
    records: Iterable[list[str]],
    name: str,
    encoding: str,
    progress: Progress | None,
    declared_rows: int | None,
    header_only_errors: bool = False,
) -> ParsedGuestFile:
    """Check every row after the heading row. ``declared_rows`` (all rows, heading included) sizes the
    progress reports; when it is None they say total 0 until the end."""
    records = iter(records)
    header_row = 0
    for header_row, record in enumerate(records, start=1):  # noqa: B007 (used after the loop)
        if "".join(record).strip():
            break
    else:
        raise GuestFileError(_empty(name))
    try:
        columns = _columns(record, name)
    except _WrongHeader as wrong:
        if header_only_errors:
            raise
        raise wrong.error from None

    result = ParsedGuestFile(encoding=encoding)
    order = [columns.get(f, -1) for f in gf.FIELDS]
    total = max(declared_rows - header_row, 0) if declared_rows else 0
    by_phone: dict[str, int] = {}
    by_name: dict[tuple[str, str], tuple[int, str]] = {}
    count = 0
    for done, record in enumerate(records):
        count = done + 1
        if done % _PROGRESS_EVERY == 0 and progress is not None:
            progress(min(done, total) if total else done, total)
        if done >= MAX_ROWS:
            raise GuestFileError(_too_many_rows(name))
        if not "".join(record).strip():
            continue  # blank rows are left out silently
        row = header_row + 1 + done
        width = len(record)
        cells = [record[i] if 0 <= i < width else "" for i in order]
        guest, problems = _check_row(row, cells)
        if problems:
            result.errors.extend(problems)
            continue
        assert guest is not None
        if guest.phone:
            first = by_phone.get(guest.phone)
            if first is not None:
                result.duplicates.append(Duplicate(row, first, "phone", guest.name))
                continue
        key = (guest.name.casefold(), guest.organisation.casefold())
        earlier = by_name.get(key)
        # Two people of one name in one organisation are told apart by their phones.
        if earlier is not None and not (guest.phone and earlier[1] and guest.phone != earlier[1]):
            result.duplicates.append(Duplicate(row, earlier[0], "name_organisation", guest.name))
            continue
        if guest.phone:
            by_phone[guest.phone] = row
        by_name.setdefault(key, (row, guest.phone))
        result.rows.append(guest)
    if progress is not None:
        progress(count, count)
    if not result.rows and not result.errors and not result.duplicates:
        raise GuestFileError(_empty(name))
    return result


def _check_row(row: int, cells: list[str]) -> tuple[GuestRow | None, list[RowProblem]]:
    """The row as a GuestRow, or None and every problem found in it. Hot: runs once per row."""
    raw_name, raw_organisation, raw_title, raw_phone, raw_category, raw_email, raw_code, raw_note = cells
    problems: list[RowProblem] = []
    joined = "".join(cells)
    # One search over the whole row; the per-cell searches run only for the rare row that needs them.
    controlled: set[str] = set()
    if gf.has_control(joined):
        for key, raw in zip(gf.FIELDS, cells, strict=True):
            if raw and gf.has_control(raw):
                controlled.add(key)
                problems.append(
                    RowProblem(
                        row,
                        _(
                            "Row {row}: the {field} contains invisible control characters; retype the cell and "
                            "import again"
                        ).format(row=row, field=_(gf.FIELD_LABELS[key])),
                    )
                )
    invisible = not joined.isascii() and gf.has_invisible(joined)

    name = gf.clean_text(raw_name, invisible)
    organisation = gf.clean_text(raw_organisation, invisible)
    title = gf.clean_text(raw_title, invisible)
    note = gf.clean_text(raw_note, invisible)
    if not name and "name" not in controlled:
        problems.append(
            RowProblem(
                row,
                _("Row {row}: the name is missing; fill it in or delete the row, then import again").format(row=row),
            )
        )
    if (
        len(name) > gf.NAME_MAX
        or len(organisation) > gf.ORGANISATION_MAX
        or len(title) > gf.TITLE_MAX
        or len(note) > gf.NOTE_MAX
    ):
        for key, value, limit in (
            ("name", name, gf.NAME_MAX),
            ("organisation", organisation, gf.ORGANISATION_MAX),
            ("title", title, gf.TITLE_MAX),
            ("note", note, gf.NOTE_MAX),
        ):
            if len(value) > limit:
                problems.append(
                    RowProblem(
                        row,
                        _(
                            "Row {row}: the {field} “{value}” is longer than {limit} characters; shorten it and "
                            "import again"
                        ).format(row=row, field=_(gf.FIELD_LABELS[key]), value=gf.shorten(value), limit=limit),
                    )
                )

    phone = ""
    if raw_phone and "phone" not in controlled:
        phone, phone_problem = gf.normalise_phone(raw_phone)
        if phone_problem is not None:
            problems.append(RowProblem(row, phone_problem(row)))

    category = "guest"
    if raw_category and "category" not in controlled:
        found = gf.category_for(raw_category)
        if found is None:
            word = gf.clean_text(raw_category)
            problems.append(
                RowProblem(
                    row,
                    _("Row {row}: category “{value}” is not known; use one of: {accepted}; then import again").format(
                        row=row, value=gf.shorten(word), accepted=gf.accepted_categories()
                    ),
                )
            )
        else:
            category = found

    email = gf.clean_token(raw_email, invisible).lower() if raw_email else ""
    if email and "email" not in controlled and not gf.email_ok(email):
        problems.append(
            RowProblem(
                row,
                _(
                    "Row {row}: e-mail “{value}” is not a valid address; correct it (it should look like "
                    "name@example.com) or leave it empty, then import again"
                ).format(row=row, value=gf.shorten(email)),
            )
        )

    code = gf.clean_token(raw_code, invisible)
    if code and "plain_code" not in controlled:
        if len(code) > gf.CODE_MAX:
            problems.append(
                RowProblem(
                    row,
                    _(
                        "Row {row}: ticket code “{value}” is longer than {limit} characters; correct it and "
                        "import again"
                    ).format(row=row, value=gf.shorten(code), limit=gf.CODE_MAX),
                )
            )
        if gf.is_our_prefix(code):
            problems.append(
                RowProblem(
                    row,
                    _(
                        "Row {row}: ticket code “{value}” starts with “FK” and a letter, which is reserved for "
                        "the codes this system signs itself; give the guest another code or leave it empty, "
                        "then import again"
                    ).format(row=row, value=gf.shorten(code)),
                )
            )

    if problems:
        return None, problems
    return GuestRow(row, name, organisation, title, category, phone, email, code, note), problems

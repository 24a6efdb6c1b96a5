"""Per-periode exports of the published tables: Parquet (DuckDB COPY) and one XLSX workbook with a
sheet per table (capped at XLSX_MAX_ROWS rows; a longer table also gets a full CSV), under ``<data_dir>/published/exports/<periode>/``, read from a READ-ONLY
connection to the published file (never the working warehouse).

The workbook is for OPD staff: a first sheet 'Petunjuk' (title, periode, publication time in
WITA, one line per sheet), then a sheet per table with its rows in reading order (READING_ORDER:
OPDs by rank, unsur U1..U9), a frozen and filterable header, column widths from the values and
number formats by column type (Excel shows them with the reader's decimal comma). The Parquet
files hold the same rows in the same order.

Which rows belong to a periode: tables with a ``periode`` column by it; the file-level tables
(quarantine, duplicates, reconciliation, ingest_files) by ``periode_declared``, the semester folder
the export was filed under; tables with neither (``quality_gates``: the gates of the publishing
run) whole. Internal tables (name starting with ``_``) are not exported; their content goes into
``manifest.json``. A periode's folder is built beside the old one and swapped in."""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import tempfile
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import duckdb
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from pipelines.periode import Periode, waktu_wita
from pipelines.report.rtl_draft import DRAFT_FOLDER, write_drafts
from pipelines.sql import ident, literal


# Sheet order in the workbook: the headline first; any other published table after these.
SHEET_ORDER = ("ikm_kota", "ikm_kota_unsur", "ikm_opd", "ikm_unsur", "ikm_layanan", "profil_responden",
               "reconciliation", "quarantine", "duplicates", "ingest_files", "quality_gates")
# Rows per sheet. The workbook is for people (a summary to read and filter), not the data: a
# row-level table longer than this (saran, quarantine at city scale: hundreds of thousands of rows)
# gets its first rows on the sheet, a line in the '_catatan' sheet, and its full rows as CSV beside
# the Parquet file. Writing XLSX costs ~30 000 cells/s (openpyxl), so the cap keeps the exports at
# seconds instead of minutes at 10 million responses. Never above Excel's own limit.
EXCEL_ROW_LIMIT = 1_048_575  # Excel's sheet limit, less the header
XLSX_MAX_ROWS = 1000  # the default (the run context's xlsx_max_rows)
XLSX_NAME = "skm-{periode}.xlsx"
_BATCH = 10_000
GUIDE_SHEET = "Petunjuk"
NOTES_SHEET = "_catatan"
# Column widths on a sheet (Excel's character units): from the longest header or value, within these.
WIDTH_MIN, WIDTH_MAX = 6, 50

# The order people read a table in (the Parquet files and sheets alike): ORDER BY terms, each used
# when its column is in the table; every column left to right breaks the remaining ties, so the
# order is stable. Tables not listed are ordered by all columns (ORDER BY ALL). `urutan` is the
# unsur's number (U1..U9, from the seed unsur.csv); `level` sorts as LEVEL_ORDER (city first).
LEVEL_ORDER = ("kota", "opd", "layanan")
READING_ORDER: dict[str, tuple[str, ...]] = {
    "ikm_opd": ("peringkat", "nilai_ikm DESC", "opd_kode"),
    "ikm_unsur": ("opd_kode", "urutan"),
    "ikm_kota_unsur": ("urutan",),
    "ikm_layanan": ("opd_kode", "nilai_ikm DESC", "jenis_layanan"),
    "prioritas_unsur": ("opd_kode", "prioritas"),
    "kecukupan_sampel": ("level", "opd_kode", "jenis_layanan NULLS FIRST"),
    "ketidakpastian_ikm": ("level", "opd_kode NULLS FIRST", "jenis_layanan NULLS FIRST"),
    "ikm_sensitivitas": ("level", "opd_kode NULLS FIRST", "jenis_layanan NULLS FIRST"),
    "ikm_perubahan": ("level", "opd_kode NULLS FIRST"),
    "profil_responden": ("level", "opd_kode NULLS FIRST", "dimensi"),
    "rencana_tindak_lanjut": ("opd_kode", "prioritas NULLS LAST", "urutan", "file_name", "row_number"),
    "hasil_tindak_lanjut": ("opd_kode", "urutan", "file_name", "row_number"),
    "cakupan_tindak_lanjut": ("opd_kode",),
    "rtl_tidak_dipakai": ("file_name", "row_number"),
    "rtl_rekonsiliasi": ("file_name",),
    "saran_tema_ringkasan": ("opd_kode", "jumlah_saran DESC", "unsur"),
}

# One Indonesian line per sheet for the 'Petunjuk' sheet and the open-data resources (readers are
# OPD staff; docs/data-contract.md has the column-level contract in English). A published table
# missing here still gets its sheet, with GUIDE_FALLBACK (tests/test_report.py checks the list
# covers the data contract).
TABLE_GUIDE: dict[str, str] = {
    "ikm_kota": "Nilai IKM kota per periode (semua responden digabung), dengan mutu dan kinerja; juga rata-rata IKM OPD.",
    "ikm_kota_unsur": "NRR dan nilai tiap unsur pelayanan (U1-U9) tingkat kota, dasar Nilai IKM kota.",
    "ikm_opd": "Nilai IKM tiap OPD, urut peringkat (nilai tertinggi di atas), dengan mutu dan jumlah responden.",
    "ikm_unsur": "NRR, NRR tertimbang, nilai dan mutu tiap unsur (U1-U9) per OPD, dengan sebaran jawaban 1-4.",
    "ikm_layanan": "Nilai IKM tiap jenis layanan per OPD, nilai tertinggi lebih dulu.",
    "prioritas_unsur": "Prioritas perbaikan: unsur tiap OPD dari nilai terendah, dengan nilai semester sebelumnya.",
    "profil_responden": "Profil responden (jenis kelamin, usia, pendidikan, pekerjaan); kelompok kecil disembunyikan.",
    "saran": "Saran dan masukan responden (data pribadi dalam teks sudah disamarkan).",
    "saran_tema": "Tiap saran dengan unsur yang dibicarakannya (menurut daftar kata kunci; 'umum' bila tidak ada).",
    "saran_tema_ringkasan": "Jumlah saran per OPD dan unsur, kata kunci terbanyak dan tiga contoh saran.",
    "kecukupan_sampel": "Kecukupan sampel per OPD dan jenis layanan: populasi, sampel minimum (Krejcie & Morgan), "
                        "jumlah responden.",
    "ketidakpastian_ikm": "Selang kepercayaan 95 % tiap Nilai IKM dan apakah mutunya pasti.",
    "ikm_perubahan": "Perubahan Nilai IKM dari semester sebelumnya dan apakah lebih besar dari ketidakpastiannya.",
    "respons_ditandai": "Respons mencurigakan (mis. isian seragam, lonjakan) dengan aturan yang menandainya.",
    "ikm_sensitivitas": "Nilai IKM dengan dan tanpa respons yang ditandai, dan apakah mutunya berubah.",
    "reconciliation": "Rekonsiliasi berkas: baris dibaca = dipakai + dikarantina + duplikat.",
    "quarantine": "Baris yang tidak dihitung dan alasannya (berkas, baris, kolom).",
    "duplicates": "Baris duplikat yang tidak dihitung, dengan baris yang diulanginya.",
    "ingest_files": "Catatan berkas yang diterima dari OPD: nama, status, jumlah baris, pesan.",
    "quality_gates": "Pemeriksaan mutu data pada penerbitan ini dan hasilnya.",
    "rencana_tindak_lanjut": "Rencana tindak lanjut (RTL) tiap OPD atas hasil periode ini: unsur, masalah, kegiatan, "
                             "penanggung jawab, target waktu, status, dengan nilai unsur saat RTL dibuat.",
    "hasil_tindak_lanjut": "Hasil tiap kegiatan RTL: nilai unsur pada periode ini dan periode berikutnya, perubahannya "
                           "dan apakah perubahan itu nyata (lebih besar dari ketidakpastiannya).",
    "cakupan_tindak_lanjut": "Apakah tiap OPD mempunyai kegiatan RTL untuk unsur terlemahnya.",
    "rtl_tidak_dipakai": "Baris berkas RTL yang tidak dipakai dan alasannya (berkas, baris, kolom), atau baris ganda.",
    "rtl_rekonsiliasi": "Rekonsiliasi berkas RTL: baris dibaca = dipakai + dikarantina + ganda.",
    NOTES_SHEET: "Lembar yang hanya memuat baris pertama; data lengkap ada di berkas CSV dan Parquet.",
}
GUIDE_FALLBACK = "Tabel terbitan; lihat docs/data-contract.md untuk uraian kolomnya."


@dataclass(frozen=True)
class ExportedTable:
    periode: str
    table: str
    rows: int  # rows of the table for the periode (= rows in the Parquet file)
    parquet: Path
    xlsx_rows: int  # rows on the sheet (fewer only when over Excel's limit)
    filter: str  # 'periode' | 'periode_declared' | 'semua'


def published_periodes(con: duckdb.DuckDBPyConnection) -> list[str]:
    """The periodes the published file holds (from ikm_kota, the one row per periode)."""
    return [r[0] for r in con.execute("SELECT DISTINCT periode FROM ikm_kota WHERE periode IS NOT NULL ORDER BY 1")
            .fetchall()]


def staging_dir(final: Path) -> Path:
    """A new empty folder beside `final` to build into (readable like a normal folder: mkdtemp
    alone would make it private to this user)."""
    final.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{final.name}.", dir=final.parent))
    tmp.chmod(0o755)
    return tmp


def replace_dir(new: Path, final: Path) -> None:
    """Swap the folder `new` in at `final` (the old one, if any, is removed afterwards)."""
    old = None
    if final.exists():
        old = final.with_name(f".{final.name}.old-{os.getpid()}")
        shutil.rmtree(old, ignore_errors=True)
        os.replace(final, old)
    os.replace(new, final)
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)


def table_columns(con: duckdb.DuckDBPyConnection) -> dict[str, list[tuple[str, str]]]:
    """Every published table but the internal ones (`_` first) with its (column, DuckDB type) in order."""
    out: dict[str, list[tuple[str, str]]] = {}
    for table, column, dtype in con.execute(
        "SELECT table_name, column_name, data_type FROM information_schema.columns "
        "WHERE table_schema = 'main' ORDER BY table_name, ordinal_position"
    ).fetchall():
        out.setdefault(table, []).append((column, dtype))
    return {t: c for t, c in out.items() if not t.startswith("_")}


def order_by(table: str, columns: list[tuple[str, str]]) -> str:
    """The ORDER BY of `table`: its READING_ORDER terms whose column it has, then every column."""
    names = [c for c, _ in columns]
    terms = []
    for term in READING_ORDER.get(table, ()):
        column, *how = term.split()
        if column in names:
            expr = (f"list_position([{', '.join(literal(v) for v in LEVEL_ORDER)}], {ident(column)})"
                    if column == "level" else ident(column))
            terms.append(" ".join([expr, *how]))
    if not terms:
        return "ORDER BY ALL"
    return "ORDER BY " + ", ".join([*terms, *(ident(c) for c in names)])


def table_select(table: str, columns: list[tuple[str, str]], periode: str) -> tuple[str, str]:
    """The SELECT for one table and periode, in reading order, and the filter used. HUGEINT counts
    (DuckDB's sum of integers) are cast to BIGINT: Parquet has no 128-bit integer and would get a
    DOUBLE."""
    cols = ", ".join(f"CAST({ident(c)} AS BIGINT) AS {ident(c)}" if d in ("HUGEINT", "UHUGEINT") else ident(c)
                     for c, d in columns)
    names = {c for c, _ in columns}
    order = order_by(table, columns)
    for column in ("periode", "periode_declared"):
        if column in names:
            return f"SELECT {cols} FROM {ident(table)} WHERE {column} = {literal(periode)} {order}", column
    return f"SELECT {cols} FROM {ident(table)} {order}", "semua"


_INTEGER_TYPES = {"TINYINT", "SMALLINT", "INTEGER", "BIGINT", "HUGEINT", "UTINYINT", "USMALLINT", "UINTEGER",
                  "UBIGINT", "UHUGEINT"}


def number_format(dtype: str) -> str | None:
    """The Excel number format of a DuckDB column type: a DECIMAL shows its published decimals
    (DECIMAL(18,2) -> '0.00', so 84.50 reads 84,50 in an Indonesian Excel, not 84,5), a float two,
    an integer thousands grouping ('#,##0'); None (Excel's own) for the rest."""
    t = dtype.upper()
    if t.startswith("DECIMAL"):
        scale = int(t.rstrip(")").split(",")[1]) if "," in t else 0
        return "0." + "0" * scale if scale else "0"
    if t in ("DOUBLE", "FLOAT", "REAL"):
        return "0.00"
    if t in _INTEGER_TYPES:
        return "#,##0"
    return None


def published_at(con: duckdb.DuckDBPyConnection) -> dt.datetime | None:
    """The publication time (UTC, naive as stored) from `_published`, None when the file has none."""
    if "_published" not in {r[0] for r in con.execute("SELECT table_name FROM information_schema.tables").fetchall()}:
        return None
    row = con.execute("SELECT published_at_utc FROM _published LIMIT 1").fetchone()
    return row[0] if row else None


def _cell(ws, value, fmt: str | None = None):
    """A write-only cell; text is kept as text (a value starting with '=' must not become a
    formula: quarantine keeps raw values from public forms) and stripped of characters XLSX
    cannot hold. A number gets the column's number format `fmt`."""
    if isinstance(value, str):
        cell = WriteOnlyCell(ws, value=ILLEGAL_CHARACTERS_RE.sub("\ufffd", value))
        cell.data_type = "s"
        return cell
    if isinstance(value, dt.datetime) and value.tzinfo is not None:
        value = value.replace(tzinfo=None)
    if value is not None and not isinstance(value, (bool, int, float, Decimal, dt.date, dt.time, dt.timedelta)):
        # lists, structs, UUIDs, blobs: as text
        structured = isinstance(value, (list, tuple, dict))
        return _cell(ws, json.dumps(value, default=str, ensure_ascii=False) if structured else str(value))
    cell = WriteOnlyCell(ws, value=value)
    if fmt is not None and isinstance(value, (int, float, Decimal)) and not isinstance(value, bool):
        cell.number_format = fmt
    return cell


@dataclass(frozen=True)
class _TableExport:
    """What to write for one table of a periode (the plan; nothing is written yet)."""

    table: str
    columns: list[tuple[str, str]]  # (name, DuckDB type)
    sql: str  # the periode's rows
    filter: str  # 'periode' | 'periode_declared' | 'semua'
    sheet_rows: int = XLSX_MAX_ROWS  # rows on the sheet at most; a longer table also gets a full CSV


def export_plan(con: duckdb.DuckDBPyConnection, periode: str, max_rows: int = XLSX_MAX_ROWS) -> list[_TableExport]:
    """Every published table to export for `periode`, in sheet order, with its SELECT and at most
    `max_rows` rows on its sheet (never above Excel's limit)."""
    if not Periode.is_label(periode):  # the label goes into SQL text: accept nothing else
        raise ValueError(f"not a periode label: {periode!r}")
    tables = table_columns(con)
    order = sorted(tables, key=lambda t: (SHEET_ORDER.index(t) if t in SHEET_ORDER else len(SHEET_ORDER), t))
    sheet_rows = min(max_rows, EXCEL_ROW_LIMIT)
    return [_TableExport(t, tables[t], *table_select(t, tables[t], periode), sheet_rows) for t in order]


def export_periode(con: duckdb.DuckDBPyConnection, periode: str, out_dir: Path,
                   max_rows: int = XLSX_MAX_ROWS, kota_nama: str = "") -> list[ExportedTable]:
    """Every published table's rows for `periode` as Parquet plus one XLSX, into `out_dir`.
    `kota_nama` titles the workbook's 'Petunjuk' sheet."""
    plan = export_plan(con, periode, max_rows)
    tmp = staging_dir(out_dir)
    try:
        rows = {item.table: _write_files(con, tmp, item) for item in plan}
        wb = Workbook(write_only=True)
        _write_guide_sheet(wb, con, periode, kota_nama, plan, rows)
        done = [(item.table, rows[item.table], _write_sheet(con, wb, item, tmp / f"{item.table}.parquet",
                                                            rows[item.table]), item.filter) for item in plan]
        _write_notes_sheet(wb, done)
        wb.save(tmp / XLSX_NAME.format(periode=periode))
        drafts = write_drafts(con, periode, tmp / DRAFT_FOLDER)
        (tmp / "manifest.json").write_text(json.dumps(_manifest(con, periode, done, drafts, tmp), indent=2,
                                                      ensure_ascii=False) + "\n", encoding="utf-8")
        replace_dir(tmp, out_dir)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return [ExportedTable(periode, t, n, out_dir / f"{t}.parquet", w, how) for t, n, w, how in done]


def _write_files(con: duckdb.DuckDBPyConnection, folder: Path, item: _TableExport) -> int:
    """One table's Parquet file, and a CSV when the sheet cannot hold it. Returns its rows."""
    target = folder / f"{item.table}.parquet"
    # COPY reports the rows it wrote
    rows = int(con.execute(f"COPY ({item.sql}) TO ? (FORMAT parquet, COMPRESSION zstd)", [target.as_posix()])
               .fetchall()[0][0])
    if rows > item.sheet_rows:
        _write_full_csv(con, target, folder / f"{item.table}.csv")
    return rows


def _write_full_csv(con: duckdb.DuckDBPyConnection, parquet: Path, csv: Path) -> None:
    """The full rows in a format Excel opens too (BOM: Excel reads it as UTF-8)."""
    with csv.open("wb") as f:
        f.write(b"\xef\xbb\xbf")
    con.execute("COPY (SELECT * FROM read_parquet(?)) TO ? (FORMAT csv, HEADER true)",
                [parquet.as_posix(), f"{csv.as_posix()}.body"])
    with csv.open("ab") as f, open(f"{csv}.body", "rb") as body:
        shutil.copyfileobj(body, f, 1 << 20)
    os.unlink(f"{csv}.body")


def _column_widths(con: duckdb.DuckDBPyConnection, item: _TableExport, parquet: Path) -> list[float]:
    """Each column's width: its longest header or value on the sheet (as text), plus room for the
    filter button, within WIDTH_MIN..WIDTH_MAX. One aggregate query over the sheet's rows."""
    lengths = ", ".join(f"max(length(CAST({ident(c)} AS VARCHAR)))" for c, _ in item.columns)
    found = con.execute(f"SELECT {lengths} FROM (SELECT * FROM read_parquet(?) LIMIT {int(item.sheet_rows)})",
                        [parquet.as_posix()]).fetchone() or ()
    return [float(min(WIDTH_MAX, max(WIDTH_MIN, len(name) + 3, (n or 0) + 2)))
            for (name, _), n in zip(item.columns, found, strict=True)]


def _write_sheet(con: duckdb.DuckDBPyConnection, wb: Workbook, item: _TableExport, parquet: Path,
                 rows: int) -> int:
    """The table's sheet: a bold, frozen, filterable header and its first `item.sheet_rows` rows,
    numbers formatted by column type. Returns the rows written."""
    ws = wb.create_sheet(title=item.table[:31])
    # write-only: widths, panes and filter are set before the first row
    for i, width in enumerate(_column_widths(con, item, parquet), 1):
        ws.column_dimensions[get_column_letter(i)].width = width
    on_sheet = min(rows, item.sheet_rows)
    ws.freeze_panes = "A2"
    ws.auto_filter.ref = f"A1:{get_column_letter(len(item.columns))}{on_sheet + 1}"
    bold = Font(bold=True)
    header = []
    for name, _ in item.columns:
        c = WriteOnlyCell(ws, value=name)
        c.font = bold
        header.append(c)
    ws.append(header)
    formats = [number_format(d) for _, d in item.columns]
    written = 0
    cur = con.execute(f"SELECT * FROM read_parquet(?) LIMIT {int(item.sheet_rows)}", [parquet.as_posix()])
    while written < on_sheet:
        batch = cur.fetchmany(min(_BATCH, item.sheet_rows - written))
        if not batch:
            break
        for r in batch:
            ws.append([_cell(ws, v, f) for v, f in zip(r, formats, strict=True)])
        written += len(batch)
    return written


def _write_guide_sheet(wb: Workbook, con: duckdb.DuckDBPyConnection, periode: str, kota_nama: str,
                       plan: list[_TableExport], rows: dict[str, int]) -> None:
    """The first sheet, 'Petunjuk': what the workbook is, for which periode, when it was
    published (WITA), and one line per sheet with its rows."""
    ws = wb.create_sheet(title=GUIDE_SHEET)
    for col, width in (("A", 22), ("B", 100), ("C", 12)):
        ws.column_dimensions[col].width = width

    def text(value, *, bold: bool = False, size: float | None = None) -> WriteOnlyCell:
        c = _cell(ws, value)
        if bold or size:
            c.font = Font(bold=bold, size=size)
        c.alignment = Alignment(vertical="top", wrap_text=False)
        return c

    ts = published_at(con)
    title = "Survei Kepuasan Masyarakat" + (f" - {kota_nama}" if kota_nama else "")
    ws.append([text(title, bold=True, size=14)])
    ws.append([text("Periode", bold=True), text(f"{Periode.parse(periode).nama}, kode {periode}")])
    ws.append([text("Diterbitkan", bold=True),
               text(waktu_wita(ts) if ts else "waktu penerbitan tidak tercatat (tabel _published tidak ada)")])
    ws.append([text("Dasar", bold=True),
               text("Peraturan Menteri PANRB Nomor 14 Tahun 2017 tentang Pedoman Penyusunan Survei Kepuasan "
                    "Masyarakat")])
    ws.append([text("Cara membaca", bold=True),
               text("Angka tampil dengan pemisah desimal Excel Anda (koma pada Excel berbahasa Indonesia). "
                    "Baris judul tiap lembar terkunci dan dapat disaring (tombol filter).")])
    ws.append([])
    ws.append([text("Lembar", bold=True), text("Isi", bold=True), text("Baris", bold=True)])
    for item in plan:
        ws.append([text(item.table[:31]), text(TABLE_GUIDE.get(item.table, GUIDE_FALLBACK)),
                   _cell(ws, rows[item.table], "#,##0")])
    if any(rows[i.table] > i.sheet_rows for i in plan):
        ws.append([text(NOTES_SHEET), text(TABLE_GUIDE[NOTES_SHEET])])


def _write_notes_sheet(wb: Workbook, done: list[tuple[str, int, int, str]]) -> None:
    """The '_catatan' sheet, when a table did not fit on its sheet."""
    truncated = [(t, n, w) for t, n, w, _ in done if w < n]
    if truncated:
        ws = wb.create_sheet(title=NOTES_SHEET)
        ws.append(["tabel", "baris", "baris di lembar ini", "catatan"])
        for t, n, w in truncated:
            ws.append([t, n, w, f"lembar ini memuat {w} baris pertama; data lengkap ada di {t}.csv dan {t}.parquet"])


def _manifest(con: duckdb.DuckDBPyConnection, periode: str, done: list[tuple[str, int, int, str]],
              drafts: list[Path] = (), folder: Path | None = None) -> dict:
    published = {}
    if published_at(con) is not None:
        row = con.execute("SELECT published_at_utc, run_id FROM _published LIMIT 1").fetchone()
        published = {"published_at_utc": row[0].isoformat(), "run_id": row[1]}
    return {
        "periode": periode,
        **published,
        "xlsx": XLSX_NAME.format(periode=periode),
        "tables": {t: {"rows": n, "parquet": f"{t}.parquet", "xlsx_rows": w, "filter": how,
                       **({"csv": f"{t}.csv"} if w < n else {})}
                   for t, n, w, how in done},
        # the RTL draft per OPD (pipelines/report/rtl_draft.py), to complete and land in rtl/<periode>/
        "rtl_draf": [p.relative_to(folder).as_posix() for p in drafts] if folder else [],
    }


def write_exports(published: Path, out_root: Path, periodes: list[str] | None = None,
                  max_rows: int = XLSX_MAX_ROWS, kota_nama: str = "") -> dict[str, list[ExportedTable]]:
    """Exports of every requested periode (default: all published ones) from a read-only
    connection. A periode the file does not hold gets no folder and maps to []."""
    with duckdb.connect(str(published), read_only=True) as con:
        return write_exports_from(con, out_root, periodes, max_rows, kota_nama)


def write_exports_from(con: duckdb.DuckDBPyConnection, out_root: Path, periodes: list[str] | None = None,
                       max_rows: int = XLSX_MAX_ROWS, kota_nama: str = "") -> dict[str, list[ExportedTable]]:
    have = published_periodes(con)
    return {p: export_periode(con, p, out_root / p, max_rows, kota_nama) if p in have else []
            for p in (periodes if periodes is not None else have)}


def xlsx_path(out_root: Path, periode: str) -> Path:
    return out_root / periode / XLSX_NAME.format(periode=periode)

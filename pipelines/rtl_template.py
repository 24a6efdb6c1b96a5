"""The RTL template's layout (rencana tindak lanjut: the OPD's follow-up plan), in one place for
the three that use it: the reader (pipelines/ingest/rtl.py), the pre-filled draft the exports
write per OPD (pipelines/report/rtl_draft.py) and the demo's sample plans (pipelines/sample_data).
"""

from __future__ import annotations

from pathlib import Path

from pipelines.settings import UNSUR_KEYS

# field -> the template's header (matched by text as a registry header is: case and spacing do
# not matter). The order is the template's.
RTL_HEADERS: dict[str, str] = {
    "opd_kode": "OPD",
    "unsur": "Unsur",
    "masalah": "Masalah",
    "kegiatan": "Kegiatan",
    "penanggung_jawab": "Penanggung jawab",
    "target_waktu": "Target waktu",
    "status": "Status",
    "keterangan": "Bukti / keterangan",
}
# What the template's guide sheet says of each column (the clerk's language).
RTL_GUIDE: dict[str, str] = {
    "opd_kode": "kode OPD seperti pada laporan SKM (mis. DPMPTSP)",
    "unsur": "unsur yang diperbaiki: kode (waktu, biaya, ...), nama unsur, atau U1-U9",
    "masalah": "masalah yang ditemukan pada unsur ini (dari nilai dan saran responden)",
    "kegiatan": "kegiatan perbaikan yang direncanakan (satu baris per kegiatan)",
    "penanggung_jawab": "JABATAN atau unit yang bertanggung jawab (mis. Kepala Bidang Pelayanan), bukan nama orang",
    "target_waktu": "tanggal selesai: 2025-12-31 atau 31/12/2025 (hari/bulan/tahun)",
    "status": "rencana, berjalan atau selesai",
    "keterangan": "bukti pelaksanaan atau keterangan; jangan tulis nama, nomor HP atau NIK",
}
RTL_STATUS = ("rencana", "berjalan", "selesai")


def write_rtl_workbook(out_dir: Path, stem: str, rows: list[dict[str, object]],
                       info_columns: dict[str, str] | None = None, title: str | None = None) -> list[Path]:
    """`<stem>.xlsx` (sheet 'RTL' and a guide sheet 'Petunjuk') and `<stem>.csv`, in the RTL
    layout the reader reads: the template's columns first, then `info_columns` (key -> header:
    values shown to help the OPD fill it in, e.g. the unsur's Nilai; never read back). The
    workbook offers the unsur keys and the three statuses as drop-down lists."""
    import csv

    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.worksheet.datavalidation import DataValidation


    info = info_columns or {}
    headers = [*RTL_HEADERS.values(), *info.values()]
    keys = [*RTL_HEADERS, *info]
    out_dir.mkdir(parents=True, exist_ok=True)
    csv_path, xlsx_path = out_dir / f"{stem}.csv", out_dir / f"{stem}.xlsx"
    with csv_path.open("w", newline="", encoding="utf-8-sig") as f:
        w = csv.writer(f)
        w.writerow(headers)
        for r in rows:
            w.writerow(["" if r.get(k) is None else r.get(k) for k in keys])
    wb = Workbook()
    ws = wb.active
    ws.title = "RTL"
    ws.append(headers)
    for cell in ws[1]:
        cell.font = Font(bold=True)
    for r in rows:
        ws.append([r.get(k) for k in keys])
    last = max(len(rows) + 20, 50)
    unsur_list = DataValidation(type="list", formula1='"' + ",".join(UNSUR_KEYS) + '"', allow_blank=True)
    status_list = DataValidation(type="list", formula1='"' + ",".join(RTL_STATUS) + '"', allow_blank=True)
    col = {k: chr(ord("A") + i) for i, k in enumerate(keys)}
    unsur_list.add(f"{col['unsur']}2:{col['unsur']}{last}")
    status_list.add(f"{col['status']}2:{col['status']}{last}")
    ws.add_data_validation(unsur_list)
    ws.add_data_validation(status_list)
    for k, letter in col.items():
        ws.column_dimensions[letter].width = 14 if k in ("opd_kode", "unsur", "status", "target_waktu") else 32
    ws.freeze_panes = "A2"
    guide = wb.create_sheet("Petunjuk")
    if title:
        guide.append([title])
    guide.append(["kolom", "isi"])
    for k, h in RTL_HEADERS.items():
        guide.append([h, RTL_GUIDE[k]])
    for h in info.values():
        guide.append([h, "keterangan dari data SKM, untuk membantu mengisi; tidak dibaca kembali"])
    guide.append([])
    guide.append(["Simpan berkas di folder rtl/<periode>/ (periode yang hasilnya dijawab, mis. rtl/2025-S1/)."])
    wb.save(xlsx_path)
    return [csv_path, xlsx_path]



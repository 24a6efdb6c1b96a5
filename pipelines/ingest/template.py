"""The standard import template for an OPD without its own survey system: one column per
canonical field, unsur by key, answers as 1-4 (or the words of the scale). Register a source with
`template: true` and its files are read with no column mapping at all.

`python -m pipelines.ingest.template [OUT_DIR]` writes skm_template.csv and skm_template.xlsx.
"""

from __future__ import annotations

import csv
import sys
from pathlib import Path

from pipelines.registry import TEMPLATE_FIELDS

EXAMPLE = {
    "submission_id": "",
    "submitted_at": "2025-03-05 10:15",
    "jenis_layanan": "Surat Keterangan",
    **dict.fromkeys(("persyaratan", "prosedur", "waktu", "biaya", "produk", "kompetensi", "perilaku",
                     "sarana", "pengaduan"), "4"),
    "jenis_kelamin": "P",
    "usia": "35",
    "pendidikan": "SMA/SMK",
    "pekerjaan": "Wirausaha",
    "saran": "Pelayanan cepat",
}
GUIDE = [
    ("submission_id", "opsional: nomor formulir, jika ada"),
    ("submitted_at", "tanggal survei, WITA: 2025-03-05 atau 2025-03-05 10:15 atau 05/03/2025"),
    ("jenis_layanan", "nama layanan yang diterima responden"),
    ("persyaratan ... pengaduan", "nilai 1-4 (1 = tidak baik, 4 = sangat baik); kosongkan jika tidak menjawab"),
    ("jenis_kelamin", "L atau P"),
    ("usia", "umur dalam tahun"),
    ("pendidikan", "SD, SMP, SMA/SMK, D1-D3, D4/S1, S2, S3"),
    ("pekerjaan", "PNS, TNI, POLRI, Swasta, Wirausaha, Pelajar/Mahasiswa, Lainnya"),
    ("saran", "saran dan masukan; jangan tulis nama, nomor HP atau NIK"),
]


def write_templates(out_dir: Path) -> list[Path]:
    import openpyxl

    out_dir.mkdir(parents=True, exist_ok=True)
    csv_path = out_dir / "skm_template.csv"
    with csv_path.open("w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(TEMPLATE_FIELDS)
        w.writerow([EXAMPLE.get(c, "") for c in TEMPLATE_FIELDS])
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Data"
    ws.append(list(TEMPLATE_FIELDS))
    ws.append([EXAMPLE.get(c, "") for c in TEMPLATE_FIELDS])
    guide = wb.create_sheet("Petunjuk")
    guide.append(["kolom", "isi"])
    for row in GUIDE:
        guide.append(list(row))
    xlsx_path = out_dir / "skm_template.xlsx"
    wb.save(xlsx_path)
    return [csv_path, xlsx_path]


if __name__ == "__main__":
    target = Path(sys.argv[1]) if len(sys.argv) > 1 else Path("data/templates")
    for p in write_templates(target):
        print(p)

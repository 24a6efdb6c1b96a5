"""Report: what is made for people from the published file, after publication: the Laporan SKM
(``laporan/``: HTML and PDF per periode for the city and each OPD) and the exports (``exports.py``:
Parquet, XLSX). It reads the published file only; it may import publish and the stages below it,
and nothing below it imports report."""

"""`make bench`: the pipeline against the bare DuckDB limit and a pandas baseline (see run.py)."""

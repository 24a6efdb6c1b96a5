"""Quality: the gates between the working warehouse and the published file (dbt tests arrive as
asset checks through dagster-dbt; the pipeline gates and GX suites live here)."""

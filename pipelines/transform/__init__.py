"""Transform: the dbt project (``dbt_project/``) in DuckDB, each model an asset in Dagster."""

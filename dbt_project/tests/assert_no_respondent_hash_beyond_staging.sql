-- respondent_hash (a hash of personal data) never leaves staging: no intermediate or mart
-- relation has such a column.
select table_schema, table_name, column_name
from information_schema.columns
where lower(column_name) = 'respondent_hash'
  and table_schema in ('{{ generate_schema_name("intermediate", none) }}', '{{ generate_schema_name("marts", none) }}')
  and table_catalog = '{{ target.database }}'

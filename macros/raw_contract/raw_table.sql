{#- A raw table as staging reads it: calls source() (so lineage and unit-test fixtures work) and,
    when `execute`, looks up the table's real column types, or notes that the table is declared
    absent in var `pql_absent_raw_tables`. Returns a dict for raw_column():
      relation   what the staging model selects from: the source, or an empty row set when the
                 table is absent (the missing table is then never queried)
      columns    lower-cased column name -> adapter Column (none while parsing)
      is_absent  true when the table is declared absent
      name       "cdp.tracks (db.raw.tracks)", for error messages
    When only compiling (dbt compile, docs generate, sqlfluff) and the table is not there, every
    column is rendered as text (`assume_text`); run, build and test fail instead.
    Inside a dbt unit test source() is a fixture CTE that dbt builds with the column types of the
    table in the warehouse; dbt gives unit tests no graph, so the table is then looked up where
    the sources YAML puts it by default (vars pql_raw_database / pql_raw_schema, identifier =
    table name). -#}
{% macro raw_table(source_name, table_name) -%}
    {%- set relation = source(source_name, table_name) -%}
    {%- set raw = {'relation': relation, 'columns': none, 'is_absent': false, 'name': source_name ~ '.' ~ table_name} -%}
    {%- if execute -%}
        {%- if graph.get('sources') -%}
            {%- set matches = raw_source_tables() | selectattr('source_name', 'equalto', source_name)
                | selectattr('raw_table', 'equalto', table_name) | list -%}
            {%- if matches | length != 1 -%}
                {{ exceptions.raise_compiler_error(
                    "raw_table: source " ~ source_name ~ "." ~ table_name
                    ~ " has no meta.pql_optional in its sources YAML; every raw table of the contract needs one") }}
            {%- endif -%}
            {%- set table = matches[0] -%}
            {%- set absent = absent_raw_tables() -%}
        {%- else -%}
            {%- set table = {
                'raw_table': table_name,
                'is_optional': true,
                'relation': api.Relation.create(
                    database=var('pql_raw_database') or target.get('database'),
                    schema=var('pql_raw_schema'),
                    identifier=table_name),
            } -%}
            {%- set absent = [] -%}
        {%- endif -%}
        {%- do raw.update({'name': source_name ~ '.' ~ table_name ~ ' (' ~ table.relation ~ ')'}) -%}
        {%- if table.raw_table in absent -%}
            {%- do raw.update({
                'is_absent': true,
                'relation': '(select 1 as absent_raw_table) as absent_raw_table where 1 = 0',
                'columns': {},
            }) -%}
        {%- else -%}
            {%- set columns = {} -%}
            {%- for column in adapter.get_columns_in_relation(table.relation) -%}
                {%- do columns.update({column.name | lower: column}) -%}
            {%- endfor -%}
            {%- if not columns and flags.WHICH not in ('run', 'build', 'test', 'retry', 'show') -%}
                {#- compiling only (dbt compile, docs generate, sqlfluff) with no raw table in
                    the target: render every column as text, the shape of raw contract v1 -#}
                {%- do raw.update({'assume_text': true}) -%}
            {%- elif not columns -%}
                {{ exceptions.raise_compiler_error(
                    "raw table '" ~ table.raw_table ~ "' not found: " ~ table.relation ~ " (source " ~ source_name
                    ~ "." ~ table_name ~ ") does not exist; "
                    ~ ("if your warehouse has no such table, add '" ~ table.raw_table ~ "' to var pql_absent_raw_tables"
                       if table.is_optional else "it is required; check vars pql_raw_database / pql_raw_schema")) }}
            {%- endif -%}
            {%- do raw.update({'columns': columns}) -%}
        {%- endif -%}
    {%- endif -%}
    {{ return(raw) }}
{%- endmacro %}

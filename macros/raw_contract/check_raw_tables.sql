{#- on-run-start: the raw tables the selected nodes read must exist, unless declared absent in
    var `pql_absent_raw_tables` (validated first). Fails naming the table, where it was looked
    for and the var to set, before any model runs. A table declared absent that exists anyway is
    reported in the log and still ignored. Returns no SQL. -#}
{% macro check_raw_tables() -%}
    {%- if execute -%}
        {%- set absent = absent_raw_tables() -%}
        {%- set selected = selected_resources or [] -%}
        {%- set readers = {} -%}
        {%- for unique_id in selected if unique_id in graph.nodes -%}
            {%- for dependency in graph.nodes[unique_id].depends_on.nodes -%}
                {%- do readers.update({dependency: unique_id}) -%}
            {%- endfor -%}
        {%- endfor -%}
        {%- for table in raw_source_tables() if table.unique_id in readers -%}
            {%- set found = adapter.get_relation(
                database=table.relation.database,
                schema=table.relation.schema,
                identifier=table.relation.identifier) -%}
            {%- if table.raw_table in absent -%}
                {%- if found is not none -%}
                    {%- do log("pql: raw table " ~ table.raw_table ~ " is declared absent (var pql_absent_raw_tables) but exists as "
                        ~ found ~ "; it is not read", info=true) -%}
                {%- endif -%}
            {%- elif found is none -%}
                {%- set hint = (
                    "if your warehouse has no such table, add '" ~ table.raw_table ~ "' to var pql_absent_raw_tables"
                    if table.is_optional else "it is required; point vars pql_raw_database / pql_raw_schema at your CDP schema"
                ) -%}
                {{ exceptions.raise_compiler_error(
                    "pql: raw table '" ~ table.raw_table ~ "' (source " ~ table.source_name ~ "." ~ table.raw_table
                    ~ ") not found: looked for " ~ table.relation ~ " in schema '" ~ table.relation.schema ~ "'; "
                    ~ hint ~ " (read by " ~ readers[table.unique_id] ~ ")") }}
            {%- endif -%}
        {%- endfor -%}
    {%- endif -%}
{%- endmacro %}

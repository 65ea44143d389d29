{#- The raw tables declared absent in var `pql_absent_raw_tables`, validated: a list of names,
    each a known optional raw table of the contract (tracks, pages, identifies and groups are
    required). Returns the list; fails naming the var and the bad value. Validation needs the
    graph, so while dbt parses the list is returned as given. -#}
{% macro absent_raw_tables() -%}
    {%- set declared = var('pql_absent_raw_tables') -%}
    {%- if declared is none -%}
        {%- set declared = [] -%}
    {%- endif -%}
    {%- if declared is string or declared is mapping or declared is not iterable -%}
        {{ exceptions.raise_compiler_error(
            "var pql_absent_raw_tables: expected a list of raw table names (e.g. [crm_activities]), got "
            ~ tojson(declared)) }}
    {%- endif -%}
    {%- if execute -%}
        {%- set known = {} -%}
        {%- for table in raw_source_tables() -%}
            {%- do known.update({table.raw_table: table.is_optional}) -%}
        {%- endfor -%}
        {%- set optional = known | dictsort | selectattr(1) | map(attribute=0) | list -%}
        {%- for name in declared -%}
            {%- if name is not string or name not in known -%}
                {{ exceptions.raise_compiler_error(
                    "var pql_absent_raw_tables, item " ~ loop.index ~ ": unknown raw table " ~ tojson(name)
                    ~ "; the tables that may be absent are: " ~ optional | join(', ')) }}
            {%- elif not known[name] -%}
                {{ exceptions.raise_compiler_error(
                    "var pql_absent_raw_tables, item " ~ loop.index ~ ": raw table '" ~ name
                    ~ "' is required and cannot be declared absent; the tables that may be absent are: "
                    ~ optional | join(', ')) }}
            {%- endif -%}
        {%- endfor -%}
    {%- endif -%}
    {{ return(declared | list) }}
{%- endmacro %}

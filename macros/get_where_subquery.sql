{#- dbt's test filter (a test's `where` config), plus the production run's window: when var
    pql_test_window_days is set, a generic test on a model whose meta names a
    `test_window_column` reads only that model's rows loaded in the window (pql_test_window).
    Every other test, and every test when the var is null (CI, `make test`), reads whole tables.
    Overrides dbt's get_where_subquery, which every generic test calls on the relation it tests. -#}
{% macro get_where_subquery(relation) -%}
    {#- The window first and the test's own `where` as written when alone, as dbt writes it:
        Spark reads `where (` right after a table name as an alias `where` with column names. -#}
    {%- set conditions = [] -%}
    {%- set window = pql_test_window() -%}
    {%- if window -%}
        {%- do conditions.append(window) -%}
    {%- endif -%}
    {%- set where = config.get('where', '') -%}
    {%- if where -%}
        {%- do conditions.append('(' ~ where ~ ')' if conditions else where) -%}
    {%- endif -%}
    {%- if conditions -%}
        {%- set filtered -%}
            (select * from {{ relation }} where {{ conditions | join(' and ') }}) dbt_subquery
        {%- endset -%}
        {%- do return(filtered) -%}
    {%- else -%}
        {%- do return(relation) -%}
    {%- endif -%}
{%- endmacro %}

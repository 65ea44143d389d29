{#- The condition a production run's tests add on an incremental model (get_where_subquery):
    rows whose `test_window_column` (the model's meta) is within var pql_test_window_days days
    before the run started (the var is checked at run start with every
    other var), or null (rows a model re-reads on every run, such as a missing load
    time). Empty when the var is null, when the test is not attached to one model (singular
    tests) or when the model names no window column: the test reads the whole table. -#}
{% macro pql_test_window() %}
    {%- set days = var('pql_test_window_days') -%}
    {%- if days is none or not execute -%}
        {{ return('') }}
    {%- endif -%}
    {%- set attached = model.get('attached_node') -%}
    {%- set tested = graph.nodes.get(attached) if attached else none -%}
    {%- set column = (tested.config.meta or {}).get('test_window_column') if tested else none -%}
    {%- if not column -%}
        {{ return('') }}
    {%- endif -%}
    {%- set run_start = dbt.cast("'" ~ run_started_at.strftime('%Y-%m-%d %H:%M:%S') ~ "'", dbt.type_timestamp()) -%}
    {{ return('not (' ~ adapter.quote(column) ~ ' < ' ~ dbt.dateadd('day', -1 * days, run_start) ~ ')') }}
{% endmacro %}

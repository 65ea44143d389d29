{#- The condition a production run's tests add on an incremental model (get_where_subquery):
    rows whose `test_window_column` (the model's meta) is within var pql_test_window_days days
    before the run started (the var is checked at run start with every
    other var), or null (rows a model re-reads on every run, such as a missing load
    time). A test's own meta test_window_column wins over its model's. Empty when the var is
    null, for a uniqueness test (it must see every key), when the test is not attached to one
    model (singular tests) or when neither names a window column: the test reads the whole
    table. -#}
{% macro pql_test_window() %}
    {%- set days = var('pql_test_window_days') -%}
    {%- if days is none or not execute -%}
        {{ return('') }}
    {%- endif -%}
    {%- set attached = model.get('attached_node') -%}
    {%- set tested = graph.nodes.get(attached) if attached else none -%}
    {#- A uniqueness test must see the whole key space: a duplicate may pair a row written now
        with one outside the window (a row rewritten with an old load time, an append-only
        adapter), so unique and unique_combination read every row. -#}
    {%- set test_name = (model.get('test_metadata') or {}).get('name') -%}
    {%- if test_name in ('unique', 'unique_combination', 'unique_combination_of_columns') -%}
        {{ return('') }}
    {%- endif -%}
    {#- A test may name its own window column (its config meta): a test of values on a table
        rebuilt every run whose rows carry the run that last changed them (the sync marts'
        last_changed_at). -#}
    {%- set own = (model.config.meta or {}).get('test_window_column') if tested else none -%}
    {%- set column = own or ((tested.config.meta or {}).get('test_window_column') if tested else none) -%}
    {%- if not column -%}
        {{ return('') }}
    {%- endif -%}
    {%- set run_start = dbt.cast("'" ~ run_started_at.strftime('%Y-%m-%d %H:%M:%S') ~ "'", dbt.type_timestamp()) -%}
    {{ return('not (' ~ adapter.quote(column) ~ ' < ' ~ dbt.dateadd('day', -1 * days, run_start) ~ ')') }}
{% endmacro %}

{#- The entity-level inputs every model of the engine's tail (qualification runs, statuses,
    state history, current state) stores on each of its rows, as int_pql_score_changes does:
    an incremental run compares them with its upstream's to find the entities recomputed
    upstream even when their watermark did not move (a changed fit or payment start). -#}
{% macro pql_engine_tail_inputs() -%}
    {{ return(['last_resolved_received_at', 'fit_score', 'fit_reasons', 'paying_since_date']) }}
{%- endmacro %}

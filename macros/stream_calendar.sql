{#- Dates every measurement model takes from the clean event stream, written once. -#}

{#- One row: the data's as-of date, the day the latest stream row reached its current form. -#}
{% macro stream_as_of_date() -%}
    select {{ dbt.cast('max(resolved_received_at)', 'date') }} as data_as_of_date
    from {{ ref('int_events_resolved') }}
{%- endmacro %}

{#- One row per week and per month that has events in the stream (cohort_grain, cohort_start). -#}
{% macro stream_cohorts() -%}
    select distinct
        'week' as cohort_grain,
        {{ dbt.cast(dbt.date_trunc('week', 'occurred_date'), 'date') }} as cohort_start
    from {{ ref('int_events_resolved') }}

    union

    select distinct
        'month' as cohort_grain,
        {{ dbt.cast(dbt.date_trunc('month', 'occurred_date'), 'date') }} as cohort_start
    from {{ ref('int_events_resolved') }}
{%- endmacro %}

{#- The calendar MetricFlow joins metrics to (its time spine): one row per day from var
    pql_earliest_plausible_load_time to var pql_metric_calendar_future_days days after the
    run's date. -#}
with

days as (
    {{ dbt.date_spine(
        'day',
        dbt.cast(dbt.string_literal(var('pql_earliest_plausible_load_time')), 'date'),
        dbt.dateadd('day', var('pql_metric_calendar_future_days') | int, dbt.cast(dbt.current_timestamp(), 'date'))
    ) }}
),

final as (
    select {{ dbt.cast('date_day', 'date') }} as date_day
    from days
)

select * from final

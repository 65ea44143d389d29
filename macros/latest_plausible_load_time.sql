{#- The latest load time pql believes, as a timestamp literal: the start of this run
    (run_started_at, UTC) plus pql_future_tolerance_hours. A row the loader stamped later than
    that (a loader clock or a backfill gone wrong, e.g. 2099) is rejected as future_load_time
    and never enters a watermark; once the run time catches up with it, it is read again and
    classified as a full refresh would. A macro so unit tests can pin the run time. -#}
{% macro latest_plausible_load_time() -%}
    {{ dbt.dateadd(
        'hour',
        var('pql_future_tolerance_hours') | int,
        dbt.cast("'" ~ run_started_at.strftime('%Y-%m-%d %H:%M:%S') ~ "'", dbt.type_timestamp())
    ) }}
{%- endmacro %}

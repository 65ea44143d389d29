{#- Load steps: of the rows of one key in load order, the first load and each later load whose
    event time is earlier than any loaded before it (it moves the key's start back). Identity
    observations and account evidence keep only these steps, so a later event is attributed from
    the first load that covered its time. Use load_step_windows() in a select, then
    is_load_step() in the next CTE's where. -#}
{% macro load_step_windows(partition_by, event_time, load_time) -%}
    row_number() over (
        partition by {{ partition_by }} order by {{ load_time }}, {{ event_time }} nulls last
    ) as load_order,
    min({{ event_time }}) over (
        partition by {{ partition_by }}
        order by {{ load_time }}, {{ event_time }} nulls last
        rows between unbounded preceding and 1 preceding
    ) as earlier_event_time
{%- endmacro %}

{% macro is_load_step(event_time) -%}
    (
        load_order = 1
        or {{ event_time }} < earlier_event_time
        or (earlier_event_time is null and {{ event_time }} is not null)
    )
{%- endmacro %}

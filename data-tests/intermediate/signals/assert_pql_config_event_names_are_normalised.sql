-- SQL guard (docs/config_without_python.md): every event name a signal counts is written as
-- the clean stream writes it (macro normalize_event_name: snake_case, lower case), so it can
-- match events at all; a wildcard (report_*) is such a name, or a prefix of one ending in _,
-- followed by one *. One row per signal and event name that is not.
{% set is_prefix = dbt.right('event_name', '1') ~ " = '*'" %}
{% set without_star = 'substring(event_name, 1, ' ~ dbt.length('event_name') ~ ' - 1)' %}
with

config as (
    select * from {{ ref('int_pql_config_validated_sql') }}
),

named as (
    select
        definition_id,
        signal_id,
        event_name,
        -- the name a wildcard's prefix starts: without the * and one trailing _
        case
            when {{ is_prefix }} and {{ dbt.right(without_star, '1') }} = '_'
                then substring(event_name, 1, {{ dbt.length('event_name') }} - 2)
            when {{ is_prefix }} then {{ without_star }}
            else event_name
        end as name_part
    from config
),

problems as (
    select
        'seeds/pql_signals.csv' as file_name,
        definition_id,
        signal_id,
        'event_names' as column_name,
        event_name as value_as_written,
        {{ dbt.concat([
            "'is not a normalised event name; write '",
            "coalesce(" ~ normalize_event_name('event_name') ~ ", '(nothing left)')",
        ]) }} as problem
    from named
    where
        event_name is null
        or name_part = ''
        or name_part <> coalesce({{ normalize_event_name('name_part') }}, '')
)

select * from problems

-- SQL guard (docs/config_without_python.md): every event name a signal counts is written as
-- the clean stream writes it (macro normalize_event_name: snake_case, lower case), so it can
-- match events at all. One row per signal and event name that is not.
with

config as (
    select * from {{ ref('int_pql_config_validated_sql') }}
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
    from config
    where
        event_name is null
        or event_name <> coalesce({{ normalize_event_name('event_name') }}, '')
)

select * from problems

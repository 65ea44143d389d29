-- SQL guard (docs/config_without_python.md): every signal names a definition of
-- seeds/pql_definitions.csv, and every definition has at least one signal. A signal of an
-- unknown definition would be silently dropped; a definition without signals never qualifies.
-- One row per problem: file, definition, signal, column and what is wrong.
with

rows_parsed as (
    select * from {{ ref('int_pql_config_rows_parsed') }}
),

problems as (
    select
        'seeds/pql_signals.csv' as file_name,
        definition_id,
        signal_id,
        'definition_id' as column_name,
        definition_id as value_as_written,
        'unknown definition (not in seeds/pql_definitions.csv)' as problem
    from rows_parsed
    where has_signal_row and not has_definition_row

    union all

    select
        'seeds/pql_definitions.csv' as file_name,
        definition_id,
        signal_id,
        'definition_id' as column_name,
        definition_id as value_as_written,
        'definition has no signals in seeds/pql_signals.csv' as problem
    from rows_parsed
    where has_definition_row and not has_signal_row
)

select * from problems

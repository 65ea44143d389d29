-- Parity of the anti-flapping rule's two implementations: where the warehouse runs Python
-- models (DuckDB here), the Python model and its SQL twin must hold identical rows, every
-- column, duplicates included. Returns one row per row found in one and not the other, with
-- the side it is missing from.
{{ config(enabled=pql_python_models_supported()) }}

with

python_rows as (
    select
        definition_id,
        entity_id,
        change_date,
        status
    from {{ ref('int_pql_statuses_debounced') }}
),

sql_rows as (
    select
        definition_id,
        entity_id,
        change_date,
        status
    from {{ ref('int_pql_statuses_debounced_sql') }}
),

only_in_python as (
    select * from python_rows
    except all
    select * from sql_rows
),

only_in_sql as (
    select * from sql_rows
    except all
    select * from python_rows
),

final as (
    select
        'missing from int_pql_statuses_debounced_sql' as problem,
        *
    from only_in_python
    union all
    select
        'missing from int_pql_statuses_debounced' as problem,
        *
    from only_in_sql
)

select * from final

{#- The accounts' rows of int_funnel_steps (the new-business funnel of each entity under each
    definition of its entity), typed, with the days between the steps. -#}
with

funnel_steps as (
    select * from {{ ref('int_funnel_steps') }}
    where entity = 'account'
),

final as (
    select
        funnel_id as account_funnel_id,
        definition_id,
        definition_version,
        entity_id as account_id,
        crm_account_id,
        signup_source,
        persona,
        signup_plan,
        cast(employee_count as {{ dbt.type_int() }}) as employee_count,
        company_size_band,
        industry,
        {{ funnel_step_columns() }}
    from funnel_steps
)

select * from final

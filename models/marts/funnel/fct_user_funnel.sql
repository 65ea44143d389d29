{#- The users' rows of int_funnel_steps (the new-business funnel of each entity under each
    definition of its entity), typed, with the days between the steps. -#}
with

funnel_steps as (
    select * from {{ ref('int_funnel_steps') }}
    where entity = 'user'
),

final as (
    select
        funnel_id as user_funnel_id,
        definition_id,
        definition_version,
        entity_id as user_id,
        segment_account_id as primary_account_id,
        crm_contact_id,
        is_internal,
        signup_source,
        persona,
        signup_plan,
        cast(employee_count as {{ dbt.type_int() }}) as employee_count,
        company_size_band,
        {{ funnel_step_columns() }}
    from funnel_steps
)

select * from final

with

source as (
    select * from {{ source('billing', 'subscriptions') }}
),

renamed as (
    select
        {{ clean_text('id') }} as subscription_id,
        {{ clean_text('group_id') }} as account_id,
        lower({{ clean_text('plan') }}) as plan,
        lower({{ clean_text('status') }}) as subscription_status,
        cast(started_at as {{ dbt.type_timestamp() }}) as started_at,
        cast(trial_ends_at as {{ dbt.type_timestamp() }}) as trial_ends_at,
        cast(canceled_at as {{ dbt.type_timestamp() }}) as canceled_at,
        cast(null as {{ dbt.type_timestamp() }}) as ended_at,
        cast(mrr as {{ dbt.type_numeric() }}) as mrr,
        cast(updated_at as {{ dbt.type_timestamp() }}) as updated_at
    from source
),

versioned as (
    select
        *,
        {{ dbt.hash(dbt.concat(['subscription_id', "'|'", dbt.cast('updated_at', dbt.type_string())])) }}
            as subscription_version_id,
        plan not in ({{ sql_string_list(var('pql_unpaid_plans')) }}) as is_paid_plan,
        row_number() over (partition by subscription_id order by updated_at desc) = 1 as is_current_version
    from renamed
),

final as (
    select * from versioned
)

select * from final

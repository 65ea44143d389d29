{%- set raw = raw_table('billing', 'subscriptions') -%}
{%- set known_statuses = var('pql_known_subscription_statuses') + var('pql_paying_statuses') -%}

with

source as (
    select * from {{ raw.relation }}
),

renamed as (
    select
        {{ clean_text(raw_column(raw, 'id', 'text')) }} as subscription_id,
        {{ clean_text(raw_column(raw, 'group_id', 'text')) }} as account_id,
        lower({{ clean_text(raw_column(raw, 'plan', 'text')) }}) as plan,
        lower({{ clean_text(raw_column(raw, 'status', 'text')) }}) as subscription_status_as_sent,
        {{ raw_column(raw, 'started_at', 'timestamp') }} as started_at,
        {{ raw_column(raw, 'trial_ends_at', 'timestamp', required=false) }} as trial_ends_at,
        {{ raw_column(raw, 'canceled_at', 'timestamp', required=false) }} as canceled_at,
        {{ raw_column(raw, 'mrr', 'numeric', required=false) }} as mrr,
        {{ raw_column(raw, 'updated_at', 'timestamp') }} as updated_at,
        {{ raw_column(raw, 'ended_at', 'timestamp', required=false) }} as ended_at,
        {{ record_rejection(raw, [
            ['id', 'text', 'key'],
            ['group_id', 'text', 'required'],
            ['started_at', 'timestamp', 'required'],
            ['updated_at', 'timestamp', 'required'],
            ['mrr', 'numeric', 'optional'],
            ['trial_ends_at', 'timestamp', 'optional'],
            ['canceled_at', 'timestamp', 'optional'],
            ['ended_at', 'timestamp', 'optional'],
        ]) }}
    from source
),

versioned as (
    select
        *,
        case
            when subscription_status_as_sent in ({{ sql_string_list(known_statuses) }})
                then subscription_status_as_sent
            when subscription_status_as_sent is not null then 'other'
        end as subscription_status,
        rejection_reason is null as is_usable,
        {{ dbt.hash(dbt.concat(['subscription_id', "'|'", dbt.cast('updated_at', dbt.type_string())])) }}
            as subscription_version_id,
        plan not in ({{ sql_string_list(var('pql_unpaid_plans')) }}) as is_paid_plan,
        -- the latest usable version: a rejected row is never current
        rejection_reason is null
        and row_number() over (
            partition by subscription_id, rejection_reason is null order by updated_at desc
        ) = 1 as is_current_version
    from renamed
),

final as (
    select * from versioned
)

select * from final

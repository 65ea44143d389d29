with

users as (
    select * from {{ ref('int_users_profiled') }}
),

resolved as (
    select * from {{ ref('int_users_resolved_to_accounts') }}
),

stitched as (
    select * from {{ ref('int_anonymous_ids_stitched') }}
),

activity as (
    select
        entity_id as user_id,
        activity_date,
        event_count,
        first_event_at,
        last_event_at
    from {{ ref('int_activity_daily') }}
    where entity = 'user'
),

anonymous_ids as (
    select
        user_id,
        count(*) as anonymous_id_count
    from stitched
    group by user_id
),

activity_summary as (
    select
        user_id,
        min(first_event_at) as first_event_at,
        max(last_event_at) as last_event_at,
        count(distinct activity_date) as active_day_count,
        sum(event_count) as event_count
    from activity
    group by user_id
),

final as (
    select
        users.user_id,
        users.email,
        users.email_domain,
        users.is_personal_email,
        users.is_internal,
        users.user_name,
        users.job_title,
        users.signup_source,
        users.persona,
        users.signed_up_at,
        users.signup_time_source,
        resolved.primary_account_id,
        resolved.account_match_method,
        cast(resolved.linked_account_count as {{ dbt.type_bigint() }}) as linked_account_count,
        cast(coalesce(anonymous_ids.anonymous_id_count, 0) as {{ dbt.type_bigint() }}) as anonymous_id_count,
        activity_summary.first_event_at,
        activity_summary.last_event_at,
        cast(coalesce(activity_summary.active_day_count, 0) as {{ dbt.type_bigint() }}) as active_day_count,
        cast(coalesce(activity_summary.event_count, 0) as {{ dbt.type_bigint() }}) as event_count
    from users
    inner join resolved
        on users.user_id = resolved.user_id
    left join anonymous_ids
        on users.user_id = anonymous_ids.user_id
    left join activity_summary
        on users.user_id = activity_summary.user_id
)

select * from final

{#- Every qualification (a PQL or PQA becoming qualified; requalifications after a demotion
    count again) with the first sales activity that followed it: the speed-to-lead fact.

    The clock starts at the beginning (00:00 UTC) of the qualification date, the earliest moment
    the qualification can be dated; the daily build can only show it to sales at the end of that
    day, so the hours here are an upper bound on what sales could have achieved. A user's
    activities are those logged on their CRM contacts (matched on the lower-cased email, live
    contacts only); an account's are every activity on its CRM account. Only activities within
    var pql_speed_to_lead_window_days after the qualification count as a response to it. -#}
with

user_history as (
    select * from {{ ref('fct_pql_state_history') }}
),

account_history as (
    select * from {{ ref('fct_pqa_state_history') }}
),

users as (
    select * from {{ ref('dim_users') }}
),

accounts as (
    select * from {{ ref('dim_accounts') }}
),

contacts as (
    select * from {{ ref('stg_crm__contacts') }}
    where rejection_reason is null
),

activities as (
    select * from {{ ref('stg_crm__activities') }}
    where rejection_reason is null and occurred_at is not null
),

history as (
    select
        'user' as entity,
        user_id as entity_id,
        state_id,
        definition_id,
        motion,
        valid_from,
        status,
        change_type,
        score,
        tier
    from user_history

    union all

    select
        'account' as entity,
        account_id as entity_id,
        state_id,
        definition_id,
        motion,
        valid_from,
        status,
        change_type,
        score,
        tier
    from account_history
),

episodes as (
    select
        *,
        sum(case when change_type = 'qualified' then 1 else 0 end) over (
            partition by entity, entity_id, definition_id
            order by valid_from
            rows between unbounded preceding and current row
        ) as episode_number
    from history
),

episode_ends as (
    select
        entity,
        entity_id,
        definition_id,
        episode_number,
        min(case when status != 'qualified' then valid_from end) as ended_date
    from episodes
    group by
        entity,
        entity_id,
        definition_id,
        episode_number
),

qualified as (
    select
        episodes.entity || '|' || episodes.state_id as qualification_id,
        episodes.entity,
        episodes.entity_id,
        episodes.definition_id,
        episodes.motion,
        episodes.valid_from as qualified_date,
        {{ dbt.cast('episodes.valid_from', dbt.type_timestamp()) }} as clock_started_at,
        episodes.score,
        episodes.tier,
        episode_ends.ended_date
    from episodes
    inner join episode_ends
        on
            episodes.entity = episode_ends.entity
            and episodes.entity_id = episode_ends.entity_id
            and episodes.definition_id = episode_ends.definition_id
            and episodes.episode_number = episode_ends.episode_number
    where episodes.change_type = 'qualified'
),

crm_records as (
    {#- who sales would contact: a user's live CRM contacts, an account's CRM account -#}
    select
        'user' as entity,
        users.user_id as entity_id,
        contacts.crm_contact_id as crm_record_id
    from users
    inner join contacts
        on users.email = contacts.email
    where not contacts.is_deleted

    union all

    select
        'account' as entity,
        account_id as entity_id,
        crm_account_id as crm_record_id
    from accounts
    where crm_account_id is not null
),

entity_activities as (
    select
        crm_records.entity,
        crm_records.entity_id,
        activities.crm_activity_id,
        activities.activity_type,
        activities.occurred_at
    from crm_records
    inner join activities
        on crm_records.crm_record_id = activities.crm_contact_id
    where crm_records.entity = 'user'

    union all

    select
        crm_records.entity,
        crm_records.entity_id,
        activities.crm_activity_id,
        activities.activity_type,
        activities.occurred_at
    from crm_records
    inner join activities
        on crm_records.crm_record_id = activities.crm_account_id
    where crm_records.entity = 'account'
),

reachable as (
    select distinct
        entity,
        entity_id
    from crm_records
),

responses_ranked as (
    select
        qualified.qualification_id,
        entity_activities.activity_type,
        entity_activities.occurred_at,
        {{ dbt.datediff('qualified.clock_started_at', 'entity_activities.occurred_at', 'minute') }}
            as minutes_to_first_activity,
        row_number() over (
            partition by qualified.qualification_id
            order by entity_activities.occurred_at, entity_activities.crm_activity_id
        ) as row_rank
    from qualified
    inner join entity_activities
        on
            qualified.entity = entity_activities.entity
            and qualified.entity_id = entity_activities.entity_id
    where
        entity_activities.occurred_at >= qualified.clock_started_at
        and entity_activities.occurred_at < {{ dbt.dateadd(
            'day', var('pql_speed_to_lead_window_days') | int, 'qualified.clock_started_at'
        ) }}
),

responses as (
    select
        qualification_id,
        activity_type,
        occurred_at,
        minutes_to_first_activity
    from responses_ranked
    where row_rank = 1
),

earlier_contacts as (
    select distinct qualified.qualification_id
    from qualified
    inner join entity_activities
        on
            qualified.entity = entity_activities.entity
            and qualified.entity_id = entity_activities.entity_id
    where
        entity_activities.occurred_at < qualified.clock_started_at
        and entity_activities.occurred_at >= {{ dbt.dateadd(
            'day', -1 * (var('pql_speed_to_lead_window_days') | int), 'qualified.clock_started_at'
        ) }}
),

final as (
    select
        qualified.qualification_id,
        qualified.entity,
        qualified.entity_id,
        qualified.definition_id,
        qualified.motion,
        qualified.qualified_date,
        {{ dbt.cast(dbt.date_trunc('week', 'qualified.qualified_date'), 'date') }} as qualified_week,
        qualified.ended_date,
        qualified.score,
        qualified.tier,
        reachable.entity_id is not null as has_crm_record,
        earlier_contacts.qualification_id is not null as was_contacted_before,
        responses.occurred_at as first_activity_at,
        responses.activity_type as first_activity_type,
        cast(responses.minutes_to_first_activity / 60.0 as {{ dbt.type_numeric() }})
            as hours_to_first_activity,
        responses.occurred_at is not null as is_contacted,
        coalesce(
            responses.minutes_to_first_activity <= {{ var('pql_speed_to_lead_sla_hours') | int }} * 60,
            false
        ) as is_contacted_within_sla
    from qualified
    left join reachable
        on
            qualified.entity = reachable.entity
            and qualified.entity_id = reachable.entity_id
    left join responses
        on qualified.qualification_id = responses.qualification_id
    left join earlier_contacts
        on qualified.qualification_id = earlier_contacts.qualification_id
)

select * from final

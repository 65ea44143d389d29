{#- Paid periods of every subscription, for billing stored either way (var pql_billing_shape):
    - change_log: several rows per subscription, one per version, ordered by updated_at. A
      version that pays (plan outside var pql_unpaid_plans, status in var pql_paying_statuses)
      after one that did not starts a period at that version's updated_at; when the first
      version seen already pays, the period starts at started_at, or at trial_ends_at when the
      trial ended later. The first version after it that does not pay ends it, at its
      ended_at / canceled_at when that falls inside the period, else at its updated_at.
    - current_state: one row per subscription, updated in place. A paid plan that pays now, or
      that stopped (ended_at / canceled_at) after its paid start, has one period from
      started_at, or trial_ends_at when the trial ended later, to ended_at / canceled_at.
    auto: change_log when any subscription id has more than one row, else current_state.
    Periods of one account that touch or overlap form one account paid period; a period that
    starts after a gap starts a new one (a reactivation). Rows without an account are left out. -#}
{%- set billing_shape = validated_var('pql_billing_shape') -%}
with

subscriptions as (
    select * from {{ ref('stg_billing__subscriptions') }}
    where rejection_reason is null
),

versions as (
    select
        subscription_id,
        account_id,
        subscription_version_id,
        plan,
        updated_at,
        is_current_version,
        coalesce(
            is_paid_plan and subscription_status in ({{ sql_string_list(var('pql_paying_statuses')) }}),
            false
        ) as is_paying,
        {#- a trial that ended after the start moves the paid start to its end -#}
        case
            when trial_ends_at is not null and (started_at is null or trial_ends_at > started_at)
                then trial_ends_at
            else coalesce(started_at, updated_at)
        end as paid_from,
        coalesce(ended_at, canceled_at) as stopped_at,
        coalesce(is_paid_plan, false) as is_paid_plan,
        count(*) over (partition by subscription_id) as version_count
    from subscriptions
    where account_id is not null and subscription_id is not null and updated_at is not null
),

detected_shape as (
    select
        {%- if billing_shape == 'auto' %}
            case when max(version_count) > 1 then 'change_log' else 'current_state' end
        {%- else %}
            max('{{ billing_shape }}')
        {%- endif %} as billing_shape
    from versions
),

sequenced as (
    select
        *,
        lag(is_paying) over (
            partition by subscription_id order by updated_at, subscription_version_id
        ) as was_paying
    from versions
),

flagged as (
    select
        *,
        is_paying and not coalesce(was_paying, false) as starts_period,
        sum(case when is_paying and not coalesce(was_paying, false) then 1 else 0 end) over (
            partition by subscription_id
            order by updated_at, subscription_version_id
            rows between unbounded preceding and current row
        ) as period_number
    from sequenced
),

change_log_starts as (
    select
        subscription_id,
        account_id,
        period_number,
        subscription_version_id as started_version_id,
        plan as started_plan,
        case when was_paying is null then paid_from else updated_at end as paid_started_at
    from flagged
    where starts_period
),

change_log_stops_ranked as (
    {#- the first version of each period that no longer pays -#}
    select
        subscription_id,
        period_number,
        updated_at as stopped_version_at,
        stopped_at,
        row_number() over (
            partition by subscription_id, period_number order by updated_at, subscription_version_id
        ) as row_rank
    from flagged
    where period_number > 0 and not is_paying
),

change_log_stops as (
    select
        subscription_id,
        period_number,
        stopped_version_at,
        stopped_at
    from change_log_stops_ranked
    where row_rank = 1
),

change_log_periods as (
    select
        change_log_starts.subscription_id,
        change_log_starts.account_id,
        change_log_starts.period_number,
        change_log_starts.started_version_id,
        change_log_starts.started_plan,
        change_log_starts.paid_started_at,
        case
            when
                change_log_stops.stopped_at > change_log_starts.paid_started_at
                and change_log_stops.stopped_at <= change_log_stops.stopped_version_at
                then change_log_stops.stopped_at
            else change_log_stops.stopped_version_at
        end as paid_ended_at
    from change_log_starts
    left join change_log_stops
        on
            change_log_starts.subscription_id = change_log_stops.subscription_id
            and change_log_starts.period_number = change_log_stops.period_number
),

current_state_periods as (
    select
        subscription_id,
        account_id,
        1 as period_number,
        subscription_version_id as started_version_id,
        plan as started_plan,
        paid_from as paid_started_at,
        case when not is_paying then stopped_at end as paid_ended_at
    from versions
    where
        is_current_version
        and is_paid_plan
        and (is_paying or stopped_at > paid_from)
),

periods as (
    select
        change_log_periods.*,
        detected_shape.billing_shape
    from change_log_periods
    cross join detected_shape
    where detected_shape.billing_shape = 'change_log'

    union all

    select
        current_state_periods.*,
        detected_shape.billing_shape
    from current_state_periods
    cross join detected_shape
    where detected_shape.billing_shape = 'current_state'
),

non_empty_periods as (
    select * from periods
    where paid_ended_at is null or paid_ended_at > paid_started_at
),

account_sequenced as (
    {#- what the account's earlier periods covered: any still open, and the latest end -#}
    select
        *,
        max(case when paid_ended_at is null then 1 else 0 end) over (
            partition by account_id
            order by paid_started_at, subscription_id, period_number
            rows between unbounded preceding and 1 preceding
        ) as has_earlier_open_period,
        max(paid_ended_at) over (
            partition by account_id
            order by paid_started_at, subscription_id, period_number
            rows between unbounded preceding and 1 preceding
        ) as earlier_paid_until
    from non_empty_periods
),

account_flagged as (
    select
        *,
        coalesce(has_earlier_open_period, 0) = 0
        and (earlier_paid_until is null or paid_started_at > earlier_paid_until)
            as starts_account_paid_period
    from account_sequenced
),

final as (
    select
        subscription_id || '|' || {{ dbt.cast('period_number', dbt.type_string()) }} as paid_period_id,
        subscription_id,
        account_id,
        cast(period_number as {{ dbt.type_int() }}) as period_number,
        billing_shape,
        started_version_id,
        started_plan,
        paid_started_at,
        paid_ended_at,
        starts_account_paid_period,
        cast(sum(case when starts_account_paid_period then 1 else 0 end) over (
            partition by account_id
            order by paid_started_at, subscription_id, period_number
            rows between unbounded preceding and current row
        ) as {{ dbt.type_int() }}) as account_paid_period_number
    from account_flagged
)

select * from final

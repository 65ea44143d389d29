{#- Lift of every event and every configured signal on new-business conversion, per entity
    (user, account).

    Measured before conversion, without post-conversion usage: the population is the entities
    still unconverted var pql_lift_observation_days days after signup (observation end), whose
    following var pql_conversion_window_days days are complete in the data. An entity "did" a
    behaviour when it sent the event (a user's own events; an account's events from non-internal
    users) or the signal fired at full weight (state history) in those first days; it converted
    when it converted within the window after the observation end.

    Rates carry Wilson intervals; lift (did vs did-not conversion rate, a relative risk) carries
    a log interval (Katz), with half a count added to every cell when one is 0. A behaviour with
    fewer than var pql_lift_min_sample entities on either side is flagged as a small sample and
    ranked after all others; within each group rows rank by the lift's lower bound, so a lucky
    small sample never ranks first. -#}
{%- set observation_days = var('pql_lift_observation_days', 14) | int -%}
{%- set window_days = var('pql_conversion_window_days', 90) | int -%}
{%- set min_sample = var('pql_lift_min_sample', 30) | int -%}
{%- set z = var('pql_confidence_z', 1.96) | float -%}
{%- set numeric = dbt.type_numeric() -%}
with

users as (
    select * from {{ ref('dim_users') }}
),

accounts as (
    select * from {{ ref('dim_accounts') }}
),

links as (
    select * from {{ ref('int_user_accounts_linked') }}
),

conversions as (
    select * from {{ ref('int_account_conversions') }}
    where motion = 'new_business'
),

events as (
    select * from {{ ref('int_events_deduplicated') }}
),

user_history as (
    select * from {{ ref('fct_pql_state_history') }}
),

account_history as (
    select * from {{ ref('fct_pqa_state_history') }}
),

config as (
    select * from {{ ref('int_pql_config_validated') }}
),

data_as_of as (
    {{ stream_as_of_date() }}
),

user_conversions as (
    select
        links.user_id,
        min(conversions.converted_at) as converted_at
    from links
    inner join conversions
        on links.account_id = conversions.account_id
    group by links.user_id
),

candidates as (
    select
        'user' as entity,
        users.user_id as entity_id,
        {{ dbt.cast('users.signed_up_at', 'date') }} as signup_date,
        {{ dbt.cast('user_conversions.converted_at', 'date') }} as converted_date
    from users
    left join user_conversions
        on users.user_id = user_conversions.user_id
    where not users.is_internal and users.signed_up_at is not null

    union all

    select
        'account' as entity,
        accounts.account_id as entity_id,
        {{ dbt.cast('accounts.first_seen_at', 'date') }} as signup_date,
        {{ dbt.cast('conversions.converted_at', 'date') }} as converted_date
    from accounts
    left join conversions
        on accounts.account_id = conversions.account_id
    where accounts.first_seen_at is not null
),

observed as (
    select
        candidates.*,
        {{ dbt.cast(dbt.dateadd('day', observation_days, 'candidates.signup_date'), 'date') }}
            as observation_end_date
    from candidates
),

population as (
    select
        observed.entity,
        observed.entity_id,
        observed.signup_date,
        observed.observation_end_date,
        coalesce(
            observed.converted_date
            < {{ dbt.dateadd('day', window_days, 'observed.observation_end_date') }},
            false
        ) as is_converted
    from observed
    cross join data_as_of
    where
        (observed.converted_date is null or observed.converted_date >= observed.observation_end_date)
        and {{ dbt.dateadd('day', window_days - 1, 'observed.observation_end_date') }}
        <= data_as_of.data_as_of_date
),

totals as (
    select
        entity,
        count(*) as population_count,
        sum(case when is_converted then 1 else 0 end) as converted_count
    from population
    group by entity
),

user_events_done as (
    select distinct
        population.entity,
        population.entity_id,
        events.event_name
    from population
    inner join events
        on population.entity_id = events.user_id
    where
        population.entity = 'user'
        and events.occurred_date >= population.signup_date
        and events.occurred_date < population.observation_end_date
),

account_events_done as (
    select distinct
        population.entity,
        population.entity_id,
        events.event_name
    from population
    inner join events
        on population.entity_id = events.account_id
    left join users
        on events.user_id = users.user_id
    where
        population.entity = 'account'
        and not coalesce(users.is_internal, false)
        and events.occurred_date >= population.signup_date
        and events.occurred_date < population.observation_end_date
),

signals as (
    select distinct
        entity,
        definition_id,
        signal_id,
        category
    from config
),

history as (
    select
        'user' as entity,
        user_id as entity_id,
        definition_id,
        valid_from,
        signals_fired
    from user_history
    where signals_fired != ''

    union all

    select
        'account' as entity,
        account_id as entity_id,
        definition_id,
        valid_from,
        signals_fired
    from account_history
    where signals_fired != ''
),

signals_fired as (
    select distinct
        population.entity,
        population.entity_id,
        signals.definition_id,
        signals.signal_id
    from population
    inner join history
        on
            population.entity = history.entity
            and population.entity_id = history.entity_id
    inner join signals
        on
            history.entity = signals.entity
            and history.definition_id = signals.definition_id
            and {{ dbt.position(
                "', ' || signals.signal_id || ', '", "', ' || history.signals_fired || ', '"
            ) }} > 0
    where history.valid_from < population.observation_end_date
),

features as (
    select distinct
        entity,
        'event' as feature_type,
        event_name as feature_id,
        event_name,
        cast(null as {{ dbt.type_string() }}) as definition_id,
        cast(null as {{ dbt.type_string() }}) as signal_id,
        cast(null as {{ dbt.type_string() }}) as category
    from user_events_done

    union

    select distinct
        entity,
        'event' as feature_type,
        event_name as feature_id,
        event_name,
        cast(null as {{ dbt.type_string() }}) as definition_id,
        cast(null as {{ dbt.type_string() }}) as signal_id,
        cast(null as {{ dbt.type_string() }}) as category
    from account_events_done

    union

    select
        entity,
        'signal' as feature_type,
        definition_id || '|' || signal_id as feature_id,
        cast(null as {{ dbt.type_string() }}) as event_name,
        definition_id,
        signal_id,
        category
    from signals
),

done as (
    select
        entity,
        entity_id,
        'event' as feature_type,
        event_name as feature_id
    from user_events_done

    union all

    select
        entity,
        entity_id,
        'event' as feature_type,
        event_name as feature_id
    from account_events_done

    union all

    select
        entity,
        entity_id,
        'signal' as feature_type,
        definition_id || '|' || signal_id as feature_id
    from signals_fired
),

did_counts as (
    select
        done.entity,
        done.feature_type,
        done.feature_id,
        count(*) as did_count,
        sum(case when population.is_converted then 1 else 0 end) as did_converted_count
    from done
    inner join population
        on
            done.entity = population.entity
            and done.entity_id = population.entity_id
    group by
        done.entity,
        done.feature_type,
        done.feature_id
),

cells as (
    select
        features.*,
        totals.population_count,
        totals.converted_count,
        coalesce(did_counts.did_count, 0) as did_count,
        coalesce(did_counts.did_converted_count, 0) as did_converted_count,
        totals.population_count - coalesce(did_counts.did_count, 0) as not_did_count,
        totals.converted_count - coalesce(did_counts.did_converted_count, 0) as not_did_converted_count
    from features
    inner join totals
        on features.entity = totals.entity
    left join did_counts
        on
            features.entity = did_counts.entity
            and features.feature_type = did_counts.feature_type
            and features.feature_id = did_counts.feature_id
),

corrected as (
    {#- Haldane-Anscombe: when a cell is 0, add 0.5 to each cell (1 to each group) for the
        interval of the lift only -#}
    select
        *,
        -- A double: Spark would divide decimals below to 6 decimal places.
        cast(
            case when did_converted_count = 0 or not_did_converted_count = 0 then 0.5 else 0 end
            as {{ type_double() }}
        ) as correction
    from cells
),

rated as (
    select
        *,
        {{ safe_divide('did_converted_count', 'did_count') }} as did_conversion_rate,
        {{ safe_divide('not_did_converted_count', 'not_did_count') }} as not_did_conversion_rate,
        {{ safe_divide('converted_count', 'population_count') }} as base_rate,
        case
            when did_count > 0 and not_did_count > 0
                then sqrt(
                    1.0 / (did_converted_count + correction)
                    - 1.0 / (did_count + 2 * correction)
                    + 1.0 / (not_did_converted_count + correction)
                    - 1.0 / (not_did_count + 2 * correction)
                )
        end as log_lift_se,
        case
            when did_count > 0 and not_did_count > 0
                then ln(
                    ((did_converted_count + correction) * 1.0 / (did_count + 2 * correction))
                    / ((not_did_converted_count + correction) * 1.0 / (not_did_count + 2 * correction))
                )
        end as log_lift_corrected,
        did_count < {{ min_sample }} or not_did_count < {{ min_sample }} as is_small_sample
    from corrected
),

bounded as (
    select
        *,
        {{ safe_divide('did_conversion_rate', 'not_did_conversion_rate') }} as lift,
        exp(log_lift_corrected - {{ z }} * log_lift_se) as lift_ci_low,
        exp(log_lift_corrected + {{ z }} * log_lift_se) as lift_ci_high
    from rated
),

final as (
    select
        entity || '|' || feature_type || '|' || feature_id as signal_lift_id,
        entity,
        feature_type,
        feature_id,
        event_name,
        definition_id,
        signal_id,
        category,
        cast({{ observation_days }} as {{ dbt.type_int() }}) as observation_days,
        cast({{ window_days }} as {{ dbt.type_int() }}) as conversion_window_days,
        cast(population_count as {{ dbt.type_bigint() }}) as population_count,
        cast(converted_count as {{ dbt.type_bigint() }}) as converted_count,
        cast(did_count as {{ dbt.type_bigint() }}) as did_count,
        cast(did_converted_count as {{ dbt.type_bigint() }}) as did_converted_count,
        cast(not_did_count as {{ dbt.type_bigint() }}) as not_did_count,
        cast(not_did_converted_count as {{ dbt.type_bigint() }}) as not_did_converted_count,
        cast(base_rate as {{ numeric }}) as base_rate,
        cast(did_conversion_rate as {{ numeric }}) as did_conversion_rate,
        cast({{ wilson_bound('did_converted_count', 'did_count', 'lower') }} as {{ numeric }})
            as did_conversion_rate_ci_low,
        cast({{ wilson_bound('did_converted_count', 'did_count', 'upper') }} as {{ numeric }})
            as did_conversion_rate_ci_high,
        cast(not_did_conversion_rate as {{ numeric }}) as not_did_conversion_rate,
        cast({{ wilson_bound('not_did_converted_count', 'not_did_count', 'lower') }} as {{ numeric }})
            as not_did_conversion_rate_ci_low,
        cast({{ wilson_bound('not_did_converted_count', 'not_did_count', 'upper') }} as {{ numeric }})
            as not_did_conversion_rate_ci_high,
        cast(lift as {{ numeric }}) as lift,
        cast(lift_ci_low as {{ numeric }}) as lift_ci_low,
        cast(lift_ci_high as {{ numeric }}) as lift_ci_high,
        cast({{ safe_divide('did_conversion_rate', 'base_rate') }} as {{ numeric }})
            as lift_over_base_rate,
        cast(did_conversion_rate as {{ numeric }}) as precision_rate,
        cast({{ safe_divide('did_converted_count', 'converted_count') }} as {{ numeric }})
            as recall_rate,
        cast({{ safe_divide('did_count', 'population_count') }} as {{ numeric }})
            as coverage_rate,
        is_small_sample,
        cast(row_number() over (
            partition by entity
            order by
                case when is_small_sample then 1 else 0 end asc,
                case when lift_ci_low is null then 1 else 0 end asc,
                lift_ci_low desc,
                feature_id asc
        ) as {{ dbt.type_int() }}) as lift_rank
    from bounded
)

select * from final

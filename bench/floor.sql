-- The floor: the whole pql pipeline for the demo configuration written by hand as one DuckDB
-- script, run directly (no dbt) over the same raw tables: raw events -> clean stream (with the
-- account of events sent without context) -> signal contributions -> signal values over time ->
-- scores -> anti-flapping statuses -> the PQL/PQA state intervals. `make bench` times it beside
-- `dbt build`; tests/test_bench_floor.py checks its states equal to the project's, row for row.
-- The configuration is read from the seed files (seeds/*.csv, paths relative to the repo root)
-- and the vars' defaults are written in: pql_earliest_plausible_load_time 2000-01-01,
-- pql_future_tolerance_hours 24, pql_max_users_per_anonymous_id 5, pql_signal_decay_weight 0.5,
-- pql_min_days_before_demotion 14, pql_requalify_cooldown_days 7, pql_unpaid_plans,
-- pql_paying_statuses, pql_conversion_events, pql_new_business_opportunity_types; the demo's raw
-- shape (text event times, typed load times, a billing change log or current state).
-- Left out because the demo configuration does not use them: property filters, required
-- signals and minimum fit scores (all empty in the seeds), and the reasons and fit texts.
-- Session: TimeZone = 'UTC'.
create schema if not exists floor;

create or replace temp macro floor_clean(x) as
    nullif(trim(x, ' ' || chr(9) || chr(10) || chr(11) || chr(12) || chr(13) || chr(160)
        || chr(65279)), '');

create or replace temp macro floor_time(x) as timezone('UTC', try_cast(trim(x) as timestamptz));

create or replace table floor.placeholders as
select distinct lower(identity_value) as value
from read_csv('seeds/placeholder_identity_values.csv', all_varchar = true)
where identity_value is not null;

-- the placeholder list is one constant (an uncorrelated subquery, evaluated once)
create or replace temp macro floor_identity(x) as
    case when not list_contains((select list(value) from floor.placeholders), lower(floor_clean(x)))
        then floor_clean(x) end;

create or replace temp macro floor_event_name(x) as
    nullif(regexp_replace(regexp_replace(lower(regexp_replace(nfc_normalize(trim(x)),
        '([\p{Ll}\p{N}])(\p{Lu})', '\1_\2', 'g')), '[^\p{L}\p{N}\p{M}]+', '_', 'g'),
        '^_+|_+$', '', 'g'), '');

create or replace temp macro floor_domain_stripped(x) as
    regexp_replace(regexp_replace(regexp_replace(lower(floor_clean(x)), '^(https?://)?(www[.])?',
        ''), '[/:?#].*$', ''), '[.]+$', '');

create or replace temp macro floor_domain(x) as
    case when regexp_replace(floor_domain_stripped(x),
        '^([a-z0-9_' || chr(161) || '-' || chr(65535) || '-]+[.])+[a-z' || chr(161) || '-'
        || chr(65535) || '][a-z0-9_' || chr(161) || '-' || chr(65535) || '-]*$', '') = ''
        then nullif(floor_domain_stripped(x), '') end;

create or replace temp macro floor_email(x) as
    floor_identity(regexp_replace(lower(floor_clean(x)), '[.]+$', ''));

-- ---------------------------------------------------------------- configuration (seeds)
create or replace table floor.signals as
select
    s.definition_id,
    s.signal_id,
    d.entity,
    d.motion,
    d.score_threshold::double as score_threshold,
    s.aggregation,
    floor_clean(s.property_key) as property_key,
    s.window_days::integer as window_days,
    s.threshold::double as threshold,
    s.weight::double as weight,
    s.lifespan_days::integer as lifespan_days,
    floor_clean(s.page_path_prefix) as page_path_prefix,
    floor_clean(s.page_host) as page_host,
    unnest(string_split(s.event_names, '|')) as event_name
from read_csv('seeds/pql_signals.csv', all_varchar = true) as s
inner join read_csv('seeds/pql_definitions.csv', all_varchar = true) as d
    on s.definition_id = d.definition_id;

create or replace table floor.definitions as
select
    definition_id,
    entity,
    motion,
    score_threshold::double as score_threshold,
    coalesce(min_days_before_demotion::integer, 14) as min_days_before_demotion,
    coalesce(cooldown_days::integer, 7) as cooldown_days
from read_csv('seeds/pql_definitions.csv', all_varchar = true);

create or replace table floor.tiers as
select tier, min_score::double as min_score,
    lead(min_score::double) over (order by min_score::double) as next_min_score
from read_csv('seeds/pql_tiers.csv', all_varchar = true);

-- ---------------------------------------------------------------- staging, in one pass each
create or replace table floor.event_rows as
select
    'track' as event_source,
    floor_clean(id) as message_id,
    floor_identity(anonymous_id) as anonymous_id,
    floor_identity(user_id) as user_id_as_sent,
    floor_identity(context_group_id) as account_id,
    case when event_name = 'page_viewed' then 'track_page_viewed' else event_name end
        as event_name,
    event as event_name_as_sent,
    null::varchar as page_path,
    null::varchar as page_host,
    null::varchar as page_query,
    properties as properties_json,
    "timestamp" as timestamp_as_sent,
    floor_time("timestamp") as occurred_at,
    received_at
from (select *, floor_event_name(event) as event_name from raw.tracks)
union all
select
    'page', floor_clean(id), floor_identity(anonymous_id), floor_identity(user_id),
    floor_identity(context_group_id), 'page_viewed', null, floor_clean(path),
    nullif(case
        when h like 'www.%' then substring(h, 5) else h end, ''),
    regexp_extract(url, '^[^?#]*[?]([^#]*)', 1),
    null, "timestamp", floor_time("timestamp"), received_at
from (
    select *, case
        when a like '%@%' or a like '%:%' or a like '%.'
            then regexp_replace(regexp_replace(regexp_replace(a, '^.*@', ''), ':.*$', ''),
                '[.]$', '')
        else a end as h
    from (
        select * replace (floor_clean(url) as url),
            regexp_extract(lower(floor_clean(url)), '^[A-Za-z][A-Za-z0-9+.-]*://([^/?#]*)', 1) as a
        from raw.pages
    )
);

create or replace table floor.identifies as
select
    floor_clean(id) as message_id,
    floor_identity(anonymous_id) as anonymous_id,
    floor_identity(user_id) as user_id,
    floor_time("timestamp") as occurred_at,
    received_at,
    floor_email(email) as email,
    case when position('@' in floor_email(email)) > 0
        then floor_domain(split_part(floor_email(email), '@', 2)) end as email_domain
from raw.identifies;

create or replace table floor.groups as
select
    floor_clean(id) as message_id,
    floor_identity(anonymous_id) as anonymous_id,
    floor_identity(user_id) as user_id,
    floor_identity(group_id) as account_id,
    floor_time("timestamp") as occurred_at,
    received_at,
    floor_domain(case when json_valid(traits) then json_extract_string(traits, '$.domain') end)
        as account_domain,
    traits is not null and json_valid(traits) as has_traits,
    floor_identity(case when json_valid(traits)
        then json_extract_string(traits, '$.crm_account_id') end) as crm_account_id
from raw.groups;

-- ---------------------------------------------------------------- identity
-- Every raw row that proves who was who (rows with a load time pql cannot believe left out);
-- each keeps its own times, so "the first load that covered an event" is a min over rows.
create or replace table floor.observations as
select * from (
    select anonymous_id, user_id_as_sent as user_id, account_id,
        case when occurred_at >= timestamp '2000-01-01' then occurred_at end as observed_at,
        received_at
    from floor.event_rows
    where ((user_id_as_sent is not null and anonymous_id is not null)
        or (account_id is not null and coalesce(user_id_as_sent, anonymous_id) is not null))
    union all
    select anonymous_id, user_id, null,
        case when occurred_at >= timestamp '2000-01-01' then occurred_at end, received_at
    from floor.identifies
    where user_id is not null
    union all
    select anonymous_id, user_id, account_id,
        case when occurred_at >= timestamp '2000-01-01' then occurred_at end, received_at
    from floor.groups
    where account_id is not null and coalesce(user_id, anonymous_id) is not null
)
where received_at >= timestamp '2000-01-01'
    and received_at <= now()::timestamp + interval 24 hour;

create or replace table floor.stitched as
with claims as (
    select anonymous_id, user_id, min(observed_at) as claimed_at,
        min(received_at) as claim_received_at
    from floor.observations
    where anonymous_id is not null and user_id is not null
    group by all
)
select anonymous_id,
    arg_min(user_id, (claim_received_at, claimed_at, user_id)) as user_id,
    min(claim_received_at) as stitched_received_at
from claims
group by anonymous_id
having count(*) <= 5;

create or replace table floor.users as
with latest_email as (
    select user_id, arg_max(email_domain, (received_at, occurred_at, message_id)) as email_domain
    from floor.identifies
    where user_id is not null and email is not null
    group by user_id
)
select u.user_id, e.email_domain,
    p.email_domain is not null as is_personal_email,
    i.email_domain is not null as is_internal
from (select distinct user_id from floor.observations where user_id is not null) as u
left join latest_email as e on u.user_id = e.user_id
left join read_csv('seeds/personal_email_domains.csv', all_varchar = true) as p
    on e.email_domain = p.email_domain
left join read_csv('seeds/internal_email_domains.csv', all_varchar = true) as i
    on e.email_domain = i.email_domain;

-- billing and CRM: the usable rows (key, required columns, plausible dates; first of duplicates)
create or replace table floor.subscriptions as
select
    floor_clean(id) as subscription_id,
    floor_clean(group_id) as account_id,
    lower(floor_clean(plan)) as plan,
    lower(floor_clean(status)) as status,
    started_at, trial_ends_at, canceled_at, updated_at
from raw.subscriptions
where floor_clean(id) is not null and floor_clean(group_id) is not null
    and started_at is not null and updated_at is not null;

create or replace table floor.accounts as
with seen as (
    select account_id, observed_at from floor.observations where account_id is not null
    union all
    select account_id, started_at from floor.subscriptions
),
domains as (
    select account_id, arg_max(account_domain, (received_at, occurred_at, message_id))
        as account_domain
    from floor.groups
    where account_id is not null and has_traits and account_domain is not null
    group by account_id
)
select s.account_id, min(s.observed_at) as first_observed_at, any_value(d.account_domain)
    as account_domain
from seen as s
left join domains as d on s.account_id = d.account_id
group by s.account_id;

-- Every piece of evidence that a user belongs to an account: group calls and events with the
-- account as context (anonymous ones through their stitched user), and a work-email domain that
-- is the domain of the account owning it (the one seen first). Per user and account only the
-- load steps are kept: in load order, the first row and each that moves the earliest event time
-- back; any other row is covered by a step loaded no later with a start no later.
create or replace table floor.evidence as
with domain_owners as (
    select account_domain, arg_min(account_id, (first_observed_at, account_id)) as account_id
    from floor.accounts
    where account_domain is not null
    group by account_domain
),
email_loaded as (
    select user_id, email_domain, min(received_at) as loaded_at
    from floor.identifies
    where user_id is not null and email_domain is not null
    group by all
),
domain_loaded as (
    select account_id, account_domain, min(received_at) as loaded_at
    from floor.groups
    where account_id is not null and account_domain is not null
    group by all
),
all_evidence as (
select coalesce(o.user_id, s.user_id) as user_id, o.account_id, o.observed_at as evidence_from,
    case when o.user_id is null then greatest(o.received_at, s.stitched_received_at)
        else o.received_at end as evidence_received_at
from floor.observations as o
left join floor.stitched as s on o.user_id is null and o.anonymous_id = s.anonymous_id
where o.account_id is not null and coalesce(o.user_id, s.user_id) is not null
union all
select u.user_id, d.account_id, o.observed_at,
    greatest(o.received_at, e.loaded_at, l.loaded_at)
from floor.users as u
inner join floor.observations as o on u.user_id = o.user_id
inner join domain_owners as d on u.email_domain = d.account_domain
inner join email_loaded as e on u.user_id = e.user_id and u.email_domain = e.email_domain
inner join domain_loaded as l on d.account_id = l.account_id and d.account_domain = l.account_domain
where not u.is_personal_email
)
select user_id, account_id, evidence_from, evidence_received_at
from (
    select *, min(evidence_from) over (
        partition by user_id, account_id order by evidence_received_at, evidence_from
        rows between unbounded preceding and 1 preceding
    ) as earlier_from
    from all_evidence
)
where earlier_from is null or evidence_from < earlier_from;

-- ---------------------------------------------------------------- clean stream
-- First usable row per message id in load order; rows with a bad identity, time or name are
-- rejected. The user is the one sent, else the stitched one.
create or replace table floor.events as
with usable as (
    select *
    from floor.event_rows
    where message_id is not null
        and coalesce(user_id_as_sent, anonymous_id) is not null
        and received_at >= timestamp '2000-01-01'
        and received_at <= now()::timestamp + interval 24 hour
        and occurred_at >= timestamp '2000-01-01'
        and occurred_at <= received_at + interval 24 hour
        and event_name is not null
    qualify row_number() over (
        partition by message_id
        order by received_at, occurred_at, event_source, event_name, properties_json, page_path,
            page_host, page_query, anonymous_id, user_id_as_sent, account_id, timestamp_as_sent,
            event_name_as_sent
    ) = 1
)
select
    u.message_id as event_id, u.event_name, u.occurred_at, u.occurred_at::date as occurred_date,
    coalesce(u.user_id_as_sent, s.user_id) as user_id, u.account_id, u.page_path, u.page_host,
    u.properties_json,
    case when u.user_id_as_sent is null and s.user_id is not null
        then greatest(u.received_at, s.stitched_received_at) else u.received_at end
        as resolved_received_at
from usable as u
left join floor.stitched as s on u.user_id_as_sent is null and u.anonymous_id = s.anonymous_id;

-- Events without context: the user's accounts with evidence by the event's time, among those
-- known at the first moment any was; exactly one is the event's account, several leave it
-- without one; either way the event is known from that moment.
create or replace table floor.attributions as
with links as (
    select e.event_id, v.account_id,
        min(greatest(e.resolved_received_at, v.evidence_received_at)) as known_at
    from floor.events as e
    inner join floor.evidence as v
        on e.user_id = v.user_id and e.occurred_at >= v.evidence_from
    where e.account_id is null
    group by all
)
select event_id, min(known_at) as known_at,
    case when count(*) filter (where known_at = first_known_at) = 1
        then arg_min(account_id, known_at) end as account_id
from (select *, min(known_at) over (partition by event_id) as first_known_at from links)
group by event_id;

create or replace table floor.stream as
select e.event_id, e.event_name, e.occurred_date, e.user_id,
    coalesce(e.account_id, a.account_id) as account_id, e.page_path, e.page_host,
    e.properties_json, coalesce(a.known_at, e.resolved_received_at) as resolved_received_at
from floor.events as e
left join floor.attributions as a on e.event_id = a.event_id;

-- ---------------------------------------------------------------- who can be scored, from when
create or replace table floor.paying_accounts as
with versions as (
    select *,
        plan not in ('free', 'trial') and status in ('active', 'past_due') as is_paying,
        case when trial_ends_at is not null and trial_ends_at > started_at then trial_ends_at
            else started_at end as paid_from,
        count(*) over (partition by subscription_id) as version_count
    from floor.subscriptions
),
sequenced as (
    select *,
        lag(is_paying) over (partition by subscription_id order by updated_at) as was_paying,
        max(version_count) over () > 1 as is_change_log
    from versions
),
change_log_periods as (
    -- a period starts where a paying version follows one that did not pay; it ends at the
    -- first version after it that does not pay (at its cancel time when inside the period)
    select s.account_id, s.paid_start,
        arg_min(case when n.canceled_at > s.paid_start and n.canceled_at <= n.updated_at
            then n.canceled_at else n.updated_at end, n.updated_at) as paid_end
    from (
        select *, case when was_paying is null then paid_from else updated_at end as paid_start
        from sequenced
        where is_change_log and is_paying and not coalesce(was_paying, false)
    ) as s
    left join sequenced as n
        on s.subscription_id = n.subscription_id and n.updated_at > s.updated_at
        and not n.is_paying
    group by s.subscription_id, s.updated_at, s.account_id, s.paid_start
),
current_state_periods as (
    select account_id, paid_from as paid_start,
        case when not is_paying then canceled_at end as paid_end
    from sequenced
    where not is_change_log and plan not in ('free', 'trial')
        and (is_paying or canceled_at > paid_from)
    qualify row_number() over (partition by subscription_id order by updated_at desc) = 1
),
crm_accounts as (
    select floor_clean(id) as crm_account_id, floor_domain(domain) as account_domain, created_at
    from raw.crm_accounts
    where floor_clean(id) is not null and not coalesce(try_cast(is_deleted as boolean), false)
),
crm_matches as (
    select a.account_id, coalesce(x.crm_account_id, d.crm_account_id) as crm_account_id
    from floor.accounts as a
    left join (
        select account_id, arg_max(crm_account_id, (received_at, occurred_at, message_id))
            as crm_id
        from floor.groups
        where account_id is not null and has_traits and crm_account_id is not null
        group by account_id
    ) as r on a.account_id = r.account_id
    left join crm_accounts as x on r.crm_id = x.crm_account_id
    left join (
        select account_domain, arg_min(crm_account_id, (created_at, crm_account_id))
            as crm_account_id
        from crm_accounts where account_domain is not null group by account_domain
    ) as d on a.account_domain = d.account_domain
),
conversions as (
    select account_id, paid_start as converted_at
    from change_log_periods
    where paid_end is null or paid_end > paid_start
    union all
    select account_id, paid_start from current_state_periods
    where paid_end is null or paid_end > paid_start
    union all
    select m.account_id, o.closed_at
    from raw.crm_opportunities as o
    inner join crm_matches as m on floor_clean(o.account_id) = m.crm_account_id
    where lower(floor_clean(o.type)) = 'new_business' and o.is_won and o.closed_at is not null
        and not coalesce(try_cast(o.is_deleted as boolean), false)
)
select account_id, min(converted_at)::date as paying_since_date
from conversions
where account_id is not null
group by account_id;

create or replace table floor.entities as
select 'account' as entity, a.account_id as entity_id, p.paying_since_date
from floor.accounts as a
left join floor.paying_accounts as p on a.account_id = p.account_id
union all
select 'user', u.user_id, c.paying_since_date
from floor.users as u
left join (
    select l.user_id, min(greatest(p.paying_since_date, l.linked_received_at::date))
        as paying_since_date
    from (
        select user_id, account_id, min(evidence_received_at) as linked_received_at
        from floor.evidence group by all
    ) as l
    inner join floor.paying_accounts as p on l.account_id = p.account_id
    group by l.user_id
) as c on u.user_id = c.user_id
where not u.is_internal;

-- ---------------------------------------------------------------- signal values over time
-- An item (an event, a distinct key's span, a first time) counts from the day it was known
-- until its window closes; the value on a day is the sum of the items present.
create or replace table floor.items as
with matched as (
    select
        g.definition_id, g.signal_id, g.aggregation, g.window_days,
        case when g.entity = 'user' then s.user_id else s.account_id end as entity_id,
        s.occurred_date,
        greatest(s.occurred_date, s.resolved_received_at::date) as available_date,
        case
            when g.aggregation = 'distinct_users' then s.user_id
            when g.aggregation = 'distinct_property_values' and json_valid(s.properties_json)
                then json_extract_string(s.properties_json, '$.' || g.property_key)
        end as distinct_key,
        s.occurred_date + g.window_days as leaves_on
    from floor.stream as s
    inner join floor.signals as g on s.event_name = g.event_name
    left join floor.users as u on s.user_id = u.user_id
    where not coalesce(u.is_internal, false)
        and (g.page_path_prefix is null or starts_with(s.page_path, g.page_path_prefix))
        and (g.page_host is null or s.page_host = g.page_host)
),
live as (
    select * from matched
    where entity_id is not null
        and (aggregation not in ('distinct_users', 'distinct_property_values')
            or distinct_key is not null)
        and (leaves_on is null or available_date < leaves_on)
),
-- One row per distinct key, known date and window end (events of one day repeat them), so the
-- two windows below see one order: with tied rows each could order them its own way, and an
-- island could start at one tied row in the first and be counted at the other in the second.
spans as (
    select *, max(leaves_on) over (
        partition by definition_id, signal_id, entity_id, distinct_key
        order by available_date, leaves_on
        rows between unbounded preceding and 1 preceding
    ) as previous_end
    from (
        select distinct definition_id, signal_id, entity_id, distinct_key, available_date,
            leaves_on
        from live
        where aggregation in ('distinct_users', 'distinct_property_values')
    )
)
select definition_id, signal_id, entity_id, available_date as present_from,
    leaves_on as present_until, 1 as item_weight
from live where aggregation = 'count'
union all
select definition_id, signal_id, entity_id, min(available_date), leaves_on, 1
from live where aggregation = 'active_days'
group by definition_id, signal_id, entity_id, occurred_date, leaves_on
union all
select definition_id, signal_id, entity_id, min(available_date), null, 1
from live where aggregation = 'first_time'
group by definition_id, signal_id, entity_id
union all
select definition_id, signal_id, entity_id, min(available_date), max(leaves_on), 1
from (
    select *, sum(case when previous_end >= available_date then 0 else 1 end) over (
        partition by definition_id, signal_id, entity_id, distinct_key
        order by available_date, leaves_on rows between unbounded preceding and current row
    ) as island
    from spans
)
group by definition_id, signal_id, entity_id, distinct_key, island;

-- Each signal's value in spans, its factor (1 meeting the threshold; 0.5 for lifespan_days
-- after it last stopped meeting it; else 0), and the points it gives (weight x factor).
create or replace table floor.signal_points as
with valued as (
    select *,
        sum(delta) over w as signal_value,
        lead(change_date) over w2 as next_change_date
    from (
        select definition_id, signal_id, entity_id, change_date, sum(delta) as delta
        from (
            select definition_id, signal_id, entity_id, present_from as change_date,
                item_weight as delta
            from floor.items
            union all
            select definition_id, signal_id, entity_id, present_until, -item_weight
            from floor.items where present_until is not null
        )
        group by all
    )
    window w as (partition by definition_id, signal_id, entity_id order by change_date
        rows between unbounded preceding and current row),
    w2 as (partition by definition_id, signal_id, entity_id order by change_date)
),
judged as (
    select v.*, v.signal_value >= g.threshold as is_met, g.lifespan_days, g.weight
    from valued as v
    inner join (select distinct definition_id, signal_id, threshold, lifespan_days, weight
        from floor.signals) as g
        on v.definition_id = g.definition_id and v.signal_id = g.signal_id
),
stopped as (
    select *, max(stop_date) over (partition by definition_id, signal_id, entity_id
        order by change_date rows between unbounded preceding and current row) as last_stop
    from (
        select *, case when not is_met and coalesce(lag(is_met) over (
            partition by definition_id, signal_id, entity_id order by change_date), false)
            then change_date end as stop_date
        from judged
    )
),
bounded as (
    select *, case when last_stop is not null and lifespan_days > 0
        then last_stop + lifespan_days end as decay_until
    from stopped
)
select definition_id, entity_id, change_date as valid_from, next_change_date as valid_to,
    weight * 1.0 as points
from bounded where is_met
union all
select definition_id, entity_id, change_date,
    case when next_change_date is null or next_change_date > decay_until then decay_until
        else next_change_date end,
    weight * 0.5
from bounded where not is_met and decay_until > change_date
union all
select definition_id, entity_id,
    case when decay_until > change_date then decay_until else change_date end,
    next_change_date, 0.0
from bounded
where not is_met and (decay_until is null or decay_until <= change_date
    or next_change_date is null or next_change_date > decay_until);

-- ---------------------------------------------------------------- scores and raw qualification
create or replace table floor.scores as
with first_seen as (
    select definition_id, entity_id, min(valid_from) as first_from
    from floor.signal_points group by all
),
changes as (
    select definition_id, entity_id, change_date, sum(points) as points
    from (
        select definition_id, entity_id, valid_from as change_date, points
        from floor.signal_points
        union all
        select definition_id, entity_id, valid_to, -points
        from floor.signal_points where valid_to is not null
        union all
        select f.definition_id, f.entity_id, e.paying_since_date, 0
        from first_seen as f
        inner join floor.definitions as d on f.definition_id = d.definition_id
        inner join floor.entities as e on d.entity = e.entity and f.entity_id = e.entity_id
        where e.paying_since_date > f.first_from
    )
    group by all
)
select c.definition_id, c.entity_id, c.change_date,
    round(sum(c.points) over (partition by c.definition_id, c.entity_id order by c.change_date
        rows between unbounded preceding and current row), 6) as score,
    case
        when (d.motion = 'new_business' and e.paying_since_date <= c.change_date)
            or (d.motion = 'expansion' and (e.paying_since_date is null
                or e.paying_since_date > c.change_date))
            then 'ineligible'
        when round(sum(c.points) over (partition by c.definition_id, c.entity_id
            order by c.change_date rows between unbounded preceding and current row), 6)
            >= d.score_threshold then 'qualifies'
        else 'does_not_qualify'
    end as raw_state
from changes as c
inner join floor.definitions as d on c.definition_id = d.definition_id
inner join floor.entities as e on d.entity = e.entity and c.entity_id = e.entity_id;

-- ---------------------------------------------------------------- anti-flapping
-- Runs of the same raw state, walked in order per entity: qualify at once unless cooling down
-- (then when the cooldown ends, if still qualifying); demote no earlier than
-- min_days_before_demotion after qualifying, and not if it qualifies again by then; a demotion
-- starts a cooldown; ineligibility applies at once.
create or replace table floor.runs as
select definition_id, entity_id, change_date as run_start, raw_state,
    lead(change_date) over (partition by definition_id, entity_id order by change_date)
        as run_end,
    row_number() over (partition by definition_id, entity_id order by change_date) as run_number
from (
    select *, lag(raw_state) over (partition by definition_id, entity_id order by change_date)
        as previous_state
    from floor.scores
)
where previous_state is null or previous_state != raw_state;

create or replace table floor.statuses as
with recursive walk as (
    select definition_id, entity_id, 0 as run_number, null::varchar as status,
        null::date as qualified_since, null::date as cooldown_until,
        null::date as first_date, null::varchar as first_status,
        null::date as second_date, null::varchar as second_status
    from floor.runs where run_number = 1
    union all
    select w.definition_id, w.entity_id, r.run_number, n.status, n.qualified_since,
        n.cooldown_until, n.first_date, n.first_status, n.second_date, n.second_status
    from walk as w
    inner join floor.runs as r
        on w.definition_id = r.definition_id and w.entity_id = r.entity_id
        and r.run_number = w.run_number + 1
    inner join floor.definitions as d on w.definition_id = d.definition_id,
    lateral (
        select
            case when d.motion = 'new_business' then 'converted' else 'not_eligible' end
                as ineligible_status,
            greatest(r.run_start, w.qualified_since + d.min_days_before_demotion) as demote_on,
            case when w.cooldown_until is null then r.run_start
                else greatest(r.run_start, w.cooldown_until) end as qualify_on
    ) as x,
    lateral (
        select
            case
                when r.raw_state = 'ineligible' then x.ineligible_status
                when w.status = 'qualified' and r.raw_state = 'does_not_qualify'
                    and (r.run_end is null or x.demote_on < r.run_end) then 'not_qualified'
                when w.status = 'qualified' then w.status
                when r.raw_state = 'qualifies' and (r.run_end is null or x.qualify_on < r.run_end)
                    then 'qualified'
                else 'not_qualified'
            end as status,
            case
                when r.raw_state = 'ineligible' then null
                when w.status = 'qualified' and r.raw_state = 'does_not_qualify'
                    and (r.run_end is null or x.demote_on < r.run_end) then null
                when w.status = 'qualified' then w.qualified_since
                when r.raw_state = 'qualifies' and (r.run_end is null or x.qualify_on < r.run_end)
                    then x.qualify_on
            end as qualified_since,
            case
                when r.raw_state != 'ineligible' and w.status = 'qualified'
                    and r.raw_state = 'does_not_qualify'
                    and (r.run_end is null or x.demote_on < r.run_end)
                    then x.demote_on + d.cooldown_days
                else w.cooldown_until
            end as cooldown_until,
            -- the first change of this run: the date and the status it takes then
            case
                when r.raw_state = 'ineligible' then r.run_start
                when w.status = 'qualified' and r.raw_state = 'does_not_qualify'
                    and (r.run_end is null or x.demote_on < r.run_end) then x.demote_on
                when w.status = 'qualified' then null
                when r.raw_state = 'qualifies' and (r.run_end is null or x.qualify_on < r.run_end)
                    and x.qualify_on > r.run_start then r.run_start
                when r.raw_state = 'qualifies' and (r.run_end is null or x.qualify_on < r.run_end)
                    then x.qualify_on
                else r.run_start
            end as first_date,
            case
                when r.raw_state = 'ineligible' then x.ineligible_status
                when w.status = 'qualified' and r.raw_state = 'does_not_qualify'
                    and (r.run_end is null or x.demote_on < r.run_end) then 'not_qualified'
                when w.status = 'qualified' then null
                when r.raw_state = 'qualifies' and (r.run_end is null or x.qualify_on < r.run_end)
                    and x.qualify_on > r.run_start then 'not_qualified'
                when r.raw_state = 'qualifies' and (r.run_end is null or x.qualify_on < r.run_end)
                    then 'qualified'
                else 'not_qualified'
            end as first_status,
            case
                when r.raw_state = 'qualifies' and w.status is distinct from 'qualified'
                    and (r.run_end is null or x.qualify_on < r.run_end)
                    and x.qualify_on > r.run_start then x.qualify_on
            end as second_date,
            case
                when r.raw_state = 'qualifies' and w.status is distinct from 'qualified'
                    and (r.run_end is null or x.qualify_on < r.run_end)
                    and x.qualify_on > r.run_start then 'qualified'
            end as second_status
    ) as n
),
changes as (
    select definition_id, entity_id, first_date as change_date, first_status as status,
        run_number, 1 as step
    from walk where first_date is not null
    union all
    select definition_id, entity_id, second_date, second_status, run_number, 2
    from walk where second_date is not null
)
-- a change to the status already held is no change
select definition_id, entity_id, change_date, status
from (
    select *, lag(status) over (partition by definition_id, entity_id
        order by run_number, step) as previous_status
    from changes
)
where previous_status is null or previous_status != status;

-- ---------------------------------------------------------------- the state intervals
-- Status, score and tier on every date either changes, up to the as-of date (the day the
-- latest stream row reached its form), as intervals [valid_from, valid_to) of constant
-- (status, score, tier); the last one is open.
create or replace table floor.states as
with as_of as (
    select max(resolved_received_at)::date as as_of_date from floor.stream
),
boundaries as (
    select definition_id, entity_id, change_date from floor.scores
    union
    select definition_id, entity_id, change_date from floor.statuses
),
valued as (
    select b.definition_id, b.entity_id, b.change_date,
        (select arg_max(st.status, st.change_date) from floor.statuses as st
            where st.definition_id = b.definition_id and st.entity_id = b.entity_id
                and st.change_date <= b.change_date) as status,
        (select arg_max(sc.score, sc.change_date) from floor.scores as sc
            where sc.definition_id = b.definition_id and sc.entity_id = b.entity_id
                and sc.change_date <= b.change_date) as score
    from boundaries as b, as_of
    where b.change_date <= as_of.as_of_date
),
tiered as (
    select v.*, t.tier,
        lag(v.status) over w as previous_status, lag(v.score) over w as previous_score,
        lag(t.tier) over w as previous_tier
    from valued as v
    left join floor.tiers as t
        on v.score >= t.min_score and (t.next_min_score is null or v.score < t.next_min_score)
    window w as (partition by v.definition_id, v.entity_id order by v.change_date)
)
select d.entity, t.definition_id, t.entity_id, t.change_date as valid_from,
    lead(t.change_date) over (partition by t.definition_id, t.entity_id
        order by t.change_date) as valid_to,
    t.status, t.score, t.tier
from tiered as t
inner join floor.definitions as d on t.definition_id = d.definition_id
where t.previous_status is null or t.status != t.previous_status
    or t.score != t.previous_score or t.tier is distinct from t.previous_tier;

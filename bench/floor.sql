-- The floor: the clean-stream and daily-activity computation of pql written by hand as one
-- DuckDB script, run directly (no dbt), over the same raw tables. `make bench` times it beside
-- `dbt build` to show what the dbt project costs over plain DuckDB. Same rules as the models:
-- normalise, parse, classify (reject with a reason), keep the first-loaded row per message id,
-- stitch anonymous ids (first claim in load order), then aggregate per user/account and day.
create schema if not exists floor;

create or replace table floor.event_rows as
with unioned as (
    select
        'track' as event_source,
        nullif(trim(id), '') as message_id,
        nullif(trim(anonymous_id), '') as anonymous_id,
        nullif(trim(user_id), '') as user_id_as_sent,
        nullif(trim(context_group_id), '') as account_id,
        nullif(regexp_replace(regexp_replace(lower(regexp_replace(trim(event),
            '([a-z0-9])([A-Z])', '\1_\2', 'g')), '[^a-z0-9]+', '_', 'g'), '^_+|_+$', '', 'g'), '')
            as event_name,
        null::varchar as page_path,
        properties as properties_json,
        timezone('UTC', try_cast(trim("timestamp") as timestamptz)) as occurred_at,
        received_at
    from raw.tracks
    union all
    select
        'page', nullif(trim(id), ''), nullif(trim(anonymous_id), ''), nullif(trim(user_id), ''),
        nullif(trim(context_group_id), ''), 'page_viewed', nullif(trim(path), ''), null,
        timezone('UTC', try_cast(trim("timestamp") as timestamptz)), received_at
    from raw.pages
),
flagged as (
    select
        *,
        case
            when message_id is null then 'missing_message_id'
            when coalesce(user_id_as_sent, anonymous_id) is null then 'missing_identity'
            when occurred_at is null then 'unparseable_timestamp'
            when occurred_at > received_at + interval 24 hour then 'future_timestamp'
            when event_name is null then 'missing_event_name'
        end as quality_issue
    from unioned
)
select
    *,
    coalesce(quality_issue, case when row_number() over (
        partition by message_id
        order by (quality_issue is not null), received_at, occurred_at, event_source, event_name,
            properties_json, page_path
    ) > 1 then 'duplicate_message_id' end) as rejection_reason
from flagged;

create or replace table floor.stitched as
with claims as (
    select anonymous_id, user_id, min(received_at) as claim_received_at, min(ts) as claimed_at
    from (
        select nullif(trim(anonymous_id), '') as anonymous_id, nullif(trim(user_id), '') as user_id,
            received_at, timezone('UTC', try_cast(trim("timestamp") as timestamptz)) as ts
        from raw.identifies
        union all
        select anonymous_id, user_id_as_sent, received_at, occurred_at from floor.event_rows
        union all
        select nullif(trim(anonymous_id), ''), nullif(trim(user_id), ''), received_at,
            timezone('UTC', try_cast(trim("timestamp") as timestamptz))
        from raw.groups
    )
    where anonymous_id is not null and user_id is not null
    group by all
)
select anonymous_id, arg_min(user_id, (claim_received_at, claimed_at, user_id)) as user_id,
    min(claim_received_at) as stitched_received_at
from claims
group by anonymous_id;

create or replace table floor.events as
select
    e.message_id as event_id, e.event_source, e.event_name, e.occurred_at,
    e.occurred_at::date as occurred_date, e.received_at,
    coalesce(e.user_id_as_sent, s.user_id) as user_id, e.anonymous_id, e.account_id,
    e.page_path, e.properties_json
from floor.event_rows as e
left join floor.stitched as s on e.user_id_as_sent is null and e.anonymous_id = s.anonymous_id
where e.rejection_reason is null;

create or replace table floor.user_daily as
select user_id, occurred_date as activity_date, event_name, count(*) as event_count,
    min(occurred_at) as first_event_at, max(occurred_at) as last_event_at
from floor.events where user_id is not null
group by all;

create or replace table floor.account_daily as
select account_id, occurred_date as activity_date, event_name, count(*) as event_count,
    count(distinct user_id) as active_user_count, min(occurred_at) as first_event_at,
    max(occurred_at) as last_event_at
from floor.events where account_id is not null
group by all;

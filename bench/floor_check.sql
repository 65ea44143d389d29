-- The floor (bench/floor.sql) against the project, row for row, with EXCEPT ALL both ways. Run
-- in the project's warehouse with the floor's database attached as `floor_db`. One row per row
-- that one side has and the other lacks: which check, which side has it, and the row as text.
--   states   the state history. The project keeps a row wherever the reasons or fit texts change
--            too (the floor computes neither), so both sides are reduced to the intervals of
--            constant (status, score, tier) per definition and entity, the last one open.
--   current  the current state of every definition and entity (int_pql_states_current).
--   stream   the clean event stream: each event's user, account (events sent without context
--            attributed as the project does) and the time it reached that form.
with project_rows as (
    select
        entity, definition_id, entity_id, valid_from, status, round(score, 6) as score, tier,
        lag(status) over w as previous_status,
        lag(round(score, 6)) over w as previous_score,
        lag(tier) over w as previous_tier
    from main_intermediate.int_pql_states_evaluated
    window w as (partition by definition_id, entity_id order by valid_from)
),
project_states as (
    select entity, definition_id, entity_id, valid_from,
        lead(valid_from) over (partition by definition_id, entity_id order by valid_from)
            as valid_to,
        status, score, tier
    from project_rows
    where previous_status is null or status != previous_status or score != previous_score
        or tier is distinct from previous_tier
),
floor_states as (
    select entity, definition_id, entity_id, valid_from, valid_to, status, round(score, 6) as score,
        tier
    from floor_db.floor.states
),
project_current as (
    select entity, definition_id, entity_id, status, round(score, 6) as score, tier
    from main_intermediate.int_pql_states_current
),
floor_current as (
    select entity, definition_id, entity_id, status, score, tier
    from floor_states
    where valid_to is null
),
project_stream as (
    select event_id, user_id, account_id, resolved_received_at
    from main_intermediate.int_events_resolved
),
floor_stream as (
    select event_id, user_id, account_id, resolved_received_at
    from floor_db.floor.stream
),
differences as (
    select 'states' as check_name, 'project' as found_only_in, to_json(d)::varchar as row_text
    from (select * from project_states except all select * from floor_states) as d
    union all
    select 'states', 'floor', to_json(d)::varchar
    from (select * from floor_states except all select * from project_states) as d
    union all
    select 'current', 'project', to_json(d)::varchar
    from (select * from project_current except all select * from floor_current) as d
    union all
    select 'current', 'floor', to_json(d)::varchar
    from (select * from floor_current except all select * from project_current) as d
    union all
    select 'stream', 'project', to_json(d)::varchar
    from (select * from project_stream except all select * from floor_stream) as d
    union all
    select 'stream', 'floor', to_json(d)::varchar
    from (select * from floor_stream except all select * from project_stream) as d
)
select * from differences
order by check_name, row_text, found_only_in

-- The floor's states against the project's, row for row. Run in the project's warehouse with the
-- floor's database attached as `floor_db`. The project's state history keeps a row wherever the
-- reasons or fit texts change too (the floor computes neither); both sides are reduced to the
-- intervals of constant (status, score, tier) per definition and entity, the last one open, and
-- compared with EXCEPT ALL both ways. One row per side and state interval that the other lacks.
with project_rows as (
    select
        entity, definition_id, entity_id, valid_from, status, round(score, 6) as score, tier,
        lag(status) over w as previous_status,
        lag(round(score, 6)) over w as previous_score,
        lag(tier) over w as previous_tier
    from main_intermediate.int_pql_states_evaluated
    window w as (partition by definition_id, entity_id order by valid_from)
),
project as (
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
only_in_project as (
    select * from project
    except all
    select * from floor_states
),
only_in_floor as (
    select * from floor_states
    except all
    select * from project
)
select 'project' as found_only_in, * from only_in_project
union all
select 'floor', * from only_in_floor
order by definition_id, entity_id, valid_from, found_only_in

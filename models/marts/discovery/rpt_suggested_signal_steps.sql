{#- The greedy selection of the suggested signals, per entity (user, account), on the
    point-in-time panel (fct_suggestion_panel): one row per step. Each step takes, among the
    selection candidates of rpt_suggested_signal_candidates, the one whose entity-weeks not yet
    flagged by the signals already chosen (the increment) add the most evidence:

        gain = new_flagged x (Wilson lower bound of new_converted / new_flagged
                              - var pql_suggestion_min_incremental_lift x base rate)

    i.e. conversions caught beyond what var pql_suggestion_min_incremental_lift times the base
    rate would give, shrunk for small increments. A candidate qualifies for a step when its
    increment holds at least var pql_lift_min_sample entity-weeks, its gain is positive, and the
    entity-weeks flagged with it stay within var pql_suggestion_max_flagged_share of the panel
    (the flagged budget). The selection stops at var pql_suggestion_max_signals steps or when no
    candidate qualifies. Any chosen signal alone qualifies an entity (rpt_suggested_signals),
    so the flagged entity-weeks are the union of the chosen signals' ones.

    Capacity: newly flagged entities per week (flagged in a week, not in the week before) with
    the signals up to each step; is_selected keeps the steps before the first one over var
    pql_suggestion_leads_per_week (no limit when the var is null). -#}
{%- set max_signals = var('pql_suggestion_max_signals') | int -%}
{%- set min_sample = var('pql_lift_min_sample') | int -%}
{%- set min_lift = var('pql_suggestion_min_incremental_lift') | float -%}
{%- set budget = var('pql_suggestion_max_flagged_share') | float -%}
{%- set capacity = var('pql_suggestion_leads_per_week') -%}
{%- set numeric = dbt.type_numeric() -%}
with

panel as (
    select * from {{ ref('fct_suggestion_panel') }}
),

panel_counts as (
    select * from {{ ref('fct_suggestion_panel_counts') }}
),

candidates as (
    select * from {{ ref('rpt_suggested_signal_candidates') }}
    where is_selection_candidate
),

totals as (
    select
        entity,
        count(*) as population_count,
        sum(case when is_converted then 1 else 0 end) as converted_count,
        count(distinct as_of_date) as week_count,
        -- a double: the gain below multiplies it
        cast(
            sum(case when is_converted then 1 else 0 end) * 1.0 / count(*) as {{ type_double() }}
        ) as base_rate
    from panel
    group by entity
),

membership as (
    {#- the entity-weeks each candidate flags -#}
    select
        candidates.entity,
        candidates.candidate_id,
        panel.entity_id,
        panel.as_of_date,
        case when panel.is_converted then 1 else 0 end as converted
    from candidates
    inner join panel_counts
        on
            candidates.entity = panel_counts.entity
            and candidates.feature_type = panel_counts.feature_type
            and candidates.feature_id = panel_counts.feature_id
            and candidates.window_days = panel_counts.window_days
            and candidates.cutoff_count <= panel_counts.behaviour_count
    inner join panel
        on
            panel_counts.entity = panel.entity
            and panel_counts.entity_id = panel.entity_id
            and panel_counts.as_of_date = panel.as_of_date
),

{#- The greedy loop, one step per block. Each step reads only the step before it (its chosen
    candidates carried as columns chosen_1 ... chosen_<step - 1>) and the membership, so the
    query grows linearly with the steps on every engine (a planner that inlines CTEs, such as
    Spark's, would otherwise expand a step's every reading of the previous steps again). -#}
{% for step in range(1, max_signals + 1) %}
    {%- set carried = [] -%}
    {%- for earlier in range(1, step) -%}
        {%- do carried.append('previous.chosen_' ~ earlier) -%}
    {%- endfor %}
    step_{{ step }}_increments as (
        {#- per candidate, the entity-weeks it flags that no chosen signal flags yet -#}
        select
            membership.entity,
            membership.candidate_id,
            {% if step > 1 %}
                {{ carried | join(',\n                ') }},
                previous.flagged_count as previous_flagged_count,
                previous.flagged_converted_count as previous_flagged_converted_count,
            {% endif %}
            count(*) as new_flagged,
            sum(membership.converted) as new_converted
        from membership
        {% if step > 1 %}
            inner join step_{{ step - 1 }} as previous
                on membership.entity = previous.entity
            left join membership as covered
                on
                    membership.entity = covered.entity
                    and membership.entity_id = covered.entity_id
                    and membership.as_of_date = covered.as_of_date
                    and covered.candidate_id in ({{ carried | join(', ') }})
            where covered.entity_id is null
        {% endif %}
        group by
            {% if step > 1 -%}
                {{ carried | join(',\n                ') }},
                previous.flagged_count,
                previous.flagged_converted_count,
            {% endif -%}
            membership.entity,
            membership.candidate_id
    ),

    step_{{ step }}_gains as (
        select
            increments.*,
            {% if step > 1 %}
                increments.previous_flagged_count + increments.new_flagged as flagged_count,
                increments.previous_flagged_converted_count + increments.new_converted
                    as flagged_converted_count,
            {% else %}
                increments.new_flagged as flagged_count,
                increments.new_converted as flagged_converted_count,
            {% endif %}
            {{ wilson_bound('increments.new_converted', 'increments.new_flagged', 'lower') }}
                as new_rate_low,
            increments.new_flagged * (
                {{ wilson_bound('increments.new_converted', 'increments.new_flagged', 'lower') }}
                - {{ min_lift }} * totals.base_rate
            ) as gain,
            totals.population_count
        from step_{{ step }}_increments as increments
        inner join totals
            on increments.entity = totals.entity
    ),

    step_{{ step }}_ranked as (
        select
            *,
            row_number() over (
                partition by entity
                order by gain desc, candidate_id asc
            ) as gain_rank
        from step_{{ step }}_gains
        where
            new_flagged >= {{ min_sample }}
            and gain > 0
            and flagged_count <= {{ budget }} * population_count
    ),

    step_{{ step }} as (
        select
            entity,
            candidate_id,
            {{ step }} as step,
            new_flagged,
            new_converted,
            new_rate_low,
            gain,
            flagged_count,
            flagged_converted_count,
            {% for earlier in range(1, step) -%}
                chosen_{{ earlier }},
            {% endfor -%}
            candidate_id as chosen_{{ step }}
        from step_{{ step }}_ranked
        where gain_rank = 1
    ),

{% endfor %}
steps as (
    {% for step in range(1, max_signals + 1) -%}
        select
            entity,
            candidate_id,
            step,
            new_flagged,
            new_converted,
            new_rate_low,
            gain,
            flagged_count,
            flagged_converted_count
        from step_{{ step }}
        {% if not loop.last %}union all{% endif %}
    {% endfor %}
),

first_steps as (
    {#- per flagged entity-week, the first step whose signal flags it -#}
    select
        membership.entity,
        membership.entity_id,
        membership.as_of_date,
        min(steps.step) as first_step
    from membership
    inner join steps
        on
            membership.entity = steps.entity
            and membership.candidate_id = steps.candidate_id
    group by
        membership.entity,
        membership.entity_id,
        membership.as_of_date
),

first_steps_with_previous as (
    select
        first_steps.*,
        previous_week.first_step as previous_first_step
    from first_steps
    left join first_steps as previous_week
        on
            first_steps.entity = previous_week.entity
            and first_steps.entity_id = previous_week.entity_id
            and {{ dbt.dateadd('day', 7, 'previous_week.as_of_date') }} = first_steps.as_of_date
),

new_leads as (
    {#- entity-weeks newly flagged with the signals up to each step: flagged this week, not in
        the week before -#}
    select
        steps.entity,
        steps.step,
        count(*) as newly_flagged_count
    from steps
    inner join first_steps_with_previous as rows_flagged
        on
            steps.entity = rows_flagged.entity
            and steps.step >= rows_flagged.first_step
            and (
                rows_flagged.previous_first_step is null
                or steps.step < rows_flagged.previous_first_step
            )
    group by
        steps.entity,
        steps.step
),

measured as (
    select
        steps.*,
        totals.population_count,
        totals.converted_count,
        totals.week_count,
        totals.base_rate,
        coalesce(new_leads.newly_flagged_count, 0) * 1.0 / totals.week_count as leads_per_week
    from steps
    inner join totals
        on steps.entity = totals.entity
    left join new_leads
        on
            steps.entity = new_leads.entity
            and steps.step = new_leads.step
),

over_capacity as (
    select
        entity,
        min(step) as first_over_step
    from measured
    {% if capacity is none %}
        where false
    {% else %}
        where leads_per_week > {{ capacity | int }}
    {% endif %}
    group by entity
),

final as (
    select
        measured.entity || '|' || cast(measured.step as {{ dbt.type_string() }})
            as suggested_signal_step_id,
        measured.entity,
        cast(measured.step as {{ dbt.type_int() }}) as step,
        measured.candidate_id,
        candidates.feature_type,
        candidates.feature_id,
        candidates.window_days,
        candidates.cutoff_label,
        candidates.cutoff_count,
        cast(measured.new_flagged as {{ dbt.type_bigint() }}) as new_flagged_count,
        cast(measured.new_converted as {{ dbt.type_bigint() }}) as new_converted_count,
        cast(measured.new_rate_low as {{ numeric }}) as new_conversion_rate_low,
        cast(measured.new_rate_low / nullif(measured.base_rate, 0) as {{ numeric }})
            as new_lift_low,
        cast(measured.gain as {{ numeric }}) as gain,
        cast(measured.flagged_count as {{ dbt.type_bigint() }}) as flagged_count,
        cast(measured.flagged_converted_count as {{ dbt.type_bigint() }})
            as flagged_converted_count,
        cast(measured.population_count as {{ dbt.type_bigint() }}) as population_count,
        cast(measured.converted_count as {{ dbt.type_bigint() }}) as converted_count,
        cast(measured.flagged_count * 1.0 / measured.population_count as {{ numeric }})
            as flagged_share,
        cast(
            {{ safe_divide('measured.flagged_converted_count', 'measured.converted_count') }}
            as {{ numeric }}
        ) as capture_rate,
        cast(measured.leads_per_week as {{ numeric }}) as leads_per_week,
        over_capacity.first_over_step is null
        or measured.step < over_capacity.first_over_step as is_selected
    from measured
    inner join candidates
        on measured.candidate_id = candidates.candidate_id
    left join over_capacity
        on measured.entity = over_capacity.entity
)

select * from final

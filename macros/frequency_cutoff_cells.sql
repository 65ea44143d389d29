{#- CTEs (the last named cells) turning per-entity behaviour counts into the cells of a
    frequency lift: per behaviour (the `keys` columns, which start with entity), cut-offs taken
    from the doers' own counts (at least once, the median, p75 and p90, rounded up; equal
    cut-offs are one row, with the first label), and per cut-off the population and conversions
    (population_count, converted_count), those at or above it (did_count, did_converted_count)
    and the rest (not_did_count, not_did_converted_count), ready for lift_estimates.

    `counts` is a CTE with the keys, the `row_keys` columns naming one population row, and
    behaviour_count (at least 1); `population` a CTE with entity, the other `row_keys` and
    is_converted. Used by rpt_signal_lift_by_frequency (first days after signup) and
    rpt_suggested_signal_candidates (point in time). -#}
{% macro frequency_cutoff_cells(counts, population, keys, row_keys) -%}
{%- set key_list = keys | join(', ') -%}
cutoff_totals as (
    select
        entity,
        count(*) as population_count,
        sum(case when is_converted then 1 else 0 end) as converted_count
    from {{ population }}
    group by entity
),

doer_quantiles as (
    select
        {{ key_list }},
        {{ percentile_cont('behaviour_count', 0.5) }} as p50,
        {{ percentile_cont('behaviour_count', 0.75) }} as p75,
        {{ percentile_cont('behaviour_count', 0.9) }} as p90
    from {{ counts }}
    group by {{ key_list }}
),

cutoff_candidates as (
    {% for label, order, expression in [
        ('at_least_once', 1, '1'),
        ('median', 2, 'ceil(p50)'),
        ('p75', 3, 'ceil(p75)'),
        ('p90', 4, 'ceil(p90)'),
    ] -%}
        select
            {{ key_list }},
            '{{ label }}' as cutoff_label,
            {{ order }} as label_order,
            cast({{ expression }} as {{ dbt.type_bigint() }}) as cutoff_count
        from doer_quantiles
        {% if not loop.last %}union all{% endif %}
    {% endfor %}
),

cutoffs_ranked as (
    select
        *,
        row_number() over (
            partition by {{ key_list }}, cutoff_count
            order by label_order asc
        ) as label_rank
    from cutoff_candidates
),

cutoffs as (
    select * from cutoffs_ranked
    where label_rank = 1
),

did_counts as (
    select
        {% for key in keys %}cutoffs.{{ key }}, {% endfor %}
        cutoffs.cutoff_count,
        count(*) as did_count,
        sum(case when {{ population }}.is_converted then 1 else 0 end) as did_converted_count
    from cutoffs
    inner join {{ counts }}
        on
            {% for key in keys %}cutoffs.{{ key }} = {{ counts }}.{{ key }} and {% endfor %}
            cutoffs.cutoff_count <= {{ counts }}.behaviour_count
    inner join {{ population }}
        on
            {{ counts }}.entity = {{ population }}.entity
            {% for key in row_keys %}
                and {{ counts }}.{{ key }} = {{ population }}.{{ key }}
            {% endfor %}
    group by
        {% for key in keys %}cutoffs.{{ key }}, {% endfor %}
        cutoffs.cutoff_count
),

cells as (
    select
        {% for key in keys %}cutoffs.{{ key }}, {% endfor %}
        cutoffs.cutoff_label,
        cutoffs.cutoff_count,
        cutoff_totals.population_count,
        cutoff_totals.converted_count,
        did_counts.did_count,
        did_counts.did_converted_count,
        cutoff_totals.population_count - did_counts.did_count as not_did_count,
        cutoff_totals.converted_count - did_counts.did_converted_count as not_did_converted_count
    from cutoffs
    inner join cutoff_totals
        on cutoffs.entity = cutoff_totals.entity
    inner join did_counts
        on
            {% for key in keys %}cutoffs.{{ key }} = did_counts.{{ key }} and {% endfor %}
            cutoffs.cutoff_count = did_counts.cutoff_count
)
{%- endmacro %}

{#- The pre-hook of int_learned_score_features on an incremental run: removes the stored rows
    this run must write again, so the model only has to compute the points that have no rows
    (new points, and these). Removed:
      - the rows of points that are no longer points (yesterday's current points, a panel row
        an entity left);
      - for every entity touched since the last run, its rows from the earliest day touched
        (learned_score_features_touched).
    Nothing on a full build. Targets that cannot delete (dbt-spark without Delta) build the
    model as a table, so the hook never runs there. -#}
{% macro learned_score_features_reset() -%}
    {%- if is_incremental() and execute and model.resource_type == 'model' -%}
        delete from {{ this }}
        where
            not exists (
                select 1
                from {{ ref('int_learned_score_points') }} as points
                where
                    points.definition_id = {{ this.identifier }}.definition_id
                    and points.entity_id = {{ this.identifier }}.entity_id
                    and points.as_of_date = {{ this.identifier }}.as_of_date
            )
            or exists (
                select 1
                from ({{ learned_score_features_touched() }}) as touched
                where
                    touched.entity = {{ this.identifier }}.entity
                    and touched.entity_id = {{ this.identifier }}.entity_id
                    and touched.touched_from_date <= {{ this.identifier }}.as_of_date
            )
    {%- endif -%}
{%- endmacro %}

{#- The user-to-account bridge: a user in several workspaces has several rows, never collapsed.
    Links are considered per user and account (int_user_account_evidence_collected has each
    piece of evidence); a link records the strongest way it was made:
      explicit       a group call put the user in the account;
      event_context  the user's events carried the account as context_group_id;
      domain         the user's work-email domain is the account's domain, and the user has no
                     explicit or event link to that same account (a link to another account does
                     not prevent it).
    A link starts at its earliest evidence and is known from the first load of any of it. -#}
with

evidence as (
    select * from {{ ref('int_user_account_evidence_collected') }}
),

links_ranked as (
    {#- The strongest method names the link; its times span all of its evidence. -#}
    select
        user_id,
        account_id,
        link_method,
        method_priority,
        min(evidence_from) over (partition by user_id, account_id) as first_linked_at,
        min(evidence_received_at) over (partition by user_id, account_id)
            as first_linked_received_at,
        max(last_received_at) over (partition by user_id, account_id)
            as last_evidence_received_at,
        row_number() over (partition by user_id, account_id order by method_priority) as row_rank
    from evidence
),

links as (
    select
        user_id,
        account_id,
        link_method,
        method_priority,
        first_linked_at,
        first_linked_received_at,
        last_evidence_received_at
    from links_ranked
    where row_rank = 1
),

final as (
    select
        {{ dbt.hash(dbt.concat(['user_id', "'|'", 'account_id'])) }} as user_account_id,
        user_id,
        account_id,
        link_method,
        method_priority,
        first_linked_at,
        first_linked_received_at,
        last_evidence_received_at
    from links
)

select * from final

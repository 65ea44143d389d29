{#- Which CRM contact each user writes to: the live contact with the same email (the oldest, if
    several). A user whose only contacts were deleted in the CRM is flagged, so no sync ever
    recreates or targets a record sales removed. -#}
with

users as (
    select * from {{ ref('int_users_profiled') }}
),

contacts as (
    select * from {{ ref('stg_crm__contacts') }}
    where rejection_reason is null
),

live_contacts_ranked as (
    select
        email,
        crm_contact_id,
        crm_account_id,
        row_number() over (partition by email order by created_at, crm_contact_id) as row_rank
    from contacts
    where not is_deleted and email is not null
),

live_contacts as (
    select
        email,
        crm_contact_id,
        crm_account_id
    from live_contacts_ranked
    where row_rank = 1
),

deleted_emails as (
    select distinct email
    from contacts
    where is_deleted and email is not null
),

final as (
    select
        users.user_id,
        live_contacts.crm_contact_id,
        live_contacts.crm_account_id as contact_crm_account_id,
        live_contacts.crm_contact_id is null
        and deleted_emails.email is not null as has_only_deleted_contacts
    from users
    left join live_contacts
        on users.email = live_contacts.email
    left join deleted_emails
        on users.email = deleted_emails.email
    where users.email is not null
)

select * from final

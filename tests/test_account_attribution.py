"""Every event on its account, after a real build: an event without context counts for its user's
only account at the event's time, several accounts leave it ambiguous and counted, and an
attribution is never known (resolved_received_at, from which signal contributions date their
available_date) before the link it rests on was loaded."""

from __future__ import annotations

from tests.support import query, scalar

INT = "main_intermediate"


def test_each_account_source_follows_its_rule(built):
    """For every event without context, the links started by its time are counted again from the
    bridge: none for no_account (with a user), at least two for ambiguous, and for single_account
    a link to that very account, loaded no later than the event became known."""
    broken = query(
        built.db,
        f"""
        with covering as (
            select
                events.event_id,
                events.account_source,
                count(links.account_id) as links_started,
                count(case when links.account_id = events.account_id
                    and links.first_linked_received_at <= events.resolved_received_at
                    then 1 end) as known_link_to_account
            from {INT}.int_events_resolved as events
            left join {INT}.int_user_accounts_linked as links
                on events.user_id = links.user_id and links.first_linked_at <= events.occurred_at
            where events.account_source != 'event_context'
            group by events.event_id, events.account_source
        )
        select account_source, count(*) from covering
        where (account_source = 'no_account' and links_started > 0)
           or (account_source = 'ambiguous' and links_started < 2)
           or (account_source = 'single_account' and known_link_to_account != 1)
        group by account_source
        """,
    )
    assert broken == []


def test_events_without_context_are_attributed_and_ambiguous_ones_counted(built):
    counted = dict(
        query(
            built.db,
            f"select account_source, event_count from {INT}.int_event_account_sources_counted",
        )
    )
    stream = scalar(built.db, f"select count(*) from {INT}.int_events_resolved")
    assert sum(counted.values()) == stream
    assert counted["single_account"] > 0
    assert counted["ambiguous"] > 0
    ambiguous_on_an_account = scalar(
        built.db,
        f"""select count(*) from {INT}.int_events_resolved
            where account_source in ('ambiguous', 'no_account') and account_id is not null""",
    )
    assert ambiguous_on_an_account == 0

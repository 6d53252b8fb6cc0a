"""Webhooks: the site tells other systems (a chat channel, a bot, a CI) when a question is
asked, an answer posted or accepted, or a post flagged, with signed requests, retries and a
delivery log."""

"""Mail delivery: every message the site sends (sign-up links, password resets, inbox mail,
digests) goes through an outbox in the database, is sent by the task worker with retries,
never to an address that bounced or complained, and is logged for the site's owner."""

"""Discussion rooms as live chat: a room is born when a moderator moves a post's comments out
(moderation/post_tools.comments_move_to_chat); people with 20 reputation then talk in it."""

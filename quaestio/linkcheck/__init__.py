"""Link rot: the outbound links of live posts, checked politely every day, marked dead after
repeated failures, and shown with an archived copy (issue 19, point 3)."""

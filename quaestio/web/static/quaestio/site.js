// Progressive enhancement for every page: each feature here also works without JavaScript.

function expandComments(event) {
  const link = event.target.closest(".show-comments");
  if (!link) return;
  event.preventDefault();
  const list = document.getElementById(`comments-${link.dataset.postId}`);
  list.classList.add("expanded");
  const first = list.querySelector(".comment-collapsed a, .comment-collapsed");
  history.replaceState(null, "", `#comments-${link.dataset.postId}`);
  if (first && first.focus) first.setAttribute("tabindex", "-1"), first.focus();
}

function submitSortOnChange(event) {
  const select = event.target.closest(".answer-sort select");
  if (select) select.form.submit();
}

function revealSpoiler(event) {
  const spoiler = event.target.closest("blockquote.spoiler");
  if (spoiler) spoiler.classList.add("revealed");
}

document.addEventListener("click", expandComments);
document.addEventListener("click", revealSpoiler);
document.addEventListener("change", submitSortOnChange);

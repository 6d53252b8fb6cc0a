// Progressive enhancement for every page: each feature here also works without JavaScript.

// "Show N more comments" leads to the page with every comment (?comments=all); here the post's
// full list is fetched from there and put in place of the shown few.
async function expandComments(event) {
  const link = event.target.closest(".show-comments");
  if (!link) return;
  event.preventDefault();
  const id = `comments-${link.dataset.postId}`;
  const response = await fetch(link.href, { credentials: "same-origin" });
  if (!response.ok) {
    window.location.href = link.href;
    return;
  }
  const page = new DOMParser().parseFromString(await response.text(), "text/html");
  const full = page.getElementById(id);
  const current = document.getElementById(id);
  if (!full || !current) return;
  const shown = new Set([...current.querySelectorAll(".comment")].map((c) => c.id));
  current.replaceWith(full);
  const first = [...full.querySelectorAll(".comment")].find((c) => !shown.has(c.id));
  if (first) first.setAttribute("tabindex", "-1"), first.focus();
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
